using System.Runtime.InteropServices;
using CryoMerge.Tests;

namespace CryoMerge.Cli.Tests;

/// <summary>
/// A PostgreSQL server on 127.0.0.1, started by a test on a free port with a data folder of its own, and stopped (its
/// folder deleted) when disposed. As root the server runs as the postgres user the Debian package made, since
/// PostgreSQL refuses to run as root. Trust authentication for the postgres user: loopback only, test only.
/// </summary>
internal sealed partial class PostgreSqlServer : IDisposable
{
    private readonly TempDir _dir;
    private readonly ServerProcess _server;

    private PostgreSqlServer(TempDir dir, ServerProcess server, int port)
    {
        _dir = dir;
        _server = server;
        Port = port;
    }

    public int Port { get; }

    /// <summary>The address 'cryomerge --cluster' takes.</summary>
    public string Address => $"postgres://postgres@127.0.0.1:{Port}/postgres";

    public string ConnectionString => $"Host=127.0.0.1;Port={Port};Username=postgres;Database=postgres";

    /// <summary>
    /// Starts a server; the test fails under CI=true, and is skipped elsewhere, when PostgreSQL is not installed.
    /// </summary>
    public static async Task<PostgreSqlServer> StartAsync()
    {
        string bin = Bin() ?? Missing();
        var dir = new TempDir();
        ServerProcess? server = null;
        try
        {
            string data = Path.Combine(dir.Path, "pg");
            Directory.CreateDirectory(data);
            string[] asServer = [];
            if (IsRoot())
            {
                Requires.Program("runuser", "util-linux");
                Assert.Equal(0, Tool.Run("chown", ["-R", "postgres", dir.Path]).ExitCode);
                Tool.Run("chmod", ["755", dir.Path]);
                asServer = ["-u", "postgres", "--"];
            }
            string initdb = Path.Combine(bin, "initdb");
            string[] initArguments = ["-D", data, "-A", "trust", "-U", "postgres"];
            var init = asServer.Length > 0
                ? Tool.Run("runuser", [.. asServer, initdb, .. initArguments])
                : Tool.Run(initdb, initArguments);
            Assert.True(init.ExitCode == 0, init.Stderr);
            int port = ServerProcess.FreePort();
            string[] postgres = ["-D", data, "-p", port.ToString(), "-h", "127.0.0.1", "-k", dir.Path];
            server = asServer.Length > 0
                ? new ServerProcess("runuser", [.. asServer, Path.Combine(bin, "postgres"), .. postgres])
                : new ServerProcess(Path.Combine(bin, "postgres"), postgres);
            // A hang guard only: PostgreSQL starts in about a second.
            await server.WaitForAsync("ready to accept connections", TimeSpan.FromMinutes(5));
            return new PostgreSqlServer(dir, server, port);
        }
        catch
        {
            server?.Dispose();
            dir.Dispose();
            throw;
        }
    }

    /// <summary>Runs SQL (one or more statements) as the postgres user.</summary>
    public async Task ExecuteAsync(string sql)
    {
        var cancel = TestContext.Current.CancellationToken;
        await using var connection = new Npgsql.NpgsqlConnection(ConnectionString);
        await connection.OpenAsync(cancel);
        await using var command = new Npgsql.NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(cancel);
    }

    /// <summary>The rows of a query, each row's columns as text (null for SQL NULL).</summary>
    public async Task<List<string?[]>> QueryAsync(string sql)
    {
        var cancel = TestContext.Current.CancellationToken;
        await using var connection = new Npgsql.NpgsqlConnection(ConnectionString);
        await connection.OpenAsync(cancel);
        await using var command = new Npgsql.NpgsqlCommand(sql, connection);
        await using var reader = await command.ExecuteReaderAsync(cancel);
        var rows = new List<string?[]>();
        while (await reader.ReadAsync(cancel))
            rows.Add(Enumerable.Range(0, reader.FieldCount)
                .Select(i => reader.IsDBNull(i) ? null : Convert.ToString(reader.GetValue(i),
                    System.Globalization.CultureInfo.InvariantCulture)).ToArray());
        return rows;
    }

    /// <summary>
    /// The bin folder of the newest PostgreSQL installed (Debian: /usr/lib/postgresql/VERSION/bin), else the folder of
    /// an initdb on PATH; null when there is none.
    /// </summary>
    public static string? Bin()
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

    private static bool IsRoot() => GetEffectiveUserId() == 0;

    [LibraryImport("libc", EntryPoint = "geteuid")]
    private static partial uint GetEffectiveUserId();

    public void Dispose()
    {
        try
        {
            _server.Dispose();
        }
        finally
        {
            _dir.Dispose();
        }
    }
}
