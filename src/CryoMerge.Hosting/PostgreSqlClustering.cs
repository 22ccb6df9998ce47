using CryoMerge.Core;
using Npgsql;

namespace CryoMerge.Hosting;

/// <summary>
/// PostgreSQL membership goes through Orleans' ADO.NET provider, which reads its SQL from tables that Orleans'
/// own scripts create (they are not in the NuGet package). Before a silo or client starts we check that the
/// database answers and has those tables, so that the user gets one clear line instead of a retry loop. Silos also
/// keep their job reminders there (Orleans' ADO.NET reminders: OrleansRemindersTable, created by
/// PostgreSQL-Reminders.sql, which also adds its queries to OrleansQuery).
/// </summary>
public static class PostgreSqlClustering
{
    public static async Task CheckAsync(
        ClusterTarget target, CancellationToken cancellationToken = default, bool silo = false)
    {
        if (target.Kind != ClusterKind.PostgreSql) return;
        try
        {
            await using var connection = new NpgsqlConnection(target.ConnectionString);
            await connection.OpenAsync(cancellationToken);
            await using var command = new NpgsqlCommand(
                "SELECT to_regclass('orleansquery') IS NOT NULL AND to_regclass('orleansmembershiptable') IS NOT NULL",
                connection);
            if (await command.ExecuteScalarAsync(cancellationToken) is not true)
                throw new CryoMergeInputException("--cluster",
                    $"the database at {target.Display} has no Orleans clustering tables (OrleansQuery, " +
                    $"OrleansMembershipTable); " +
                    "create them with Orleans 10's PostgreSQL-Main.sql and PostgreSQL-Clustering.sql before starting " +
                    "silos");
            if (!silo) return;
            const string remindersTable = "SELECT to_regclass('orleansreminderstable') IS NOT NULL";
            await using var reminders = new NpgsqlCommand(remindersTable, connection);
            if (await reminders.ExecuteScalarAsync(cancellationToken) is not true)
                throw new CryoMergeInputException("--cluster",
                    $"the database at {target.Display} has no Orleans reminders table (OrleansRemindersTable), " +
                    "which lets a job resume on another silo by itself; " +
                    "create it with Orleans 10's PostgreSQL-Reminders.sql before starting silos");
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException or System.Net.Sockets.SocketException)
        {
            throw new CryoMergeInputException("--cluster",
                $"cannot reach the cluster at {target.Display}: {e.Message.Split('\n')[0]}");
        }
    }
}
