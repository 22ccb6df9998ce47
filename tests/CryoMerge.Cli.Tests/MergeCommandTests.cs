using CryoMerge.Grains.Tests;
using CryoMerge.Hosting;
using CryoMerge.Tests;

namespace CryoMerge.Cli.Tests;

/// <summary>merge on an embedded silo, and every bad plan refused with one line before any work starts.</summary>
public sealed class MergeCommandTests
{
    [Fact]
    public void AMergeOnTheEmbeddedSiloCompletesAndRunningItAgainResumesTheFinishedJob()
    {
        using var dir = new TempDir();
        var plan = MergeTestData.WritePlan(dir, "out", micrographs: 4);
        var first = CliRunner.Run("merge", dir.File("plan.yaml"), "--state-dir", dir.File("state"), "--json");
        Assert.True(first.ExitCode == 0, first.Error);
        var json = System.Text.Json.JsonDocument.Parse(first.Out).RootElement;
        Assert.Equal("Completed", json.GetProperty("state").GetString());
        Assert.True(json.GetProperty("workBySilo").EnumerateObject().Sum(p => p.Value.GetInt64()) > 4);
        Assert.Equal(4, Directory.GetFiles(Path.Combine(plan.Output, "DS2", "Micrographs")).Length);
        var written = File.GetLastWriteTimeUtc(Directory.GetFiles(Path.Combine(plan.Output, "DS2", "Micrographs"))[0]);

        var again = CliRunner.Run("merge", dir.File("plan.yaml"), "--state-dir", dir.File("state"), "--json");
        Assert.Equal(0, again.ExitCode);
        Assert.Equal(json.GetProperty("jobId").GetString(),
            System.Text.Json.JsonDocument.Parse(again.Out).RootElement.GetProperty("jobId").GetString());
        Assert.Equal(written, File.GetLastWriteTimeUtc(Directory.GetFiles(Path.Combine(plan.Output, "DS2",
            "Micrographs"))[0]));

        var status = CliRunner.Run("status", json.GetProperty("jobId").GetString()!, "--state-dir", dir.File("state"));
        Assert.Equal(0, status.ExitCode);
        Assert.Contains("completed", status.Out);
    }

    [Fact]
    public void AFinishedJobRunsAgainWhenItsOutputIsGoneOrAnInputChangedAndOnlyThen()
    {
        using var dir = new TempDir();
        var plan = MergeTestData.WritePlan(dir, "out", micrographs: 4);
        string merged = Path.Combine(plan.Output, "particles.star");
        string Run()
        {
            var run = CliRunner.Run("merge", dir.File("plan.yaml"), "--state-dir", dir.File("state"), "--json");
            Assert.True(run.ExitCode == 0, run.Error);
            Assert.True(File.Exists(merged), "no merged particles after a completed merge");
            return JobStoreReader.Read(dir.File("state")).Single().State.RunId;
        }

        string first = Run();
        Assert.Equal(first, Run());   // nothing changed: the finished job stands

        File.Delete(merged);
        string second = Run();   // its output gone: run again, and the output is back
        Assert.NotEqual(first, second);

        // An input changed (a comment more in DS2's particles: a new length and write time), and nothing else.
        File.AppendAllText(plan.DataSets[1].Particles!, "# edited\n");
        string third = Run();
        Assert.NotEqual(second, third);
        Assert.Equal(third, Run());
    }

    [Theory]
    [InlineData("missing-file", "does not exist")]
    [InlineData("no-map", "need a 'map'")]
    [InlineData("contradictory", "differ by more than 30 %")]
    [InlineData("bad-method", "method must be 1, 2 or 3")]
    [InlineData("unknown-key", "unknown key 'colour' in the plan; did you mean")]
    [InlineData("bad-reference", "reference 'DS9' is not one of the data sets")]
    [InlineData("missing-micrograph", "not found")]
    public void ABadPlanIsOneLineAndNothingIsWritten(string problem, string message)
    {
        using var dir = new TempDir();
        MergeTestData.WritePlan(dir, "out", micrographs: 2);
        string yaml = File.ReadAllText(dir.File("plan.yaml"));
        yaml = problem switch
        {
            "missing-file" => yaml.Replace("DS2/particles.star", "DS2/nothing.star"),
            "no-map" => yaml.Replace("    pixelSize: 1.23", ""),
            "contradictory" => yaml.Replace("pixelSize: 1.23", "pixelSize: 2.5"),
            "bad-method" => yaml.Replace("method: 1", "method: 4"),
            "unknown-key" => yaml.Replace("method: 1", "method: 1\ncolour: blue"),
            "bad-reference" => yaml.Replace("reference: DS1", "reference: DS9"),
            _ => yaml,
        };
        if (problem == "missing-micrograph") File.Delete(Path.Combine(dir.Path, "DS2", "mic001.mrc"));
        File.WriteAllText(dir.File("plan.yaml"), yaml);
        var result = CliRunner.Run("merge", dir.File("plan.yaml"), "--state-dir", dir.File("state"));
        Assert.Equal(1, result.ExitCode);
        var line = Assert.Single(result.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("cryomerge: ", line);
        Assert.Contains(message, line);
        Assert.False(Directory.Exists(dir.File("out")) && Directory.EnumerateFileSystemEntries(dir.File("out")).Any());
        Assert.False(Directory.Exists(dir.File("state")));
    }
}
