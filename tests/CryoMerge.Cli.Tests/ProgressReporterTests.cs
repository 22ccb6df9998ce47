using System.Text.RegularExpressions;
using CryoMerge.Core.Merging.Stages;
using CryoMerge.Core.Merging;
using CryoMerge.Grains.Tests;
using CryoMerge.Tests;

namespace CryoMerge.Cli.Tests;

/// <summary>
/// Issue 20, point 8: progress as plain lines when stderr is not a terminal, a Spectre.Console bar when it is.
/// </summary>
public sealed class ProgressReporterTests
{
    [Fact]
    public void WithoutATerminalProgressIsAPlainLineAtTheStartAndAtTheEnd()
    {
        var error = new StringWriter();
        var console = new CliConsole(new StringWriter(), error);
        using (var progress = new ProgressReporter(console, "[3/10] extract", 3))
            for (int i = 0; i < 3; i++) progress.Advance();
        var lines = error.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, lines.Length);
        Assert.Matches(@"^\[3/10\] extract: 1/3 \(33 %\), \d+ s, \d+ s left$", lines[0]);
        Assert.Matches(@"^\[3/10\] extract: 3/3 \(100 %\), \d+ s$", lines[1]);
    }

    [Fact]
    public void ASingleItemShowsProgressOnlyWhereAskedAndNothingDoneShowsNothing()
    {
        var error = new StringWriter();
        var console = new CliConsole(new StringWriter(), error);
        using (var single = new ProgressReporter(console, "rescale", 1)) single.Advance();
        Assert.Equal("", error.ToString());
        using (var stage = new ProgressReporter(console, "[2/10] pixel-size", 1, minimumTotal: 1)) stage.Advance();
        Assert.Matches(@"^\[2/10\] pixel-size: 1/1 \(100 %\), \d+ s\n$", error.ToString().Replace("\r", ""));
        var refused = new StringWriter();
        using (new ProgressReporter(new CliConsole(new StringWriter(), refused), "extract", 5)) { }
        Assert.Equal("", refused.ToString());
    }

    [Fact]
    public void OnATerminalProgressIsASpectreBarWithItsCount()
    {
        var error = new StringWriter();
        var console = new CliConsole(new StringWriter(), error) { ErrorIsTerminal = true };
        using (var progress = new ProgressReporter(console, "simulate", 4))
            for (int i = 0; i < 4; i++) progress.Advance();
        string drawn = error.ToString();
        Assert.Contains("simulate", drawn);
        Assert.Contains("4/4", drawn);
        Assert.Contains("100%", drawn);
        Assert.Contains("━", drawn);   // Spectre's bar
        Assert.DoesNotContain("simulate: 4/4 (100 %)", drawn);   // not the plain line
    }

    [Fact]
    public void AMergeWithoutATerminalShowsEveryStageInOrder()
    {
        using var dir = new TempDir();
        var plan = MergeTestData.WritePlan(dir, "out", micrographs: 2);
        var run = CliRunner.Run("merge", dir.File("plan.yaml"), "--state-dir", dir.File("state"));
        Assert.True(run.ExitCode == 0, run.Error);
        var stages = MergeStages.For(plan).Select(s => s.Name).ToList();
        var shown = run.Error.Split('\n')
            .Select(l => Regex.Match(l, @"^\[(\d+)/(\d+)\] ([a-z-]+): "))
            .Where(m => m.Success)
            .Select(m => (Index: int.Parse(m.Groups[1].Value) - 1, Count: int.Parse(m.Groups[2].Value),
                m.Groups[3].Value))
            .ToList();
        Assert.All(shown, s => Assert.Equal(stages.Count, s.Count));
        // Every stage, in order (a stage's start and end lines next to each other), named as the stage list names it.
        Assert.Equal(Enumerable.Range(0, stages.Count), shown.Select(s => s.Index).Distinct());
        Assert.All(shown, s => Assert.Equal(stages[s.Index], s.Value));
    }
}
