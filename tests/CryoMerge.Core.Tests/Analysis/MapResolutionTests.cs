using CryoMerge.Core.Analysis;
using CryoMerge.Core.Imaging;
using CryoMerge.Core.Simulation;
using Matrix3 = CryoMerge.Core.Matrix3;
using static CryoMerge.Core.Tests.Analysis.AnalysisTestData;

namespace CryoMerge.Core.Tests.Analysis;

/// <summary>Cheap resolution estimates, used to choose the best-resolved map as a merge's reference.</summary>
public sealed class MapResolutionTests
{
    private static readonly PhantomModel Model = PhantomMaps.RandomModel(11, 56);

    private static MapVolume Map(double resolution, double noise, int seed, bool noiseAfterFilter = false,
        double pixel = 1.2) =>
        new("map", PhantomMaps.Simulate(Fft, Model, new Shape3(64, 64, 64), pixel, Matrix3.Identity, default, 0, noise,
        resolution, seed, noiseAfterFilter),
            pixel, default);

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void ALowPassedMapIsEstimatedNearItsFilterAndFinerFiltersRankFirst(bool noiseAfterFilter)
    {
        // Noise filtered with the map (as a refinement's map) or added after the filter (flat to Nyquist): either way
        // the signal falls below the noise at the filter.
        double fine = MapResolution.FromSignalToNoise(Fft, Map(4.5, 0.3, 1, noiseAfterFilter))!.Resolution;
        double coarse = MapResolution.FromSignalToNoise(Fft, Map(8, 0.3, 2, noiseAfterFilter))!.Resolution;
        Assert.InRange(fine, 4.5 * 0.8, 4.5 * 1.2);
        Assert.InRange(coarse, 8 * 0.8, 8 * 1.2);
    }

    [Fact]
    public void HalfMapsWithMoreNoiseAreEstimatedCoarser()
    {
        var clean = MapResolution.FromHalfMaps(Fft, Map(3, 0.5, 3), Map(3, 0.5, 4));
        var noisy = MapResolution.FromHalfMaps(Fft, Map(3, 3, 5), Map(3, 3, 6));
        Assert.Equal(MapResolutionSource.HalfMaps, clean.Source);
        Assert.True(clean.Resolution < noisy.Resolution, $"clean {clean.Resolution} A, noisy {noisy.Resolution} A");
        Assert.InRange(clean.Resolution, 2 * 1.2, 8);
    }

    [Fact]
    public void AMapWithFlatSolventHasNoNoiseToMeasure()
    {
        // Nothing but density in a box of zeros, as in many deposited (masked) maps: no noise, so no estimate.
        var flat = PhantomMaps.Render(Model, new Shape3(80, 80, 80), 1.2, Matrix3.Identity, default);
        Assert.Null(MapResolution.FromSignalToNoise(Fft, new MapVolume("flat", flat, 1.2, default)));
    }

    [Fact]
    public void TheSignalToNoiseThresholdIsWhereHalfMapsCorrelateAt0143()
    {
        double half = MapResolution.SignalToNoiseThreshold / 2;
        Assert.Equal(0.143, half / (1 + half), 12);
    }
}
