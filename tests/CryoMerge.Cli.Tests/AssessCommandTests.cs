using System.Text.Json;
using CryoMerge.Tests;

namespace CryoMerge.Cli.Tests;

/// <summary><c>cryomerge assess PLAN</c> on a finished merge, and on one that has not run.</summary>
public sealed class AssessCommandTests
{
    [Fact]
    public void APlanWhoseMergeHasNotRunIsRefusedNamingTheMissingSummary()
    {
        using var dir = new TempDir();
        var demo = CliRunner.Run("demo", "--o", dir.File("demo"), "--micrographs", "1", "--particles", "4",
            "--mic-size", "256", "--box", "48", "--simulate-only");
        Assert.True(demo.ExitCode == 0, demo.Error);
        var run = CliRunner.Run("assess", Path.Combine(dir.File("demo"), "plan.yaml"));
        Assert.Equal(1, run.ExitCode);
        Assert.Contains("has no finished merge", run.Error);
        Assert.Contains("summary.json is missing", run.Error);
        Assert.Equal("", run.Out);
    }

    [Fact]
    public void AssessingAFinishedMergeAddsItsSectionToTheSummaryOnce()
    {
        using var dir = new TempDir();
        var merge = CliRunner.Run("demo", "--o", dir.File("demo"), "--micrographs", "3", "--particles", "10",
            "--no-assess");
        Assert.True(merge.ExitCode == 0, merge.Error);
        string summary = Path.Combine(dir.File("demo"), "merged", "summary.txt");
        string before = File.ReadAllText(summary);
        Assert.DoesNotContain("Did the merge help?", before);

        var run = CliRunner.Run("assess", Path.Combine(dir.File("demo"), "plan.yaml"), "--skip-gridding", "--json");
        Assert.True(run.ExitCode == 0, run.Error);
        var report = JsonDocument.Parse(run.Out).RootElement.GetProperty("report");
        Assert.Equal(2, report.GetProperty("order").GetArrayLength());
        Assert.Equal(3, report.GetProperty("maps").GetArrayLength());
        Assert.Equal(2, report.GetProperty("steps").GetArrayLength());
        string after = File.ReadAllText(summary);
        // The merge's own summary is kept as it was; the assessment's section follows it, once.
        Assert.StartsWith(before.TrimEnd('\n'), after);
        Assert.Single(after.Split('\n'), l => l.StartsWith("Did the merge help?", StringComparison.Ordinal));
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir.File("demo"), "merged", "summary.json")));
        Assert.True(json.RootElement.TryGetProperty("mergedParticles", out _),
            "the merge's state is kept in summary.json");
        Assert.Equal(3, json.RootElement.GetProperty("assessment").GetProperty("maps").GetArrayLength());
    }
}
