using CryoMerge.Core.Imaging;

namespace CryoMerge.Core.Tests.Imaging;

/// <summary>The buffer-reusing resizer against <see cref="FourierResize"/> (itself checked against RELION).</summary>
public sealed class FourierResizerTests
{
    [Theory]
    [InlineData(64, 48, 2)]
    [InlineData(64, 96, 2)]
    [InlineData(101, 88, 2)]
    [InlineData(99, 100, 2)]
    [InlineData(64, 64, 2)]
    [InlineData(40, 32, 3)]
    [InlineData(33, 48, 3)]
    public void ResizingWithReusedBuffersEqualsFourierResize(int n, int m, int dims)
    {
        using var fft = RelionRescaleTests.FftwOrManaged();
        var shape = dims == 3 ? new Shape3(n, n, n) : new Shape3(n, n, 1);
        var resizer = new FourierResizer(fft.Backend, n, m, dims, threads: 1);
        for (int seed = 1; seed <= 2; seed++)   // twice: the buffers are reused
        {
            var g = ImagingTestData.Noise(shape, seed);
            var expected = FourierResize.Resize(fft.Backend, g, m);
            var output = new float[expected.Data.Length];
            resizer.Resize(g.Data, output);
            var (d, i) = ImagingTestData.MaxDifference(expected.Data, output);
            Assert.True(d <= 1e-6 * ImagingTestData.StdDev(expected.Data),
                $"voxel {i}: {expected.Data[Math.Max(i, 0)]} vs {output[Math.Max(i, 0)]}");
        }
    }

    [Fact]
    public void TheOutputMayBeTheInputBuffer()
    {
        using var fft = RelionRescaleTests.FftwOrManaged();
        var g = ImagingTestData.Noise(new Shape3(80, 80, 1), 5);
        var expected = FourierResize.Resize(fft.Backend, g, 62);
        var buffer = (float[])g.Data.Clone();
        new FourierResizer(fft.Backend, 80, 62, 2).Resize(buffer, buffer.AsSpan(0, 62 * 62));
        Assert.True(ImagingTestData.MaxDifference(expected.Data, buffer[..(62 * 62)]).Difference < 1e-6);
    }

    [Theory]
    [InlineData(10, 6, 2)]
    [InlineData(9, 6, 2)]
    [InlineData(8, 4, 3)]
    [InlineData(7, 4, 3)]
    public void CroppingInPlaceEqualsWindowSpectrum(int n, int m, int dims)
    {
        var shape = dims == 3 ? new Shape3(n, n, n) : new Shape3(n, n, 1);
        var outShape = dims == 3 ? new Shape3(m, m, m) : new Shape3(m, m, 1);
        var spectrum = new MathNet.Numerics.Complex32[FftLayout.SpectrumLength(shape)];
        for (int i = 0; i < spectrum.Length; i++) spectrum[i] = new MathNet.Numerics.Complex32(i, -i);
        var expected = new MathNet.Numerics.Complex32[FftLayout.SpectrumLength(outShape)];
        FourierResize.WindowSpectrum(spectrum, n, dims, expected, m);
        FourierResizer.CropInPlace(spectrum, n, dims, m);
        Assert.Equal(expected, spectrum[..expected.Length]);
    }
}
