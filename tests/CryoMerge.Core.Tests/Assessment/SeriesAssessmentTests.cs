using CryoMerge.Core.Assessment;
using CryoMerge.Core.Imaging;
using CryoMerge.Core.Merging.Pipeline;
using CryoMerge.Core.Merging.Stages;
using CryoMerge.Core.Merging;
using CryoMerge.Core.Simulation;
using CryoMerge.Tests;

namespace CryoMerge.Core.Tests.Assessment;

/// <summary>More than two data sets: the order is measured, and the best two are reconstructed together.</summary>
public sealed class SeriesAssessmentTests
{
    [Fact]
    public void ThreeDataSetsAreAddedBestFirstWithAMapOfTheBestTwo()
    {
        using var dir = new TempDir();
        var fft = FftBackends.Create();
        var settings = new DemoSettings(Micrographs: 2, ParticlesPerMicrograph: 25, MicrographSize: 512, Box: 64,
            DataSets: 3, Assess: true);
        var demo = DemoDataSets.Write(fft, dir.Path, settings, cancel: TestContext.Current.CancellationToken);
        var plan = MergePlanReader.Read(demo.PlanPath);
        Assert.NotNull(plan.Assess);

        var state = new LocalMergeRunner(new WorkEnvironment(fft)).Run(plan, TestContext.Current.CancellationToken);

        var report = state.Assessment!.Report!;
        Assert.Equal(3, report.Order.Count);
        var alone = report.Order.Select(report.Map).ToList();
        Assert.Equal(alone.OrderBy(m => m.Resolution).Select(m => m.Name), report.Order);
        Assert.Equal([1, 2, 3], report.Steps.Select(s => s.Step));
        Assert.Equal(report.Order, report.Steps.Select(s => s.Added));
        var best2 = report.Maps.Single(m => m.Kind == AssessedMapKind.Step);
        Assert.Equal(report.Order.Take(2), best2.DataSets);
        Assert.Equal(alone[0].Particles + alone[1].Particles, best2.Particles);
        Assert.Equal(best2.Resolution, report.Steps[1].Resolution);
        Assert.Equal(report.Merged.Resolution, report.Steps[2].Resolution);
        Assert.All(report.Steps.Skip(1), s => Assert.NotNull(s.Verdict));
        // Three pairs of data sets, and each data set with the merge.
        Assert.Equal(3, report.Agreements.Count(a => a.Independent));
        Assert.Equal(3, report.Agreements.Count(a => !a.Independent));
        // The shard files are gone once the maps are written.
        Assert.False(Directory.Exists(Path.Combine(plan.Output, "assessment", "shards-maps")));
        Assert.False(Directory.Exists(Path.Combine(plan.Output, "assessment", "shards-steps")));
    }
}
