using CryoMerge.Core.Assessment;
using CryoMerge.Core.Imaging;
using CryoMerge.Core.Merging.Pipeline;
using CryoMerge.Core.Merging.Stages;
using CryoMerge.Core.Merging;
using CryoMerge.Core.Simulation;
using CryoMerge.Tests;

namespace CryoMerge.Core.Tests.Assessment;

/// <summary>
/// The demo's two simulated data sets (180 particles each, box 96), merged by method 2 with the assessment as the last
/// stage: once with the pixel size the merge finds, once forced 7 % wrong. Written once for both tests.
/// </summary>
public sealed class SimulatedMergeFixture : IDisposable
{
    public const double TruePixelSize = 1.3, WrongFactor = 0.93;

    private readonly TempDir _dir = new();

    public SimulatedMergeFixture()
    {
        Fft = FftBackends.Create();
        var settings = new DemoSettings(TruePixelSize: TruePixelSize, NominalError: -0.03, Seed: 1);
        var demo = DemoDataSets.Write(Fft, _dir.Path, settings);
        Plan = MergePlanReader.Read(demo.PlanPath) with { Assess = new AssessmentPlan() };
    }

    public IFftBackend Fft { get; }

    public MergePlan Plan { get; }

    public MergeState Merge(MergePlan plan) =>
        new LocalMergeRunner(new WorkEnvironment(Fft)).Run(plan, TestContext.Current.CancellationToken);

    /// <summary>The plan with data set 2 given a pixel size 7 % below its truth, written to another folder.</summary>
    public MergePlan WrongScale() => Plan with
    {
        Output = Path.Combine(_dir.Path, "merged-wrong"),
        DataSets = [Plan.DataSets[0], Plan.DataSets[1] with { PixelSize = TruePixelSize * WrongFactor }],
    };

    public void Dispose() => _dir.Dispose();
}

/// <summary>
/// The assessment judges a merge as the paper advises, and sees a wrong scale that the merge's half maps cannot.
/// </summary>
public sealed class MergeAssessmentTests(SimulatedMergeFixture data) : IClassFixture<SimulatedMergeFixture>
{
    [Fact]
    public void TheMergedMapIsBetterThanEachDataSetAloneAndTheAdditionHelped()
    {
        var state = data.Merge(data.Plan);
        var report = state.Assessment!.Report!;
        var merged = report.Merged;
        Assert.Equal(360, merged.Particles);
        foreach (string name in new[] { "DS1", "DS2" })
        {
            var alone = report.Map(name);
            Assert.Equal(180, alone.Particles);
            Assert.True(merged.Resolution < alone.Resolution,
                $"merged {merged.Resolution:0.00} A, {name} alone {alone.Resolution:0.00} A");
        }
        var step = report.Steps[1];
        Assert.Equal(AdditionVerdict.Helped, step.Verdict);
        Assert.True(step.Agreement >= report.Thresholds.MinimumAgreement, step.Reason);
        Assert.True(report.Fit!.BFactor > 0);
        // The halves came from the particles' rlnRandomSubset, the files and the summary section were written.
        Assert.Empty(report.Notes);
        Assert.All(state.Assessment.Maps, m => Assert.True(File.Exists(m.Half1) && File.Exists(m.Half2), m.Name));
        Assert.Contains(state.SummaryFiles,
            f => Path.GetFileName(f) == AssessmentFiles.RosenthalHendersonStem + ".csv");
        string text = File.ReadAllText(Path.Combine(data.Plan.Output, "summary.txt"));
        Assert.Contains("reference DS1", text);
        Assert.Contains(AssessmentSummary.Heading, text);
        Assert.Contains("+DS", text);
        var saved = MergeState.FromJson(File.ReadAllText(Path.Combine(data.Plan.Output, "summary.json")));
        Assert.Equal(report.Merged.Resolution, saved.Assessment!.Report!.Merged.Resolution);
    }

    [Fact]
    public void AMergeAtA7PercentWrongPixelSizeIsFlaggedAsHurtingByTheComparisonBetweenMaps()
    {
        var plan = data.WrongScale();
        var state = data.Merge(plan);
        Assert.Equal(SimulatedMergeFixture.TruePixelSize * SimulatedMergeFixture.WrongFactor,
            state.DataSets["DS2"].PixelSize!.Value, 9);
        var report = state.Assessment!.Report!;
        // The merge's half maps share the same mix of scales: their FSC still improves, which is why it cannot be the
        // judge.
        Assert.True(report.Merged.Resolution < report.Map("DS1").Resolution);
        var step = report.Steps[1];
        Assert.Equal(AdditionVerdict.Hurt, step.Verdict);
        Assert.True(step.Agreement < report.Thresholds.MinimumAgreement, step.Reason);
        Assert.Contains("wrong relative pixel size", step.Reason);
        var between = report.Agreements.Single(a => a.Independent);
        Assert.True(between.Agreement < report.Thresholds.MinimumAgreement,
            $"agreement between the data sets {between.Agreement}");
    }
}
