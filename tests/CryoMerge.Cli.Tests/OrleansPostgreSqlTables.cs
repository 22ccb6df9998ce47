using CryoMerge.Hosting;
using CryoMerge.Tests;

namespace CryoMerge.Cli.Tests;

/// <summary>
/// Creates the tables and stored queries that Orleans' ADO.NET clustering and reminders providers need in a test's
/// PostgreSQL database. Orleans' own scripts (PostgreSQL-Main.sql, PostgreSQL-Clustering.sql, PostgreSQL-Reminders.sql)
/// are run when they are found: in the folder <c>CRYOMERGE_ORLEANS_SQL</c> names, else in the restored
/// Microsoft.Orleans.Clustering.AdoNet / Reminders.AdoNet packages of the Orleans version we build with. Those
/// packages (10.4.2, and 3.5.1 before them) hold no SQL, so on a machine that only restored packages the test runs
/// its own stand-in, PostgreSql/orleans-tables-stand-in.sql: the same tables and query keys, written here. The test's
/// output says which it ran.
/// </summary>
internal static class OrleansPostgreSqlTables
{
    public const string ScriptsVariable = "CRYOMERGE_ORLEANS_SQL";

    private static readonly string[] ScriptNames =
        ["PostgreSQL-Main.sql", "PostgreSQL-Clustering.sql", "PostgreSQL-Reminders.sql"];

    /// <summary>Runs Orleans' scripts, or the stand-in; returns what it ran.</summary>
    public static async Task<string> CreateAsync(PostgreSqlServer server)
    {
        var scripts = FindOrleansScripts();
        if (scripts is null)
        {
            await CreateStandInAsync(server);
            return Report($"Orleans' PostgreSQL scripts were not found (set {ScriptsVariable} to a folder holding " +
                $"{string.Join(", ", ScriptNames)}); ran the test stand-in {StandIn}");
        }
        foreach (string script in scripts)
            await server.ExecuteAsync(await File.ReadAllTextAsync(script, TestContext.Current.CancellationToken));
        return Report($"ran Orleans' scripts {string.Join(", ", scripts)}");
    }

    /// <summary>The stand-in's tables and queries, whatever is on this machine.</summary>
    public static async Task CreateStandInAsync(PostgreSqlServer server) =>
        await server.ExecuteAsync(await File.ReadAllTextAsync(StandIn, TestContext.Current.CancellationToken));

    private static string StandIn =>
        Path.Combine(AppContext.BaseDirectory, "PostgreSql", "orleans-tables-stand-in.sql");

    /// <summary>Orleans' three scripts in the order they run, or null when they are not on this machine.</summary>
    public static IReadOnlyList<string>? FindOrleansScripts()
    {
        if (Environment.GetEnvironmentVariable(ScriptsVariable) is { Length: > 0 } folder)
        {
            var named = ScriptNames.Select(n => Path.Combine(folder, n)).ToList();
            var missing = named.Where(f => !File.Exists(f)).ToList();
            Assert.True(missing.Count == 0, $"{ScriptsVariable}={folder} lacks {string.Join(", ", missing)}");
            return named;
        }
        string packages = Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } p ? p
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        string[] folders = ["microsoft.orleans.clustering.adonet", "microsoft.orleans.reminders.adonet"];
        var found = folders.Select(f => Path.Combine(packages, f, OrleansVersion)).Where(Directory.Exists)
            .SelectMany(d => Directory.EnumerateFiles(d, "PostgreSQL-*.sql", SearchOption.AllDirectories))
            .GroupBy(Path.GetFileName).ToDictionary(g => g.Key!, g => g.First());
        return ScriptNames.All(found.ContainsKey) ? ScriptNames.Select(n => found[n]).ToList() : null;
    }

    /// <summary>The Orleans version we build with, as NuGet names its package folders (e.g. 10.4.2).</summary>
    private static string OrleansVersion => PostgreSqlClustering.OrleansVersion;

    private static string Report(string what)
    {
        TestContext.Current.TestOutputHelper?.WriteLine(what);
        return what;
    }
}
