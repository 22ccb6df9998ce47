namespace CryoMerge.Bench;

/// <summary>
/// The programs as users run them: cryomerge published by deploy/build.sh (self-contained, composite ReadyToRun, as
/// in the image), and this bench published the same way for runs that must start alike (the Core baseline of the
/// merge). Each is published once per bench run, into the work folder.
/// </summary>
internal static class Published
{
    private static string? _cryomerge, _bench, _warm;

    /// <summary>The cryomerge executable.</summary>
    public static string Cryomerge(string workDirectory)
    {
        if (_cryomerge is not null) return _cryomerge;
        string output = Path.Combine(workDirectory, "published", "cryomerge");
        Measure.External("bash", [Path.Combine(RescaleBench.RepositoryRoot(), "deploy", "build.sh"), "publish", output], repeats: 1);
        return _cryomerge = Path.Combine(output, "cryomerge");
    }

    /// <summary>This bench's executable.</summary>
    public static string Bench(string workDirectory) => _bench ??= PublishBenchProject(workDirectory, "CryoMerge.Bench", "bench");

    /// <summary>The warm-merge child (a silo and Core in one process), published like the bench.</summary>
    public static string Warm(string workDirectory) => _warm ??= PublishBenchProject(workDirectory, "CryoMerge.Bench.Warm", "warm");

    /// <summary>Publishes bench/NAME as the image's cryomerge is built; returns its executable.</summary>
    private static string PublishBenchProject(string workDirectory, string name, string folder)
    {
        string output = Path.Combine(workDirectory, "published", folder);
        string project = Path.Combine(RescaleBench.RepositoryRoot(), "bench", name, $"{name}.csproj");
        // Its own intermediate folder: the repository's bin/ and obj/ (this running bench) stay as they are.
        Measure.External("dotnet", ["publish", project, "-c", "Release", "-o", output, "--artifacts-path", Path.Combine(workDirectory, "published", $"{folder}-build"),
            "--runtime", RuntimeIdentifier(), "--self-contained", "true", "-p:PublishReadyToRun=true", "-p:PublishReadyToRunComposite=true", "-p:TieredCompilation=false", "-nologo", "-v", "q"], repeats: 1);
        return Path.Combine(output, name);
    }

    private static string RuntimeIdentifier() => System.Runtime.InteropServices.RuntimeInformation.RuntimeIdentifier;
}
