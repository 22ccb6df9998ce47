using System.Text.Json;
using CryoMerge.Core.Formats;
using CryoMerge.Tests;

namespace CryoMerge.Cli.Tests;

/// <summary><c>cryomerge demo</c>: the README's main job, small, on an embedded silo.</summary>
public sealed class DemoCommandTests
{
    [Fact]
    public void TheDemoMergesBothDataSetsOnAnEmbeddedSiloAndRecoversTheTruePixelSize()
    {
        using var dir = new TempDir();
        var run = CliRunner.Run("demo", "--o", dir.File("demo"), "--micrographs", "3", "--particles", "10",
            "--angpix-true", "1.25", "--nominal-error", "4", "--json");
        Assert.True(run.ExitCode == 0, run.Error);
        var json = JsonDocument.Parse(run.Out).RootElement;
        Assert.Equal("Completed", json.GetProperty("state").GetString());
        Assert.Equal(1.25, json.GetProperty("truePixelSize").GetDouble());
        Assert.Equal(1.3, json.GetProperty("nominalPixelSize").GetDouble(), 6);
        double recovered = json.GetProperty("recoveredPixelSize").GetDouble();
        // The demo's maps stop at 6-7 A: the fit's honest range here is about +-0.2 %, and the truth must lie in it.
        Assert.True(Math.Abs(recovered / 1.25 - 1) < 3e-3, $"recovered {recovered}");
        Assert.True(json.GetProperty("truthInsideRange").GetBoolean());
        var bySilo = json.GetProperty("workBySilo").EnumerateObject().ToList();
        Assert.Single(bySilo);
        Assert.True(bySilo[0].Value.GetInt64() > 3);

        string particles = Path.Combine(dir.File("demo"), "merged", "particles.star");
        Assert.Equal(60, StarFile.Read(particles).Block("particles").Table!.RowCount);
        Assert.True(File.Exists(Path.Combine(dir.File("demo"), "merged", "summary.txt")));
        // The silo draws data set 2's pixel-size plots beside the summary: PNG files with their numbers as CSV.
        foreach (string stem in new[] { "DS2-pixel-size-score", "DS2-pixel-size-fsc" })
        {
            byte[] png = File.ReadAllBytes(Path.Combine(dir.File("demo"), "merged", stem + ".png"));
            Assert.True(png.Length > 1000 && png[1] == 'P' && png[2] == 'N' && png[3] == 'G',
                $"{stem}.png is not a PNG");
            Assert.True(File.ReadAllLines(Path.Combine(dir.File("demo"), "merged", stem + ".csv")).Length > 5,
                $"{stem}.csv is nearly empty");
        }

        // It ends with the assessment: each data set's resolution and the merge's, from half maps at the particles'
        // angles.
        var assessment = json.GetProperty("assessment");
        var alone = assessment.GetProperty("dataSets").EnumerateArray().ToList();
        Assert.Equal(["DS1", "DS2"], alone.Select(d => d.GetProperty("name").GetString()).Order());
        Assert.All(alone, d => Assert.Equal(30, d.GetProperty("particles").GetInt32()));
        double merged = assessment.GetProperty("merged").GetProperty("resolution").GetDouble();
        Assert.All(alone,
            d => Assert.True(merged < d.GetProperty("resolution").GetDouble(), $"merged {merged} A, {d}"));
        Assert.Equal("helped", assessment.GetProperty("steps")[0].GetProperty("verdict").GetString());
        string folder = Path.Combine(dir.File("demo"), "merged", "assessment");
        string[] stems = ["assessment-fsc", "assessment-map-agreement", "assessment-rosenthal-henderson"];
        foreach (string stem in stems)
        {
            Assert.True(File.Exists(Path.Combine(folder, stem + ".png")), stem);
            Assert.True(File.Exists(Path.Combine(folder, stem + ".csv")), stem);
        }
        string summary = File.ReadAllText(Path.Combine(dir.File("demo"), "merged", "summary.txt"));
        Assert.Contains("Did the merge help?", summary);
    }

    [Fact]
    public void TheDemosLastLinesAreEachDataSetsResolutionAndTheMerges()
    {
        using var dir = new TempDir();
        var run = CliRunner.Run("demo", "--o", dir.File("demo"), "--micrographs", "3", "--particles", "10");
        Assert.True(run.ExitCode == 0, run.Error);
        var last = run.Out.TrimEnd().Split('\n')[^4..];
        Assert.Matches(@"^DS\d alone: \d+\.\d\d A \(30 particles\)$", last[0]);
        Assert.Matches(@"^DS\d alone: \d+\.\d\d A \(30 particles\)$", last[1]);
        Assert.Matches(@"^merged: \d+\.\d\d A \(60 particles\)$", last[2]);
        Assert.StartsWith("adding DS", last[3]);
    }

    [Fact]
    public void SimulateOnlyWritesEveryDataSetAndAPlanListingAllWithoutMerging()
    {
        using var dir = new TempDir();
        var run = CliRunner.Run("demo", "--o", dir.File("demo"), "--datasets", "4", "--micrographs", "2",
            "--particles", "5",
            "--mic-size", "256", "--box", "48", "--simulate-only", "--json");
        Assert.True(run.ExitCode == 0, run.Error);
        var json = JsonDocument.Parse(run.Out).RootElement;
        var sets = json.GetProperty("dataSets").EnumerateArray().ToList();
        Assert.Equal(["DS1", "DS2", "DS3", "DS4"], sets.Select(s => s.GetProperty("name").GetString()));
        Assert.Equal(4, sets.Select(s => s.GetProperty("truePixelSize").GetDouble()).Distinct().Count());
        Assert.All(sets, s => Assert.Equal(10, s.GetProperty("particles").GetInt32()));
        Assert.Equal(200, sets[2].GetProperty("voltage").GetDouble());
        string plan = json.GetProperty("plan").GetString()!;
        Assert.Equal(4, Core.Merging.MergePlanReader.Read(plan).DataSets.Count);
        Assert.NotNull(Core.Merging.MergePlanReader.Read(plan).Assess);
        Assert.Contains("simulated 4 data sets, 8 micrographs, 40 particles in", run.Error);
        Assert.False(Directory.Exists(Path.Combine(dir.File("demo"), "merged")));
    }

    [Fact]
    public void ThreeDataSetsAreFittedInEveryPairOnTheSiloAndTheirCycleCloses()
    {
        using var dir = new TempDir();
        var run = CliRunner.Run("demo", "--o", dir.File("demo"), "--datasets", "3", "--micrographs", "1",
            "--particles", "4",
            "--mic-size", "256", "--box", "48", "--no-assess", "--json");
        Assert.True(run.ExitCode == 0, run.Error);
        var json = JsonDocument.Parse(run.Out).RootElement;
        Assert.Equal("Completed", json.GetProperty("state").GetString());
        Assert.False(json.TryGetProperty("assessment", out _));
        var summary = json.GetProperty("summary");
        Assert.Equal("DS1", summary.GetProperty("plan").GetProperty("reference").GetString());
        Assert.StartsWith("the highest-resolution map: DS1 ", summary.GetProperty("referenceReason").GetString());
        // DS2 and DS3 against DS1, and DS3 against DS2: three fits, each a work item of its own.
        Assert.Equal(3, summary.GetProperty("pairScales").GetArrayLength());
        Assert.Equal(1, json.GetProperty("scaleCycles").GetProperty("count").GetInt32());
        Assert.Equal(1, json.GetProperty("scaleCycles").GetProperty("closing").GetInt32());
        var sets = json.GetProperty("dataSets").EnumerateArray().ToList();
        Assert.Equal(["DS2", "DS3"], sets.Select(s => s.GetProperty("name").GetString()));
        Assert.All(sets, s => Assert.True(s.GetProperty("truthInsideRange").GetBoolean(), s.ToString()));
        string text = File.ReadAllText(Path.Combine(dir.File("demo"), "merged", "summary.txt"));
        Assert.Contains("scale cycle DS1 > DS2 > DS3: ", text);
    }

    [Theory]
    [InlineData("--datasets", "1")]
    [InlineData("--box", "47")]
    [InlineData("--mic-size", "100")]
    public void ImpossibleDemoSizesAreRefusedBeforeAnythingIsWritten(string option, string value)
    {
        using var dir = new TempDir();
        var run = CliRunner.Run("demo", "--o", dir.File("demo"), option, value, "--simulate-only");
        Assert.Equal(1, run.ExitCode);
        Assert.Contains(option, run.Error);
        Assert.False(Directory.Exists(dir.File("demo")));
    }

    [Fact]
    public void ANominalErrorBeyondTheSearchIsRefused()
    {
        using var dir = new TempDir();
        var run = CliRunner.Run("demo", "--o", dir.File("demo"), "--nominal-error", "25");
        Assert.Equal(1, run.ExitCode);
        Assert.Contains("--nominal-error", run.Error);
        Assert.False(Directory.Exists(dir.File("demo")));
    }
}
