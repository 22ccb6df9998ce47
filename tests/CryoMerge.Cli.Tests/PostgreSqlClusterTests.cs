using System.Runtime.InteropServices;
using CryoMerge.Tests;

namespace CryoMerge.Cli.Tests;

/// <summary>PostgreSQL membership: a real server on 127.0.0.1 started (and stopped) by the test.</summary>
public sealed partial class PostgreSqlClusterTests
{
    [Fact]
    public async Task ServeOnADatabaseWithoutOrleansTablesSaysWhatToCreate()
    {
        string bin = PostgresBin() ?? Missing();
        using var dir = new TempDir();
        string data = Path.Combine(dir.Path, "pg");
        Directory.CreateDirectory(data);
        // PostgreSQL refuses to run as root: as root the server runs as the postgres user the package made.
        string[] asServer = [];
        if (IsRoot())
        {
            Requires.Program("runuser", "util-linux");
            Assert.Equal(0, Tool.Run("chown", ["-R", "postgres", dir.Path]).ExitCode);
            Tool.Run("chmod", ["755", dir.Path]);
            asServer = ["-u", "postgres", "--"];
        }
        var init = Run(asServer, Path.Combine(bin, "initdb"), ["-D", data, "-A", "trust", "-U", "postgres"]);
        Assert.True(init.ExitCode == 0, init.Stderr);
        int port = ServerProcess.FreePort();
        string[] postgres = ["-D", data, "-p", port.ToString(), "-h", "127.0.0.1", "-k", dir.Path];
        using var server = asServer.Length > 0
            ? new ServerProcess("runuser", [.. asServer, Path.Combine(bin, "postgres"), .. postgres])
            : new ServerProcess(Path.Combine(bin, "postgres"), postgres);
        // A hang guard only: PostgreSQL starts in about a second.
        await server.WaitForAsync("ready to accept connections", TimeSpan.FromMinutes(5));

        string dll = Path.Combine(AppContext.BaseDirectory, "cryomerge.dll");
        var serve = Tool.Run("dotnet", [dll, "serve", "--cluster", $"postgres://postgres@127.0.0.1:{port}/postgres",
            "--state-dir", dir.File("state")], timeoutSeconds: 600);
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
            timeoutSeconds: 600);
        Assert.Equal(1, noReminders.ExitCode);
        Assert.Contains("has no Orleans reminders table", noReminders.Stderr);
        Assert.Contains("PostgreSQL-Reminders.sql", noReminders.Stderr);

        var closed = Tool.Run("dotnet", [dll, "serve", "--cluster",
            $"postgres://postgres@127.0.0.1:{ServerProcess.FreePort()}/postgres"], timeoutSeconds: 600);
        Assert.Equal(1, closed.ExitCode);
        Assert.Contains("cannot reach the cluster at postgres://127.0.0.1", closed.Stderr);
    }

    /// <summary>
    /// The bin folder of the newest PostgreSQL installed (Debian: /usr/lib/postgresql/VERSION/bin), else the folder of
    /// an initdb on PATH; null when there is none.
    /// </summary>
    internal static string? PostgresBin()
    {
        const string debian = "/usr/lib/postgresql";
        var versions = !Directory.Exists(debian) ? [] : Directory.GetDirectories(debian)
            .Select(d => (Dir: Path.Combine(d, "bin"), Version: double.TryParse(Path.GetFileName(d),
                System.Globalization.CultureInfo.InvariantCulture, out double v) ? v : -1))
            .Where(d => File.Exists(Path.Combine(d.Dir, "initdb")) && File.Exists(Path.Combine(d.Dir, "postgres")))
            .OrderByDescending(d => d.Version).ToList();
        if (versions.Count > 0) return versions[0].Dir;
        return Requires.FindOnPath("initdb") is { } initdb ? Path.GetDirectoryName(initdb) : null;
    }

    private static string Missing()
    {
        const string what = "PostgreSQL's initdb and postgres (Debian package postgresql)";
        if (Requires.InCi) Assert.Fail($"CI=true but {what} are missing: .ci/run must install postgresql");
        Assert.Skip($"{what} are not installed here");
        return "";
    }

    private static Tool.Result Run(string[] asServer, string program, string[] arguments) =>
        asServer.Length > 0 ? Tool.Run("runuser", [.. asServer, program, .. arguments]) : Tool.Run(program, arguments);

    private static bool IsRoot() => GetEffectiveUserId() == 0;

    [LibraryImport("libc", EntryPoint = "geteuid")]
    private static partial uint GetEffectiveUserId();
}
