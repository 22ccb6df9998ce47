using CryoMerge.Core.Imaging;

namespace CryoMerge.Core.Tests.Imaging;

public sealed class SplineResamplerTests
{
    [Theory]
    [InlineData(40, 30, 1, 1.3)]
    [InlineData(40, 30, 1, 0.7)]
    [InlineData(25, 25, 1, 2.5)]
    [InlineData(20, 18, 16, 1.21)]
    [InlineData(16, 16, 16, 0.8)]
    public void SeparableResamplingEqualsTheTensorSpline(int x, int y, int z, double inputPerOutput)
    {
        var g = ImagingTestData.Noise(new Shape3(x, y, z), x + y + z);
        int Size(int n) => n == 1 ? 1 : RelionRescale.Round(n / inputPerOutput);
        var outShape = new Shape3(Size(x), Size(y), Size(z));
        var expected = CubicBSpline.Fit(g).Rescale(outShape, inputPerOutput);
        foreach (int threads in new[] { 1, 0 })
        {
            var output = new float[outShape.Count];
            new SplineResampler(g.Shape, outShape, inputPerOutput).Resample(g.Clone().Data, output, threads);
            var (d, i) = ImagingTestData.MaxDifference(expected.Data, output);
            Assert.True(d < 1e-5, $"threads {threads}, voxel {i}: tensor {expected.Data[i]}, separable {output[i]}");
        }
    }

    [Fact]
    public void TheLowPassStopsDetailFinerThanTheNewPixelFromAliasing()
    {
        // Stripes at 0.4 cycles/pixel cannot be represented at twice the pixel size (Nyquist 0.25 of the old pixel):
        // without the filter they alias into coarse stripes; with it they vanish.
        using var fft = RelionRescaleTests.FftwOrManaged();
        var shape = new Shape3(100, 100, 1);
        var g = new Grid(shape);
        for (int y = 0; y < 100; y++) for (int x = 0; x < 100; x++) g[x, y] = (float)Math.Cos(2 * Math.PI * 0.4 * x);
        var plan = ImageRescalePlan.Create(shape, 1.0, 2.0, null, RescaleMethod.Spline);
        var rescaler = new ImageRescaler(fft.Backend, plan, threads: 1);
        var frame = new float[rescaler.FrameLength];
        g.Data.CopyTo(frame, 0);
        var filtered = rescaler.Rescale(frame).ToArray();
        Assert.Equal(new Shape3(50, 50, 1), plan.OutputShape);
        Assert.True(filtered.Max(Math.Abs) < 1e-3, $"largest value {filtered.Max(Math.Abs)}");

        var unfiltered = new float[50 * 50];
        new SplineResampler(shape, plan.OutputShape, 2.0).Resample(g.Clone().Data, unfiltered);
        Assert.True(unfiltered.Max(Math.Abs) > 0.3, "the test image should alias without the filter");
    }

    [Theory]
    [InlineData(200, 200, 1, 1.25)]    // even-box rule reaches 1.25 exactly: 200 -> 160
    [InlineData(180, 120, 1, 1.5)]     // non-square micrograph: 180 x 120 -> 120 x 80
    [InlineData(200, 200, 1, 0.8)]     // enlarging: 200 -> 250
    [InlineData(48, 48, 48, 1.5)]      // map: 48 -> 32
    public void SplineAgreesWithTheFourierMethodOnBandLimitedData(int x, int y, int z, double requested)
    {
        using var fft = RelionRescaleTests.FftwOrManaged();
        var shape = new Shape3(x, y, z);
        var g = Blobs(shape, 7);
        var fourier = Run(fft.Backend, ImageRescalePlan.Create(shape, 1.0, requested, null, RescaleMethod.Fourier), g);
        var spline = Run(fft.Backend, ImageRescalePlan.Create(shape, 1.0, requested, null, RescaleMethod.Spline), g);
        Assert.Equal(fourier.Shape, spline.Shape);
        var (worst, i) = ImagingTestData.MaxDifference(fourier.Data, spline.Data);
        double std = ImagingTestData.StdDev(fourier.Data);
        Assert.True(worst < 0.01 * std,
            $"voxel {i}: Fourier {fourier.Data[Math.Max(i, 0)]}, spline {spline.Data[Math.Max(i, 0)]}: more than 1 % " +
            $"of the standard deviation {std:G3}");
    }

    /// <summary>
    /// Smooth Gaussian blobs (sigma 3 pixels) well inside the box: band-limited in practice (the spectrum is
    /// below 1e-5 at 0.25 cycles/pixel) and zero at the edges, so padding, periodic and mirror boundaries agree.
    /// </summary>
    private static Grid Blobs(Shape3 shape, int seed)
    {
        var rng = new Random(seed);
        bool volume = shape.Z > 1;
        var blobs = Enumerable.Range(0, 8).Select(_ => (
            x: shape.X * (0.3 + 0.4 * rng.NextDouble()), y: shape.Y * (0.3 + 0.4 * rng.NextDouble()),
            z: volume ? shape.Z * (0.3 + 0.4 * rng.NextDouble()) : 0, a: rng.NextDouble() + 0.5)).ToArray();
        var g = new Grid(shape);
        const double twoSigma2 = 2 * 3.0 * 3.0;
        for (int z = 0; z < shape.Z; z++)
            for (int y = 0; y < shape.Y; y++)
                for (int x = 0; x < shape.X; x++)
                {
                    double v = 0;
                    foreach (var b in blobs)
                        v += b.a * Math.Exp(-((x - b.x) * (x - b.x) + (y - b.y) * (y - b.y) + (z - b.z) * (z - b.z))
                            / twoSigma2);
                    g[x, y, z] = (float)v;
                }
        return g;
    }

    private static Grid Run(IFftBackend fft, ImageRescalePlan plan, Grid input)
    {
        var rescaler = new ImageRescaler(fft, plan, threads: 1);
        var frame = new float[rescaler.FrameLength];
        input.Data.CopyTo(frame, 0);
        return new Grid(plan.OutputShape, rescaler.Rescale(frame).ToArray());
    }
}
