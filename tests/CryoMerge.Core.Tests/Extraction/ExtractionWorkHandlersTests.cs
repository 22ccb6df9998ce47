using CryoMerge.Core.Extraction;
using CryoMerge.Core.Merging.Pipeline;
using CryoMerge.Core.Simulation;
using CryoMerge.Tests;

namespace CryoMerge.Core.Tests.Extraction;

public sealed class ExtractionWorkHandlersTests
{
    [Fact]
    public void WorkItemsThroughJsonGiveTheSameFilesAsTheLocalRun()
    {
        using var data = new ExtractionTestData(micrographs: 2, particles: 4);
        using var dir = new TempDir();
        var settings = new ExtractionSettings { Box = 64, Scale = 56, Window = 48, BackgroundRadius = 20, Invert = true };
        var source = new CoordinateSource.StarFileSource(Path.Combine(data.Dir.Path, SimulatedDataSet.ParticlesStarName));
        var local = ExtractionPlanner.Plan(data.MicrographsStar, source, settings, dir.File("local"));
        ParticleExtraction.Run(ExtractionTestData.Fft, local, 1, cancel: TestContext.Current.CancellationToken);

        var remote = ExtractionPlanner.Plan(data.MicrographsStar, source, settings, dir.File("remote"));
        var handlers = new WorkHandlers(ExtractionWorkHandlers.All());
        var environment = new WorkEnvironment(ExtractionTestData.Fft);
        var results = ExtractionWorkHandlers.Items(remote, "extract", "DS2")
            .Select(item => new WorkItem(item.Id, item.Kind, item.Parameters, item.DataSet))   // as it travels
            .Select(item => handlers.Execute(item, environment, TestContext.Current.CancellationToken))
            .ToList();
        // A result names its stack and counts its particles but carries no STAR rows: those come from the plan.
        Assert.Equal(remote.Items.Select(i => (i.StackPath, i.Coordinates.Count)),
            results.Select(r => r.ResultAs<MicrographExtractionResult>()).Select(r => (r.StackPath, r.ParticleCount)));
        Assert.All(results, r => Assert.Empty(r.ResultAs<MicrographExtractionResult>().Rows));
        Assert.All(results, r => Assert.True(r.Result.Length < 1000, $"result of {r.Id} is {r.Result.Length} characters"));
        remote.BuildStarFromItems().Write(remote.StarPath);
        foreach (var (a, b) in local.Items.Zip(remote.Items))
            Assert.True(File.ReadAllBytes(a.StackPath).AsSpan().SequenceEqual(File.ReadAllBytes(b.StackPath)));
        Assert.Equal(File.ReadAllText(local.StarPath).Replace(dir.File("local"), ""), File.ReadAllText(remote.StarPath).Replace(dir.File("remote"), ""));

        var window = WindowPlanner.Plan(remote.StarPath, 40, dir.File("window"));
        foreach (var item in ExtractionWorkHandlers.Items(window, "window"))
            Assert.Equal(4, handlers.Execute(item, environment, TestContext.Current.CancellationToken).ResultAs<StackWindowResult>().Count);
    }
}
