using CryoMerge.Cli.App;

namespace CryoMerge.Cli.Tests;

public sealed class RootCommandTests
{
    [Fact]
    public void VersionNamesTheFftBackendInUse()
    {
        var result = CliRunner.Run("--version");
        Assert.Equal(0, result.ExitCode);
        Assert.StartsWith("cryomerge 0.", result.Out);
        Assert.Matches("FFT: (fftw|managed)", result.Out);
    }

    [Fact]
    public void HelpDescribesTheToolWithAnExample()
    {
        var result = CliRunner.Run("--help");
        Assert.Equal(0, result.ExitCode);
        Assert.Contains("different pixel sizes", result.Out);
        Assert.Contains("Example:", result.Out);
        Assert.Contains("info", result.Out);
    }

    [Fact]
    public void EveryCommandHelpHasAnExample()
    {
        foreach (var command in CryoMergeApp.BuildRoot(new CliConsole(TextWriter.Null, TextWriter.Null)).Subcommands)
        {
            var result = CliRunner.Run(command.Name, "--help");
            Assert.Equal(0, result.ExitCode);
            Assert.Contains("Example", result.Out);
            Assert.Contains($"cryomerge {command.Name}", result.Out);
        }
    }

    [Fact]
    public void AnUnknownCommandIsAUsageErrorWithExitCodeTwo()
    {
        var result = CliRunner.Run("frobnicate");
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("cryomerge --help", result.Error);
        Assert.Equal("", result.Out);
    }

    [Fact]
    public void TheRealExecutableReturnsTheSameExitCodes()
    {
        string dll = Path.Combine(AppContext.BaseDirectory, "cryomerge.dll");
        var ok = CryoMerge.Tests.Tool.Run("dotnet", [dll, "--version"]);
        Assert.Equal(0, ok.ExitCode);
        var missing = CryoMerge.Tests.Tool.Run("dotnet", [dll, "info", "/nonexistent/map.mrc"]);
        Assert.Equal(1, missing.ExitCode);
        Assert.Equal("cryomerge: /nonexistent/map.mrc: file not found", missing.Stderr.Trim());
        var usage = CryoMerge.Tests.Tool.Run("dotnet", [dll, "info"]);
        Assert.Equal(2, usage.ExitCode);
    }

    [Fact]
    public void CryomergeFftSelectsTheBackend()
    {
        string dll = Path.Combine(AppContext.BaseDirectory, "cryomerge.dll");
        var managed = CryoMerge.Tests.Tool.Run("env", ["CRYOMERGE_FFT=managed", "dotnet", dll, "--version"]);
        Assert.Contains("FFT: managed", managed.Stdout);
        var bogus = CryoMerge.Tests.Tool.Run("env", ["CRYOMERGE_FFT=cufft", "dotnet", dll, "--version"]);
        Assert.Equal(1, bogus.ExitCode);
        Assert.Contains("unknown FFT backend 'cufft'", bogus.Stderr);
    }
}
