using CryoMerge.Core.Imaging;

namespace CryoMerge.Core.Tests.Imaging;

public sealed class CubicBSplineTests
{
    [Theory]
    [InlineData(17, 13, 1)]
    [InlineData(12, 10, 9)]
    public void TheSplinePassesThroughEveryVoxel(int x, int y, int z)
    {
        var g = ImagingTestData.Noise(new Shape3(x, y, z), 3);
        var spline = CubicBSpline.Fit(g);
        for (int k = 0; k < z; k++)
            for (int j = 0; j < y; j++)
                for (int i = 0; i < x; i++)
                    Assert.True(Math.Abs(spline.Sample(i, j, k) - g[i, j, k]) < 1e-5, $"({i}, {j}, {k}): {spline.Sample(i, j, k)} vs {g[i, j, k]}");
    }

    [Fact]
    public void QuadraticsAreReproducedBetweenVoxels()
    {
        var g = new Grid(new Shape3(40, 40, 1));
        for (int y = 0; y < 40; y++) for (int x = 0; x < 40; x++) g[x, y] = (float)(0.01 * (x - 20) * (x - 20) - 0.02 * x * y + 0.5 * y);
        var spline = CubicBSpline.Fit(g);
        foreach (var (x, y) in new[] { (10.3, 12.7), (20.5, 20.5), (15.25, 25.9) })
            Assert.Equal(0.01 * (x - 20) * (x - 20) - 0.02 * x * y + 0.5 * y, spline.Sample(x, y), 1e-3);
    }

    [Fact]
    public void IdentityResampleReturnsTheGrid()
    {
        var g = ImagingTestData.Noise(new Shape3(16, 16, 16), 9);
        var same = CubicBSpline.Fit(g).Resample(g.Shape, [1, 0, 0, 0, 1, 0, 0, 0, 1]);
        Assert.True(ImagingTestData.MaxDifference(g.Data, same.Data).Difference < 1e-5);
    }

    [Fact]
    public void PointsOutsideTheGridGiveTheOutsideValue()
    {
        var spline = CubicBSpline.Fit(ImagingTestData.Noise(new Shape3(8, 8, 1), 1), outside: -7f);
        Assert.Equal(-7f, spline.Sample(-1, 3));
        Assert.Equal(-7f, spline.Sample(3, 7.6));
    }

    [Fact]
    public void SplineRescaleAgreesWithFourierResizeOnBandLimitedData()
    {
        // 96 px at 1.0 A -> 1.5 A: Fourier gives 64 px; the spline samples the same positions about the centre.
        var g = ImagingTestData.BandLimited(new Shape3(96, 96, 1), 4, 0.08);
        var fourier = FourierResize.Resize(new ManagedFftBackend(), g, 64);
        var spline = CubicBSpline.Fit(g).Rescale(new Shape3(64, 64, 1), 1.5);
        // Compare away from the edges, where the periodic (Fourier) and mirrored (spline) extensions differ.
        double max = 0;
        for (int y = 12; y < 52; y++) for (int x = 12; x < 52; x++) max = Math.Max(max, Math.Abs(fourier[x, y] - spline[x, y]));
        Assert.True(max < 0.01 * ImagingTestData.StdDev(g.Data), $"max difference {max}");
    }
}
