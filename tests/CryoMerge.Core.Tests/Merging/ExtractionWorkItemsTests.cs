using CryoMerge.Core.Extraction;
using CryoMerge.Core.Merging.Pipeline;
using CryoMerge.Core.Merging.Stages;
using CryoMerge.Core.Simulation;
using CryoMerge.Core.Tests.Extraction;
using CryoMerge.Tests;

namespace CryoMerge.Core.Tests.Merging;

/// <summary>The extraction and windowing kinds (<see cref="ExtractStage.Work"/>, <see cref="WindowStacks.Work"/>)
/// against the local run.</summary>
public sealed class ExtractionWorkItemsTests
{
    [Fact]
    public void WorkItemsThroughJsonGiveTheSameFilesAsTheLocalRun()
    {
        using var data = new ExtractionTestData(micrographs: 2, particles: 4);
        using var dir = new TempDir();
        var settings = new ExtractionSettings { Box = 64, Scale = 56, Window = 48, BackgroundRadius = 20,
            Invert = true };
        string coordinates = Path.Combine(data.Dir.Path, SimulatedDataSet.ParticlesStarName);
        var source = new CoordinateSource.StarFileSource(coordinates);
        var local = ExtractionPlanner.Plan(data.MicrographsStar, source, settings, dir.File("local"));
        ParticleExtraction.Run(ExtractionTestData.Fft, local, 1, cancel: TestContext.Current.CancellationToken);

        var remote = IndexedExtractionPlanner.Plan(data.MicrographsStar, coordinates, settings, dir.File("remote"));
        remote.WriteIndex();
        var handlers = MergeStages.Handlers;
        var environment = new WorkEnvironment(ExtractionTestData.Fft);
        var items = ExtractStage.Items(remote, "extract", "DS2");
        Assert.Equal(remote.Items.Select(i => $"extract/DS2/{i.StackPath}"), items.Select(i => i.Id.ToString()));
        var results = items
            // as a worker rebuilds it
            .Select(item => new WorkItem(new WorkItemId(item.Id.Stage, item.DataSet, item.Id.Key), item.Kind,
                item.Parameters))
            .Select(item => handlers.Execute(item, environment, TestContext.Current.CancellationToken))
            .ToList();
        // A result names its stack and counts its particles but carries no STAR rows: those come from the plan.
        Assert.Equal(remote.Items.Select(i => (i.StackPath, (long)i.Particles)),
            results.Select(r => (r.OutputFiles.Single(), ExtractStage.Work.ResultOf(r).Particles)));
        Assert.All(results, r => Assert.True(r.Result.Length < 1000,
            $"result of {r.Id} is {r.Result.Length} characters"));
        remote.WriteStar(requireStacks: true);
        foreach (var (a, b) in local.Items.Zip(remote.Items))
            Assert.True(File.ReadAllBytes(a.StackPath).AsSpan().SequenceEqual(File.ReadAllBytes(b.StackPath)));
        Assert.Equal(File.ReadAllText(local.StarPath).Replace(dir.File("local"), ""),
            File.ReadAllText(remote.StarPath).Replace(dir.File("remote"), ""));

        var window = WindowPlanner.Plan(remote.StarPath, 40, dir.File("window"));
        foreach (var item in WindowStacks.Items(window, "window"))
            Assert.Equal(4, WindowStacks.Work.ResultOf(handlers.Execute(item, environment,
                TestContext.Current.CancellationToken)).Count);
    }
}
