using CryoMerge.Core.Plotting;
using CryoMerge.Core.Analysis;
using CryoMerge.Core.Imaging;
using CryoMerge.Core.Merging;
using CryoMerge.Core.Merging.Pipeline;
using CryoMerge.Core.Merging.Stages;
using CryoMerge.Core.Simulation;
using CryoMerge.Tests;

namespace CryoMerge.Core.Tests.Merging;

/// <summary>
/// Issue 20, points 2 and 7: a plan that forces data set 2's pixel size to its (3 % wrong) nominal value while giving
/// its map. The merge uses the plan's value, fits the map all the same, warns that they disagree and judges the error
/// from the fit; summary.txt reads as a report and the plots' legends are its numbers.
/// </summary>
public sealed class ForcedPixelSizeMergeTests
{
    /// <summary>Keeps what the merge asked to draw, draws nothing.</summary>
    private sealed class RecordingPlots : IPlotRenderer
    {
        public List<(string Prefix, PixelSizePlotData Data)> Drawn { get; } = [];

        public IReadOnlyList<string> PixelSize(string directory, string prefix, PixelSizePlotData data)
        {
            lock (Drawn) Drawn.Add((prefix, data));
            return [];
        }
    }

    [Fact]
    public void AForcedPixelSizeIsCheckedAgainstTheMapAndTheSummaryAndPlotsAgree()
    {
        using var dir = new TempDir();
        var fft = FftBackends.Create();
        var settings = new DemoSettings(TruePixelSize: 1.3, NominalError: -0.03, Micrographs: 2,
            ParticlesPerMicrograph: 8, Seed: 7);
        var demo = DemoDataSets.Write(fft, dir.Path, settings, cancel: TestContext.Current.CancellationToken);
        var read = MergePlanReader.Read(demo.PlanPath);
        double forced = settings.NominalPixelSize;   // 1.261: the label, 3 % below the truth
        var plan = read with
        {
            DataSets = [read.DataSets[0], read.DataSets[1] with { PixelSize = forced }],
        };
        Assert.NotNull(plan.DataSets[1].Map);
        var plots = new RecordingPlots();

        var state = new LocalMergeRunner(new WorkEnvironment(fft, Plots: plots)).Run(plan,
            TestContext.Current.CancellationToken);

        // The plan's value is the one used; the map's fit finds the truth and is kept beside it.
        var ds2 = state.DataSets["DS2"];
        Assert.Equal(forced, ds2.PixelSize!.Value, 9);
        var fit = ds2.MapFit!;
        Assert.True(Math.Abs(fit.PixelSize / settings.TruePixelSize - 1) < 2e-3, $"fit {fit.PixelSize}");
        Assert.False(fit.Contains(forced));
        string warning = Assert.Single(state.Notes,
            n => n.StartsWith("WARNING: DS2: the plan's pixelSize", StringComparison.Ordinal));
        Assert.Contains("lies outside the range its map fits", warning);

        // The verdict counts the distance between the plan's value and the fit: 3 % is not negligible for the demo's
        // particle at its resolution, while the fit's own range alone would be.
        var verdict = Assert.Single(state.Verdicts, v => v.DataSet == "DS2");
        Assert.Equal(forced / fit.PixelSize - 1, verdict.PlanOffset, 9);
        double diameter = plan.ParticleDiameter!.Value, resolution = plan.ExpectedResolution!.Value;
        Assert.Equal(ScaleTolerance.Advise(diameter, resolution, verdict.Error).Verdict, verdict.Advice!.Verdict);
        Assert.NotEqual(ToleranceVerdict.Negligible, verdict.Advice.Verdict);
        Assert.Equal(ToleranceVerdict.Negligible,
            ScaleTolerance.Advise(diameter, resolution, verdict.Range + verdict.Rounding).Verdict);
        string described = MergeVerdict.Describe(verdict.Advice.Verdict!.Value);
        Assert.Contains(" is " + described + " for a", warning);

        // summary.txt: a report per data set, the warning, the next steps; the plots' legends are its numbers.
        string summary = File.ReadAllText(Path.Combine(plan.Output, SummaryStage.TextName));
        Assert.Contains("Data sets\n", summary);
        Assert.Contains("given in the plan", summary);
        Assert.Contains("OUTSIDE the range", summary);
        Assert.Contains("    tolerance    remaining scale error up to", summary);
        Assert.Contains("Warnings\n  WARNING: DS2: the plan's pixelSize", summary);
        Assert.Contains("Next steps in RELION", summary);
        Assert.Contains("Refine3D (relion_refine --auto_refine) with --i", summary);
        Assert.Contains("Polish each data set on its own", summary);
        var (prefix, data) = Assert.Single(plots.Drawn);
        Assert.Equal("DS2", prefix);
        Assert.Equal(forced, data.UsedPixelSize);
        string block = summary[summary.IndexOf("  DS2:", StringComparison.Ordinal)..];
        block = block[..block.IndexOf("\n\n", StringComparison.Ordinal)];
        Assert.Contains(Number(data.Best), block);
        Assert.Contains($"range {Number(data.Low)} - {Number(data.High)} A", block);
        Assert.Contains($"processed at {Number(data.NominalPixelSize)} A", block);
        Assert.Contains($"{Number(forced)} A, given in the plan", block);
        Assert.Contains(data.RangeLegend["range: ".Length..], block);
        Assert.Contains(data.FscBeforeLegend["at the nominal ".Length..], block);
        Assert.Contains(data.FscAfterLegend["at BEST ".Length..], block);
        Assert.StartsWith("nominal: " + Number(settings.NominalPixelSize), data.NominalLegend);
        Assert.StartsWith("used (the plan's pixelSize): " + Number(forced), data.UsedLegend);

        // Under a loose sphere and corrected for it, both FSC curves fall to about zero past what the maps share (they
        // are low-passed at 6 A, with a soft edge) instead of anti-correlating: the particle-shaped mask took them to
        // -0.8 there.
        foreach (var curve in new[] { data.Before, data.After })
        {
            var tail = Enumerable.Range(0, curve.ShellCount).Where(i => curve.Resolution(i) < 4)
                .Select(i => curve.Fsc[i]).ToList();
            Assert.True(tail.Count > 10 && tail.All(f => Math.Abs(f) < 0.1),
                "FSC beyond 4 A: " + string.Join(" ", tail.Select(f => f.ToString("0.##", Invariant))));
        }
    }

    private static readonly System.Globalization.CultureInfo Invariant =
        System.Globalization.CultureInfo.InvariantCulture;

    private static string Number(double value) => value.ToString("0.#####", Invariant);
}
