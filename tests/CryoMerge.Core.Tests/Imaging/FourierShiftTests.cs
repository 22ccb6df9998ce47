using CryoMerge.Core.Imaging;
using MathNet.Numerics;

namespace CryoMerge.Core.Tests.Imaging;

public sealed class FourierShiftTests
{
    [Theory]
    [InlineData(32, 24, 3, -5)]
    [InlineData(31, 20, 16, 10)]
    public void AWholePixelShiftIsACircularShift(int nx, int ny, int sx, int sy)
    {
        var fft = FftBackends.Create();
        var shape = new Shape3(nx, ny, 1);
        var image = ImagingTestData.Noise(shape, 9);
        var spectrum = new Complex32[FftLayout.SpectrumLength(shape)];
        fft.ForwardReal(shape, image.Data, spectrum);
        FourierShift.Apply(spectrum, nx, ny, sx, sy);
        var shifted = new float[nx * ny];
        fft.InverseReal(shape, spectrum, shifted);
        for (int y = 0; y < ny; y++)
            for (int x = 0; x < nx; x++)
            {
                float expected = image[((x - sx) % nx + nx) % nx, ((y - sy) % ny + ny) % ny];
                Assert.True(Math.Abs(expected - shifted[y * nx + x] / (nx * ny)) < 1e-5, $"pixel ({x}, {y})");
            }
    }
}
