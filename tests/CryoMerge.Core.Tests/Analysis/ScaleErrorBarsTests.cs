using CryoMerge.Core.Analysis;
using CryoMerge.Core.Imaging;
using CryoMerge.Core.Simulation;

namespace CryoMerge.Core.Tests.Analysis;

/// <summary>Step 4, error bars: how the budget adds up, and each estimate on a pair whose answer is known.</summary>
public sealed class ScaleErrorBarsTests
{
    [Fact]
    public void TheStatisticalErrorIsTheLargestEstimateAndTheSystematicOneAddsInQuadrature()
    {
        var budget = new ScaleErrorBudget(Curvature: 3e-4, NoiseResponse: 4e-4, HalfMaps: null,
            FilterSensitivity: 1.5e-4, SystematicAllowance: 2e-4, NoiseBias: 1e-4);
        Assert.Equal(4e-4, budget.Statistical);
        Assert.Equal(2.5e-4, budget.Systematic, 15);
        Assert.Equal(Math.Sqrt(16e-8 + 6.25e-8), budget.Total, 15);
        Assert.Equal(6e-4, (budget with { HalfMaps = 6e-4 }).Statistical);
        Assert.Equal(3e-4, (budget with { NoiseResponse = null }).Statistical);
    }

    [Fact]
    public void OnAKnownPairTheErrorsAreAFewHundredthsOfAPercentAndTheBiasIsRemoved()
    {
        var (pair, frame) = SyntheticMapPairs.Small;
        var fit = ResolutionRounds.Run(frame, pair.TruePose, new ScaleRange(0.1), new ScaleFitOptions(), _ => { });
        var lines = new List<string>();
        var errors = ScaleErrorBars.Estimate(frame, fit, lines.Add);
        var b = errors.Budget;
        Assert.Empty(errors.Warnings);
        Assert.Null(errors.HalfMaps);
        Assert.Null(b.HalfMaps);
        Assert.NotNull(b.NoiseResponse);
        // Noise 0.4 of the signal in 48-52 voxel maps: a few hundredths of a percent each, not zero, not percents.
        Assert.InRange(b.Curvature, 5e-5, 2e-3);
        Assert.InRange(b.NoiseResponse!.Value, 5e-5, 2e-3);
        Assert.Equal(ScaleErrorBars.SystematicRelativeError, b.SystematicAllowance);
        Assert.Equal(fit.FilterSensitivity, b.FilterSensitivity);
        Assert.True(Math.Abs(b.NoiseBias) < 3 * b.Statistical, $"bias {b.NoiseBias} against {b.Statistical}");
        Assert.Equal(fit.Pose.LogScale - b.NoiseBias, errors.Pose.LogScale, 15);
        Assert.Equal(fit.Pose.Rotation, errors.Pose.Rotation);
        // The answer the error describes is within its own range of the truth.
        double error = Math.Abs(errors.Pose.LogScale - pair.TruePose.LogScale);
        Assert.True(error < 3 * b.Total, $"error {error:0.#####} against 3 x {b.Total:0.#####}");
        Assert.Contains(lines, l => l.StartsWith("noise replicates:"));
        Assert.Contains(lines, l => l.StartsWith("error:"));
    }

    [Fact]
    public void HalfMapsAddTheirOwnEstimate()
    {
        var (pair, frame) = SyntheticMapPairs.Small;
        // Second halves: the same maps with independent noise of half their standard deviation.
        var half2 = new ScaleFitInput(pair.Reference, pair.Map,
            ReferenceHalf2: pair.Reference with { Grid = Noisy(pair.Reference.Grid, 51) },
            MapHalf2: pair.Map with { Grid = Noisy(pair.Map.Grid, 52) });
        var halves = ScaleFitFrame.Prepare(frame.Fft, half2, new ScaleFitOptions(), _ => { });
        var fit = ResolutionRounds.Run(halves, pair.TruePose, new ScaleRange(0.1), new ScaleFitOptions(), _ => { });
        var errors = ScaleErrorBars.Estimate(halves, fit, _ => { });
        Assert.NotNull(errors.Budget.HalfMaps);
        var h = errors.HalfMaps!;
        Assert.Equal(Math.Abs(h.PixelSizeA - h.PixelSizeB) / 2, h.StandardError, h.StandardError * 1e-3 + 1e-12);
        double truth = pair.TruePixelSize;
        Assert.True(Math.Abs(h.PixelSizeA / truth - 1) < 2e-3 && Math.Abs(h.PixelSizeB / truth - 1) < 2e-3,
            $"half-map fits {h.PixelSizeA} and {h.PixelSizeB}, truth {truth}");
        Assert.True(errors.Budget.Statistical >= errors.Budget.HalfMaps!.Value);
    }

    private static Grid Noisy(Grid g, int seed)
    {
        double sd = ImageStatistics.Of(g.Data).StdDev;
        var copy = new Grid(g.Shape, (float[])g.Data.Clone());
        return PhantomMaps.AddNoise(copy, 0.5 * sd, seed);
    }
}
