namespace CryoMerge.Tests;

/// <summary>
/// Named paths of the real third-party files under ../shared/data/real (see its SOURCES.md), found from the
/// repository root; CRYOMERGE_SHARED overrides the location of shared/.
/// </summary>
public static class TestFiles
{
    public static string RepositoryRoot { get; } = FindRoot();

    public static string Shared =>
        Environment.GetEnvironmentVariable("CRYOMERGE_SHARED") is { Length: > 0 } s ? s
        : Path.GetFullPath(Path.Combine(RepositoryRoot, "..", "shared"));

    public static string Real => Path.Combine(Shared, "data", "real");

    public static string RealFile(string relative) => Path.Combine(Real, relative);

    /// <summary>Every MRC-format file of the real data (maps, stacks, the CTFFIND power spectrum).</summary>
    public static IEnumerable<string> RealMrcFiles() =>
        !Directory.Exists(Real) ? [] :
        Directory.EnumerateFiles(Real, "*", SearchOption.AllDirectories)
            .Where(f => f.EndsWith(".mrc") || f.EndsWith(".mrcs") || f.EndsWith(".map") || f.EndsWith(".ctf"))
            .Select(f => Path.GetRelativePath(Real, f)).Order(StringComparer.Ordinal);

    /// <summary>Every STAR file of the real data.</summary>
    public static IEnumerable<string> RealStarFiles() =>
        !Directory.Exists(Real) ? [] :
        Directory.EnumerateFiles(Real, "*.star", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(Real, f)).Order(StringComparer.Ordinal);

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "CryoMerge.Distributed.sln"))) return dir.FullName;
        return Directory.GetCurrentDirectory();
    }
}
