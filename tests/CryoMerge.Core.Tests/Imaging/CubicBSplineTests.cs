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
                    Assert.True(Math.Abs(spline.Sample(i, j, k) - g[i, j, k]) < 1e-5,
                        $"({i}, {j}, {k}): {spline.Sample(i, j, k)} vs {g[i, j, k]}");
    }

    [Fact]
    public void QuadraticsAreReproducedBetweenVoxels()
    {
        var g = new Grid(new Shape3(40, 40, 1));
        for (int y = 0; y < 40; y++) for (int x = 0; x < 40; x++) g[x,
            y] = (float)(0.01 * (x - 20) * (x - 20) - 0.02 * x * y + 0.5 * y);
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
        for (int y = 12; y < 52; y++) for (int x = 12; x < 52; x++) max = Math.Max(max, Math.Abs(fourier[x,
            y] - spline[x, y]));
        Assert.True(max < 0.01 * ImagingTestData.StdDev(g.Data), $"max difference {max}");
    }

    [Fact]
    public void InteriorPointsGiveWhatTheMirroredTapsGive()
    {
        // The interior path sums the same products in another order (SIMD): equal to rounding.
        var spline = CubicBSpline.Fit(ImagingTestData.Noise(new Shape3(11, 9, 10), 5));
        var random = new Random(3);
        int interior = 0;
        for (int n = 0; n < 2000; n++)
        {
            double x = random.NextDouble() * 11 - 0.5, y = random.NextDouble() * 9 - 0.5,
                z = random.NextDouble() * 10 - 0.5;
            if (x >= 1 && y >= 1 && z >= 1 && x < 8 && y < 6 && z < 7) interior++;
            Assert.Equal(spline.SampleMirrored(x, y, z), spline.Sample(x, y, z), 1e-6f);
            double v = spline.SampleWithGradient(x, y, z, out double gx, out double gy, out double gz);
            double m = spline.SampleMirroredWithGradient(x, y, z, out double mx, out double my, out double mz);
            Assert.Equal(m, v, 1e-12);
            Assert.Equal(mx, gx, 1e-12);
            Assert.Equal(my, gy, 1e-12);
            Assert.Equal(mz, gz, 1e-12);
        }
        Assert.True(interior > 300, $"only {interior} interior points");
    }

    [Fact]
    public void EveryAxisIsFilteredAsOneLineAtATime()
    {
        // Y and Z lines are filtered many at once (vectorised): the coefficients must be exactly those of filtering
        // every line on its own. Lines longer than 30 take the truncated start; 37 is no multiple of a vector.
        var s = new Shape3(37, 34, 33);
        var g = ImagingTestData.Noise(s, 8);
        var expected = (float[])g.Data.Clone();
        var buffer = new double[40];
        long plane = (long)s.X * s.Y;
        for (int k = 0; k < s.Z; k++) for (int j = 0; j < s.Y; j++) CubicBSpline.FilterLine(expected,
            s.X * (j + (long)s.Y * k), 1, s.X, buffer);
        for (int k = 0; k < s.Z; k++) for (int i = 0; i < s.X; i++) CubicBSpline.FilterLine(expected, i + plane * k,
            s.X, s.Y, buffer);
        for (int j = 0; j < s.Y; j++) for (int i = 0; i < s.X; i++) CubicBSpline.FilterLine(expected, i + (long)s.X * j,
            plane, s.Z, buffer);
        Assert.Equal(expected, CubicBSpline.Fit(g).Coefficients.ToArray());
    }
}
