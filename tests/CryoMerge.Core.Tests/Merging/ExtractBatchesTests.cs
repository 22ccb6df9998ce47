using CryoMerge.Core.Extraction;
using CryoMerge.Core.Imaging;
using CryoMerge.Core.Merging.Pipeline;
using CryoMerge.Core.Merging.Stages;
using CryoMerge.Core.Simulation;
using CryoMerge.Tests;

namespace CryoMerge.Core.Tests.Merging;

/// <summary>
/// Small micrographs share a work item (<see cref="ExtractBatches"/>): fewer items, the same files, ids that depend on
/// the plan alone.
/// </summary>
public sealed class ExtractBatchesTests
{
    [Fact]
    public void CheapItemsAreGroupedUntilTheirCostReachesTheTarget()
    {
        var costs = Enumerable.Repeat(ExtractBatches.TargetCost / 10, 1000).ToList();
        var groups = ExtractBatches.Group(costs);
        Assert.Equal(100, groups.Count);
        Assert.All(groups, g => Assert.Equal(10, g.Count));
        Assert.Equal(Enumerable.Range(0, 100).Select(g => g * 10), groups.Select(g => g.First));
    }

    [Fact]
    public void ADataSetKeepsSixteenItemsWhenItHasThatManyMicrographs()
    {
        var small = ExtractBatches.Group(Enumerable.Repeat(1.0, 40).ToList());
        Assert.Equal(20, small.Count);   // at most 40 / 16 = 2 micrographs an item
        Assert.Equal(40, small.Sum(g => g.Count));
        var few = ExtractBatches.Group(Enumerable.Repeat(1.0, 10).ToList());
        Assert.Equal(10, few.Count);
    }

    [Fact]
    public void TheCostFollowsTheFftSizesPrimeFactorsAsMeasured()
    {
        // Measured here (ms of one core per 256^2 micrograph with 10 particles): 0.55 without a rescale, 2.1 for
        // 128 -> 96, 4.5 for 98 -> 118, 14 for 124 -> 194 (2 x 97).
        double Ms(int box, int? scale) =>
            ExtractBatches.Cost(256 * 256, 10, new ExtractionSettings { Box = box, Scale = scale, Window = 32 }) / 1e6;
        Assert.InRange(Ms(32, null), 0.4, 0.8);
        Assert.InRange(Ms(128, 96), 1.4, 2.8);
        Assert.InRange(Ms(98, 118), 3, 6);
        Assert.InRange(Ms(124, 194), 10, 20);
    }

    [Fact]
    public void ExpensiveMicrographsStayAlone()
    {
        var groups = ExtractBatches.Group(Enumerable.Repeat(ExtractBatches.TargetCost * 2, 100).ToList());
        Assert.Equal(100, groups.Count);
        Assert.All(groups, g => Assert.Equal(1, g.Count));
    }

    [Fact]
    public void GroupedAndSingleItemsGiveTheFilesOfTheLocalRunUnderIdsThatDependOnThePlanAlone()
    {
        using var dir = new TempDir();
        var fft = FftBackends.Create();
        var simulation = new SimulationSettings
        {
            Micrographs = 40, ParticlesPerMicrograph = 2, MicrographWidth = 160, MicrographHeight = 160, Box = 32,
            TruePixelSize = 2, NominalPixelSize = 2, Seed = 3,
        };
        SimulatedDataSet.Write(fft, Phantom.Default, "phantom", simulation, dir.File("data"), threads: 2,
            cancel: TestContext.Current.CancellationToken);
        string micrographs = Path.Combine(dir.File("data"), SimulatedDataSet.MicrographsStarName);
        var source = new CoordinateSource.StarFileSource(
            Path.Combine(dir.File("data"), SimulatedDataSet.ParticlesStarName));
        var settings = new ExtractionSettings
        {
            Box = 32, Scale = 28, Window = 24, BackgroundRadius = 10, Invert = true,
        };
        var local = ExtractionPlanner.Plan(micrographs, source, settings, dir.File("local"));
        ParticleExtraction.Run(fft, local, 2, cancel: TestContext.Current.CancellationToken);

        string coordinates = Path.Combine(dir.File("data"), SimulatedDataSet.ParticlesStarName);
        var remote = IndexedExtractionPlanner.Plan(micrographs, coordinates, settings, dir.File("remote"));
        remote.WriteIndex();
        var items = ExtractStage.Items(remote, "extract", "DS2");
        Assert.Equal(20, items.Count);
        Assert.Equal($"extract/DS2/{remote.Items[0].StackPath} (+1)", items[0].Id.ToString());
        var again = ExtractStage.Items(
            IndexedExtractionPlanner.Plan(micrographs, coordinates, settings, dir.File("remote")), "extract", "DS2");
        Assert.Equal(items.Select(i => i.Id), again.Select(i => i.Id));
        var results = items
            .Select(i => MergeStages.Handlers.Execute(i, new WorkEnvironment(fft),
                TestContext.Current.CancellationToken))
            .ToList();
        Assert.Equal(remote.Items.Select(i => i.StackPath),
            results.SelectMany(r => r.OutputFiles));
        Assert.Equal(80, results.Sum(r => r.Particles));
        remote.WriteStar(requireStacks: true);

        var single = IndexedExtractionPlanner.Plan(micrographs, coordinates, settings, dir.File("single"));
        single.WriteIndex();
        var singleItems = ExtractStage.Items(single, "extract", "DS2", batched: false);
        Assert.Equal(single.Items.Select(i => $"extract/DS2/{i.StackPath}"), singleItems.Select(i => i.Id.ToString()));
        foreach (var item in singleItems)
            MergeStages.Handlers.Execute(item, new WorkEnvironment(fft), TestContext.Current.CancellationToken);
        single.WriteStar(requireStacks: true);

        foreach (var (a, b, c) in local.Items.Zip(remote.Items, single.Items))
        {
            byte[] expected = File.ReadAllBytes(a.StackPath);
            Assert.True(expected.AsSpan().SequenceEqual(File.ReadAllBytes(b.StackPath)), b.StackPath);
            Assert.True(expected.AsSpan().SequenceEqual(File.ReadAllBytes(c.StackPath)), c.StackPath);
        }
        string star = File.ReadAllText(local.StarPath).Replace(dir.File("local"), "");
        Assert.Equal(star, File.ReadAllText(remote.StarPath).Replace(dir.File("remote"), ""));
        Assert.Equal(star, File.ReadAllText(single.StarPath).Replace(dir.File("single"), ""));
    }
}
