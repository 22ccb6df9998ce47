using System.Reflection;
using CryoMerge.Core;
using Npgsql;

namespace CryoMerge.Hosting;

/// <summary>
/// PostgreSQL membership goes through Orleans' ADO.NET providers, which read their SQL from the OrleansQuery table
/// that Orleans' own scripts fill. The scripts are not in the NuGet packages (10.4.2 holds only the assemblies): they
/// are in Orleans' source, src/AdoNet/Shared/PostgreSQL-Main.sql, src/AdoNet/Orleans.Clustering.AdoNet/
/// PostgreSQL-Clustering.sql and src/AdoNet/Orleans.Reminders.AdoNet/PostgreSQL-Reminders.sql. Before a silo or
/// client starts we check that the database answers and has the tables and every stored query Orleans will ask for,
/// so that the user gets one line naming what to run instead of a retry loop or Orleans' stack traces ending in "Not
/// all required queries found". Silos also keep their job reminders there (Orleans' ADO.NET
/// reminders: OrleansRemindersTable and its queries, created by PostgreSQL-Reminders.sql).
/// </summary>
public static class PostgreSqlClustering
{
    /// <summary>
    /// The stored queries Orleans 10.4.2's ADO.NET clustering provider requires, silos and clients alike (its
    /// DbStoredQueries refuses to start without any of them). Orleans' PostgreSQL-Clustering.sql as tagged v10.2.2
    /// lacks CleanupDefunctSiloEntriesKey (added later to Orleans' main branch).
    /// </summary>
    public static readonly IReadOnlyList<string> ClusteringQueries =
    [
        "GatewaysQueryKey", "MembershipReadRowKey", "MembershipReadAllKey", "InsertMembershipVersionKey",
        "UpdateIAmAlivetimeKey", "InsertMembershipKey", "UpdateMembershipKey", "DeleteMembershipTableEntriesKey",
        "CleanupDefunctSiloEntriesKey",
    ];

    /// <summary>The stored queries Orleans' ADO.NET reminders provider requires (silos only).</summary>
    public static readonly IReadOnlyList<string> ReminderQueries =
    [
        "ReadReminderRowsKey", "ReadReminderRowKey", "ReadRangeRows1Key", "ReadRangeRows2Key",
        "UpsertReminderRowKey", "DeleteReminderRowKey", "DeleteReminderRowsKey",
    ];

    public static async Task CheckAsync(
        ClusterTarget target, CancellationToken cancellationToken = default, bool silo = false)
    {
        if (target.Kind != ClusterKind.PostgreSql) return;
        try
        {
            await using var connection = new NpgsqlConnection(target.ConnectionString);
            await connection.OpenAsync(cancellationToken);
            if (!await ExistsAsync(connection, ["orleansquery", "orleansmembershiptable"], cancellationToken))
                throw Refusal(target, "has no Orleans clustering tables (OrleansQuery, OrleansMembershipTable)",
                    "run Orleans' PostgreSQL-Main.sql and PostgreSQL-Clustering.sql on it",
                    "src/AdoNet/Shared/ and src/AdoNet/Orleans.Clustering.AdoNet/");
            if (silo && !await ExistsAsync(connection, ["orleansreminderstable"], cancellationToken))
                throw Refusal(target, "has no Orleans reminders table (OrleansRemindersTable), which lets a job " +
                    "resume on another silo by itself", "run Orleans' PostgreSQL-Reminders.sql on it",
                    "src/AdoNet/Orleans.Reminders.AdoNet/");
            var present = await QueryKeysAsync(connection, cancellationToken);
            var missing = ClusteringQueries.Concat(silo ? ReminderQueries : []).Where(k => !present.Contains(k))
                .ToList();
            if (missing.Count > 0)
                throw Refusal(target, $"lacks stored queries that Orleans {OrleansVersion} needs in OrleansQuery: " +
                    $"{string.Join(", ", missing)} (its tables came from an older script)",
                    "add them from Orleans' PostgreSQL-Clustering.sql or PostgreSQL-Reminders.sql (the INSERT INTO " +
                    "OrleansQuery of each)", "src/AdoNet/Orleans.Clustering.AdoNet/ and Orleans.Reminders.AdoNet/");
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException or System.Net.Sockets.SocketException)
        {
            throw new CryoMergeInputException("--cluster",
                $"cannot reach the cluster at {target.Display}: {e.Message.Split('\n')[0]}");
        }
    }

    private static CryoMergeInputException Refusal(ClusterTarget target, string problem, string remedy,
        string folders) =>
        new("--cluster", $"the database at {target.Display} {problem}; {remedy} before starting silos (the " +
            "scripts are not in the NuGet packages: they are in Orleans' source, " +
            $"{folders}, at tag v{OrleansVersion})");

    /// <summary>The Orleans version of the ADO.NET providers we run (e.g. 10.4.2).</summary>
    public static string OrleansVersion { get; } =
        typeof(Orleans.Configuration.AdoNetClusteringSiloOptions).Assembly
            .GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion is { } v
            ? System.Text.RegularExpressions.Regex.Match(v, @"^\d+(\.\d+)*").Value : "10";

    private static async Task<bool> ExistsAsync(
        NpgsqlConnection connection, string[] tables, CancellationToken cancellationToken)
    {
        string sql = "SELECT " + string.Join(" AND ", tables.Select(t => $"to_regclass('{t}') IS NOT NULL"));
        await using var command = new NpgsqlCommand(sql, connection);
        return await command.ExecuteScalarAsync(cancellationToken) is true;
    }

    private static async Task<HashSet<string>> QueryKeysAsync(
        NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        var keys = new HashSet<string>(StringComparer.Ordinal);
        await using var command = new NpgsqlCommand("SELECT QueryKey FROM OrleansQuery", connection);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken)) keys.Add(reader.GetString(0));
        return keys;
    }
}
