using CryoMerge.Tests;

namespace CryoMerge.Cli.Tests;

/// <summary>PostgreSQL membership: a real server on 127.0.0.1 started (and stopped) by the test.</summary>
public sealed class PostgreSqlClusterTests
{
    private const string Bin = "/usr/lib/postgresql/15/bin";

    [Fact]
    public async Task ServeOnADatabaseWithoutOrleansTablesSaysWhatToCreate()
    {
        if (!File.Exists(Path.Combine(Bin, "postgres")))
        {
            if (Requires.InCi) Assert.Fail("CI=true but PostgreSQL 15 is missing: .ci/run must install postgresql");
            Assert.Skip("PostgreSQL 15 (Debian package postgresql) is not installed here");
        }
        Requires.Program("runuser", "util-linux");
        using var dir = new TempDir();
        string data = Path.Combine(dir.Path, "pg");
        Directory.CreateDirectory(data);
        Tool.Run("chown", ["-R", "postgres", dir.Path]);
        Tool.Run("chmod", ["755", dir.Path]);
        var init = Tool.Run("runuser", ["-u", "postgres", "--", $"{Bin}/initdb", "-D", data, "-A", "trust", "-U", "postgres"]);
        Assert.True(init.ExitCode == 0, init.Stderr);
        int port = ServerProcess.FreePort();
        using var server = new ServerProcess("runuser", ["-u", "postgres", "--", $"{Bin}/postgres", "-D", data, "-p", port.ToString(), "-h", "127.0.0.1", "-k", dir.Path]);
        await server.WaitForAsync("ready to accept connections", TimeSpan.FromSeconds(30));

        string dll = Path.Combine(AppContext.BaseDirectory, "cryomerge.dll");
        var serve = Tool.Run("dotnet", [dll, "serve", "--cluster", $"postgres://postgres@127.0.0.1:{port}/postgres", "--state-dir", dir.File("state")], timeoutSeconds: 120);
        Assert.Equal(1, serve.ExitCode);
        Assert.Contains("has no Orleans clustering tables", serve.Stderr);
        Assert.Contains("PostgreSQL-Clustering.sql", serve.Stderr);

        // With the clustering tables (stand-ins of the same names) but not the reminders table, a silo is refused too:
        // without reminders a job whose silo dies would wait for someone to run it again.
        var cancel = TestContext.Current.CancellationToken;
        string connectionString = $"Host=127.0.0.1;Port={port};Username=postgres;Database=postgres";
        await using (var connection = new Npgsql.NpgsqlConnection(connectionString))
        {
            await connection.OpenAsync(cancel);
            const string tables = "CREATE TABLE OrleansQuery (QueryKey varchar(64)); " +
                "CREATE TABLE OrleansMembershipTable (DeploymentId varchar(150))";
            await using var create = new Npgsql.NpgsqlCommand(tables, connection);
            await create.ExecuteNonQueryAsync(cancel);
        }
        string database = $"postgres://postgres@127.0.0.1:{port}/postgres";
        var noReminders = Tool.Run("dotnet", [dll, "serve", "--cluster", database, "--state-dir", dir.File("state")],
            timeoutSeconds: 120);
        Assert.Equal(1, noReminders.ExitCode);
        Assert.Contains("has no Orleans reminders table", noReminders.Stderr);
        Assert.Contains("PostgreSQL-Reminders.sql", noReminders.Stderr);

        var closed = Tool.Run("dotnet", [dll, "serve", "--cluster", $"postgres://postgres@127.0.0.1:{ServerProcess.FreePort()}/postgres"], timeoutSeconds: 120);
        Assert.Equal(1, closed.ExitCode);
        Assert.Contains("cannot reach the cluster at postgres://127.0.0.1", closed.Stderr);
    }
}
