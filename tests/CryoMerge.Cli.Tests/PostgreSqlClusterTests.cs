using CryoMerge.Hosting;
using CryoMerge.Tests;

namespace CryoMerge.Cli.Tests;

/// <summary>PostgreSQL membership: a real server on 127.0.0.1 started (and stopped) by the test.</summary>
public sealed class PostgreSqlClusterTests
{
    [Fact]
    public async Task ServeOnADatabaseWithoutOrleansTablesOrQueriesSaysWhatToCreate()
    {
        using var server = await PostgreSqlServer.StartAsync();
        using var dir = new TempDir();
        string dll = Path.Combine(AppContext.BaseDirectory, "cryomerge.dll");
        var serve = Tool.Run("dotnet", [dll, "serve", "--cluster", server.Address,
            "--state-dir", dir.File("state")], timeoutSeconds: 600);
        Assert.Equal(1, serve.ExitCode);
        Assert.Contains("has no Orleans clustering tables", serve.Stderr);
        Assert.Contains("PostgreSQL-Clustering.sql", serve.Stderr);

        // With the clustering tables (stand-ins of the same names) but not the reminders table, a silo is refused too:
        // without reminders a job whose silo dies would wait for someone to run it again.
        await server.ExecuteAsync("CREATE TABLE OrleansQuery (QueryKey varchar(64)); " +
            "CREATE TABLE OrleansMembershipTable (DeploymentId varchar(150))");
        string database = server.Address;
        var noReminders = Tool.Run("dotnet", [dll, "serve", "--cluster", database, "--state-dir", dir.File("state")],
            timeoutSeconds: 600);
        Assert.Equal(1, noReminders.ExitCode);
        Assert.Contains("has no Orleans reminders table", noReminders.Stderr);
        Assert.Contains("PostgreSQL-Reminders.sql", noReminders.Stderr);

        // Tables from an older script (Orleans' own PostgreSQL-Clustering.sql as tagged v10.2.2 lacks
        // CleanupDefunctSiloEntriesKey, which Orleans 10.4.2 requires): the silo and the client name what is missing,
        // rather than Orleans' stack traces.
        await server.ExecuteAsync("DROP TABLE OrleansQuery, OrleansMembershipTable");
        await OrleansPostgreSqlTables.CreateStandInAsync(server);
        await server.ExecuteAsync(
            "DELETE FROM OrleansQuery WHERE QueryKey IN ('CleanupDefunctSiloEntriesKey', 'ReadRangeRows2Key')");
        var oldScript = Tool.Run("dotnet", [dll, "serve", "--cluster", database, "--state-dir", dir.File("state")],
            timeoutSeconds: 600);
        Assert.Equal(1, oldScript.ExitCode);
        Assert.Matches(@"^\d+\.\d+\.\d+$", PostgreSqlClustering.OrleansVersion);
        Assert.Contains($"lacks stored queries that Orleans {PostgreSqlClustering.OrleansVersion} needs in " +
            "OrleansQuery: CleanupDefunctSiloEntriesKey, ReadRangeRows2Key", oldScript.Stderr);
        Assert.Contains("src/AdoNet/Orleans.Clustering.AdoNet/", oldScript.Stderr);
        Assert.DoesNotContain("Not all required queries", oldScript.Stderr);
        var client = Tool.Run("dotnet",
            [dll, "status", "demo-0", "--cluster", database, "--state-dir", dir.File("state")], timeoutSeconds: 600);
        Assert.Equal(1, client.ExitCode);
        Assert.Contains("OrleansQuery: CleanupDefunctSiloEntriesKey (", client.Stderr);

        var closed = Tool.Run("dotnet", [dll, "serve", "--cluster",
            $"postgres://postgres@127.0.0.1:{ServerProcess.FreePort()}/postgres"], timeoutSeconds: 600);
        Assert.Equal(1, closed.ExitCode);
        Assert.Contains("cannot reach the cluster at postgres://127.0.0.1", closed.Stderr);
    }
}
