using CryoMerge.Core.Extraction;
using CryoMerge.Core.Imaging;
using CryoMerge.Core.Tests.Imaging;

namespace CryoMerge.Core.Tests.Extraction;

public sealed class ParticleProcessorTests
{
    [Theory]
    [InlineData(-16, 15, true)]     // box [-32, -1]: entirely left of the micrograph
    [InlineData(-15, 15, false)]    // box [-31, 0]: one column inside
    [InlineData(115, 60, false)]    // box [99, 130] against width 100: one column inside
    [InlineData(116, 60, true)]     // box [100, 131]: outside
    [InlineData(50, -16, true)]
    [InlineData(50, 95, false)]
    public void ABoxIsOutsideOnlyWhenNoneOfItsPixelsIsInTheMicrograph(long x, long y, bool outside) =>
        Assert.Equal(outside, ParticleProcessor.IsOutside(x, y, 32, 100, 80));

    [Fact]
    public void CoordinatesAreTruncatedTowardZeroAsACastInCDoes()
    {
        Assert.Equal(12, ParticleProcessor.Truncate(12.99));
        Assert.Equal(0, ParticleProcessor.Truncate(-0.7));
        Assert.Equal(-3, ParticleProcessor.Truncate(-3.2));
    }

    [Fact]
    public void PixelsBeyondTheMicrographRepeatItsNearestEdgePixel()
    {
        int w = 40, h = 30;
        var mic = new float[w * h];
        for (int i = 0; i < mic.Length; i++) mic[i] = i;
        var p = new ParticleProcessor(FftBackends.Create(), new ExtractionSettings { Box = 16, Normalise = false });
        var box = p.Process(mic, w, h, 3.9, 27.2).ToArray();   // xpos 3, ypos 27: box x in [-5, 10], y in [19, 34]
        for (int r = 0; r < 16; r++)
            for (int c = 0; c < 16; c++)
            {
                int mx = Math.Clamp(3 - 8 + c, 0, w - 1), my = Math.Clamp(27 - 8 + r, 0, h - 1);
                Assert.Equal(mic[my * w + mx], box[r * 16 + c]);
            }
    }

    [Fact]
    public void WithoutRescalingOrNormalisationTheParticleIsTheMicrographsPixels()
    {
        var mic = ImagingTestData.Noise(new Shape3(64, 64, 1), 2).Data;
        var p = new ParticleProcessor(FftBackends.Create(), new ExtractionSettings { Box = 20, Window = 10,
            Normalise = false, Invert = true });
        var image = p.Process(mic, 64, 64, 30.5, 31).ToArray();
        // Window 10 of box 20 about its centre: micrograph x in [25, 34], y in [26, 35], inverted.
        for (int r = 0; r < 10; r++)
            for (int c = 0; c < 10; c++) Assert.Equal(-mic[(26 + r) * 64 + 25 + c], image[r * 10 + c]);
    }
}
