using CryoMerge.Core.Imaging;
using CryoMerge.Core.Merging;
using CryoMerge.Core.Merging.Pipeline;
using CryoMerge.Core.Merging.Stages;
using CryoMerge.Core.Simulation;
using CryoMerge.Tests;

namespace CryoMerge.Core.Tests.Merging;

/// <summary>Four simulated data sets, written once for the tests of this class.</summary>
public sealed class FourDataSets : IDisposable
{
    private readonly TempDir _dir = new();

    public FourDataSets()
    {
        Settings = new DemoSettings(Micrographs: 2, ParticlesPerMicrograph: 5, MicrographSize: 256, Box: 48,
            DataSets: 4);
        Demo = DemoDataSets.Write(Fft, _dir.Path, Settings);
    }

    public IFftBackend Fft { get; } = FftBackends.Create();

    public DemoSettings Settings { get; }

    public DemoDataSets Demo { get; }

    /// <summary>The demo's plan, changed by <paramref name="edit"/>, with its own output folder.</summary>
    public MergePlan Plan(string name, Func<string, string>? edit = null)
    {
        string text = File.ReadAllText(Demo.PlanPath).Replace("output: merged", $"output: {name}");
        string path = Path.Combine(_dir.Path, $"{name}.yaml");
        File.WriteAllText(path, edit?.Invoke(text) ?? text);
        return MergePlanReader.Read(path);
    }

    public void Dispose() => _dir.Dispose();
}

/// <summary>
/// More than two data sets: each fitted against the reference (by default the best-resolved map) and against each
/// other, the scales checked around every cycle, the summary saying which reference and why.
/// </summary>
public sealed class MultiDataSetMergeTests(FourDataSets data) : IClassFixture<FourDataSets>
{
    [Fact]
    public void EveryPairIsFittedAndEveryCycleClosesWithTheBestMapAsReference()
    {
        var plan = data.Plan("all");
        Assert.Equal(ReferenceChoice.HighestResolution, plan.ReferenceFrom);

        var state = new LocalMergeRunner(new WorkEnvironment(data.Fft)).Run(plan,
            TestContext.Current.CancellationToken);

        // DS1's map is the demo's finest (3 A; the others 3.25-3.75 A), measured from each map's own signal/noise.
        Assert.Equal("DS1", state.Plan.Reference);
        Assert.StartsWith("the highest-resolution map: DS1 ", state.ReferenceReason);
        Assert.All(state.DataSets.Values, d => Assert.NotNull(d.MapResolution));
        // Three fits against the reference and the three pairs of the others.
        Assert.Equal(6, state.PairScales.Count);
        Assert.Equal(["DS2-DS3", "DS2-DS4", "DS3-DS4"],
            state.PairScales.Where(s => s.From != "DS1").Select(s => $"{s.From}-{s.To}"));
        var specs = data.Demo.DataSets.ToDictionary(d => d.Name, d => d.Spec.TruePixelSize);
        foreach (var s in state.PairScales)
        {
            double truth = specs[s.To] / specs[s.From];
            Assert.True(s.Low <= truth && truth <= s.High, $"{s.From}-{s.To}: {s.Low} - {s.High}, truth {truth}");
        }
        Assert.Equal(["DS1 > DS2 > DS3", "DS1 > DS2 > DS4", "DS1 > DS3 > DS4", "DS2 > DS3 > DS4"],
            state.ScaleCycles.Select(c => c.Name));
        Assert.All(state.ScaleCycles, c => Assert.True(c.Closes, c.Describe()));
        Assert.Contains("scale cycles: all 4 close within their ranges",
            state.Notes.Single(n => n.StartsWith("scale cycles:")));
        Assert.DoesNotContain(state.Notes, n => n.Contains("WARNING"));
        Assert.Equal(4 * 2 * 5, state.MergedParticleCount);

        string summary = File.ReadAllText(Path.Combine(state.Plan.Output, SummaryStage.TextName));
        Assert.Contains("reference DS1 (the highest-resolution map: DS1 ", summary);
        Assert.Contains("scale cycle DS2 > DS3 > DS4: s(DS2,DS3) x s(DS3,DS4) = ", summary);
        Assert.Contains("scale cycles: all 4 close", summary);
    }

    [Fact]
    public void APixelSizeGivenTwoPercentOffBreaksTheCyclesThroughItWithAWarning()
    {
        // DS3 is trusted at its nominal pixel size, 2 % off its truth: the maps disagree with it around both cycles
        // through DS1-DS3, while the cycle without that scale closes.
        var plan = data.Plan("forced", text => text
            .Replace("datasets:\n", "reference: DS1\ndatasets:\n")
            .Replace("    map: DS3/map.mrc\n",
                $"    map: DS3/map.mrc\n    pixelSize: " +
                data.Demo.DataSets[2].Spec.NominalPixelSize.ToString(System.Globalization.CultureInfo.InvariantCulture)
                + "\n"));
        Assert.Equal(ReferenceChoice.Plan, plan.ReferenceFrom);

        var state = new LocalMergeRunner(new WorkEnvironment(data.Fft)).Run(plan,
            TestContext.Current.CancellationToken);

        Assert.Equal("named in the plan", state.ReferenceReason);
        var given = Assert.Single(state.PairScales, s => s.Source == PairScale.Given);
        Assert.Equal(("DS1", "DS3"), (given.From, given.To));
        Assert.Equal(["DS1 > DS2 > DS3", "DS1 > DS3 > DS4"],
            state.ScaleCycles.Where(c => !c.Closes).Select(c => c.Name));
        Assert.All(state.ScaleCycles.Where(c => !c.Closes), c => Assert.True(Math.Abs(c.LogMisfit) > 0.015,
            c.Describe()));
        Assert.Contains(state.Notes,
            n => n.StartsWith("WARNING: scale cycle DS1 > DS2 > DS3: ") && n.EndsWith("does NOT close"));
        Assert.Contains(state.Notes,
            n => n.StartsWith("WARNING: 2 of 4 scale cycles do not close")
            && n.EndsWith("suspect DS1-DS3 (given by the plan)"));
        string summary = File.ReadAllText(Path.Combine(state.Plan.Output, SummaryStage.TextName));
        Assert.Contains("  WARNING: scale cycle DS1 > DS3 > DS4", summary);
    }
}
