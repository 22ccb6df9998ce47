using System.Text.RegularExpressions;
using CryoMerge.Tests;

namespace CryoMerge.Deploy.Tests;

/// <summary>
/// deploy/Dockerfile keeps its build steps in deploy/build.sh; with no Docker engine here the test copies what the
/// build stage copies, runs those same steps on this machine and runs the command they built.
/// </summary>
public sealed class ImageBuildTests
{
    private static string Deploy(string file) => Path.Combine(TestFiles.RepositoryRoot, "deploy", file);

    [Fact]
    public void TheDockerfileBuildsWithBuildShAndRunsServeAsANonRootUser()
    {
        var lines = File.ReadAllLines(Deploy("Dockerfile")).Where(l => !l.TrimStart().StartsWith('#')).ToList();
        var froms = lines.Where(l => l.StartsWith("FROM ")).ToList();
        Assert.Equal(["FROM ${SDK_IMAGE} AS build", "FROM ${RUNTIME_IMAGE} AS runtime"], froms);
        Assert.Contains(lines, l => l.StartsWith("ARG SDK_IMAGE=mcr.microsoft.com/dotnet/sdk:10.0"));
        Assert.Contains(lines, l => l.StartsWith("ARG RUNTIME_IMAGE=mcr.microsoft.com/dotnet/runtime-deps:10.0"));
        string text = string.Join('\n', lines);
        Assert.Matches(@"RUN [^\n]*(\\\n[^\n]*)*deploy/build\.sh publish /app", text);
        Assert.Contains("RUN /usr/local/lib/cryomerge/build.sh runtime", text);
        Assert.Contains("COPY --from=build /app /app", text);
        Assert.Matches(@"\nUSER [1-9][0-9]*\n", text);
        Assert.Contains("ENTRYPOINT [\"cryomerge\"]", text);
        Assert.Contains("CMD [\"serve\"]", text);
        Assert.Contains("EXPOSE 11111 30000", text);
        // Nothing is downloaded but NuGet packages and apt packages.
        Assert.DoesNotMatch(new Regex(@"\b(curl|wget|ADD\s+https?:)"), text + File.ReadAllText(Deploy("build.sh")));
    }

    [Fact]
    public void TheRuntimePackagesOfTheImageAreTheOnesInstalledHere()
    {
        Requires.Program("dpkg-query", "dpkg");
        var result = Tool.Run("bash", [Deploy("build.sh"), "check-runtime"]);
        if (result.ExitCode != 0 && !Requires.InCi) Assert.Skip(result.Stderr.Trim());
        Assert.True(result.ExitCode == 0, result.Stderr);
        Assert.Contains("RUNTIME_PACKAGES=(libfftw3-single3)", File.ReadAllText(Deploy("build.sh")));
    }

    private static bool IsReadyToRun(string assembly)
    {
        using var pe = new System.Reflection.PortableExecutable.PEReader(File.OpenRead(assembly));
        return pe.PEHeaders.CorHeader?.ManagedNativeHeaderDirectory.Size > 0;
    }

    [Fact]
    public void BuildShPublishesACryomergeThatRunsWithFftw()
    {
        Requires.Program("dotnet", "dotnet-sdk-10.0");
        using var dir = new TempDir();
        // Only what the Dockerfile's build stage copies, at the same places, as in 'docker build'.
        string context = dir.File("src");
        DockerBuildStage.Stage(TestFiles.RepositoryRoot, Deploy("Dockerfile"), context);
        Assert.Equal([".editorconfig", "Directory.Build.props", "Directory.Packages.props", "deploy",
            "global.json", "src"],
            Directory.EnumerateFileSystemEntries(context).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        string output = dir.File("app");
        // The composite ReadyToRun publish takes about 3 minutes on 2 idle cores and 9 or more on a loaded 2-core
        // machine: the limit is a hang guard only.
        // Without build servers: an MSBuild node or compiler server started here would outlive the test (and others'
        // builds on the machine could come to depend on it).
        var build = Tool.Run("env", ["MSBUILDDISABLENODEREUSE=1", "UseSharedCompilation=false", "bash",
            Path.Combine(context, "deploy", "build.sh"), "publish", output], context, timeoutSeconds: 45 * 60);
        Assert.True(build.ExitCode == 0, $"build.sh publish failed:\n{build.Stdout}\n{build.Stderr}");
        string cryomerge = Path.Combine(output, "cryomerge");
        Assert.True(File.Exists(cryomerge), "no cryomerge executable in the published folder");
        Assert.True(File.Exists(Path.Combine(output, "Orleans.Hosting.Kubernetes.dll")));
        // Self-contained and precompiled into one composite ReadyToRun image, ours, Orleans and .NET alike: a silo
        // must not wait for the JIT.
        Assert.True(File.Exists(Path.Combine(output, "libcoreclr.so")),
            "the published folder does not bring its own .NET");
        Assert.True(new FileInfo(Path.Combine(output, "cryomerge.r2r.dll")).Length > 10_000_000,
            "no composite ReadyToRun image cryomerge.r2r.dll");
        foreach (var assembly in new[] { "cryomerge.dll", "CryoMerge.Core.dll", "Orleans.Runtime.dll",
            "System.Private.CoreLib.dll" })
            Assert.True(IsReadyToRun(Path.Combine(output, assembly)), $"{assembly} is not ReadyToRun");
        Assert.Contains("\"System.Runtime.TieredCompilation\": false", File.ReadAllText(Path.Combine(output,
            "cryomerge.runtimeconfig.json")));

        var version = Tool.Run(cryomerge, ["--version"], dir.Path);
        Assert.True(version.ExitCode == 0, version.Stderr);
        Assert.StartsWith("cryomerge 0.1.0", version.Stdout);
        if (Tool.Run("bash", [Deploy("build.sh"), "check-runtime"]).ExitCode == 0)
            Assert.Contains("FFT: fftw-3", version.Stdout);

        // The image's default command without a cluster is a one-line error, not a crash.
        var serve = Tool.Run("env", ["-u", "CRYOMERGE_CLUSTER", cryomerge, "serve"], dir.Path);
        Assert.Equal(1, serve.ExitCode);
        Assert.Contains("serve joins a cluster", serve.Stderr);
    }
}
