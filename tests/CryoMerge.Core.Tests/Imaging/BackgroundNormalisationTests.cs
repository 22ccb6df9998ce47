using CryoMerge.Core.Imaging;

namespace CryoMerge.Core.Tests.Imaging;

public sealed class BackgroundNormalisationTests
{
    [Theory]
    [InlineData(64, 24, true)]
    [InlineData(64, 24, false)]
    [InlineData(96, 0, true)]
    [InlineData(50, 25, true)]
    public void ResultEqualsRelionsLoopsWrittenOutNaively(int size, int radius, bool ramp)
    {
        var image = ImagingTestData.Noise(new Shape3(size, size, 1), size + radius);
        for (int y = 0; y < size; y++)
            for (int x = 0; x < size; x++) image[x, y] += 100 + 0.3f * x - 0.2f * y;   // offset and ramp
        var expected = Naive(image.Data, size, radius, ramp);
        var actual = (float[])image.Data.Clone();
        Assert.True(new BackgroundNormalisation(size, radius, ramp).Apply(actual));
        var (diff, _) = ImagingTestData.MaxDifference(actual, expected);
        Assert.True(diff < 1e-5, $"largest difference {diff}");
    }

    [Fact]
    public void TheBackgroundEndsWithMeanZeroAndStddevOne()
    {
        var image = ImagingTestData.Noise(new Shape3(80, 80, 1), 5).Data;
        new BackgroundNormalisation(80, 30).Apply(image, -1);
        double sum = 0, sum2 = 0;
        int n = 0;
        for (int y = 0; y < 80; y++)
            for (int x = 0; x < 80; x++)
            {
                int i = y - 40, j = x - 40;
                if (i * i + j * j <= 900) continue;
                sum += image[y * 80 + x];
                sum2 += image[y * 80 + x] * (double)image[y * 80 + x];
                n++;
            }
        Assert.Equal(0, sum / n, 1e-6);
        Assert.Equal(1, Math.Sqrt(sum2 / n - sum / n * (sum / n)), 1e-5);
    }

    [Fact]
    public void APurePlaneIsFlatAfterTheRampAndIsNotScaled()
    {
        var image = new float[32 * 32];
        for (int y = 0; y < 32; y++)
            for (int x = 0; x < 32; x++) image[y * 32 + x] = 3 + 0.5f * x + 0.25f * y;
        Assert.False(new BackgroundNormalisation(32, 10).Apply(image));
        Assert.All(image, v => Assert.True(Math.Abs(v) < 1e-4));
    }

    [Fact]
    public void ACircleWiderThanTheImageIsRejected() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new BackgroundNormalisation(64, 33));

    /// <summary>RELION's normalise with ramp, transcribed loop by loop (fit the plane, subtract it, statistics,
    /// scale).</summary>
    private static float[] Naive(float[] input, int n, int r, bool ramp)
    {
        var v = input.Select(x => (double)x).ToArray();
        int h = n / 2;
        bool Background(int x, int y) => (y - h) * (y - h) + (x - h) * (x - h) > r * r;
        if (ramp)
        {
            double d = 0, e = 0, f = 0, g = 0, hh = 0, ii = 0, j = 0, k = 0, l = 0;
            for (int y = 0; y < n; y++)
                for (int x = 0; x < n; x++)
                {
                    if (!Background(x, y)) continue;
                    double px = x - h, py = y - h, z = v[y * n + x];
                    d += px * px; e += px * py; f += px; g += py * py; hh += py; ii += 1; j += px * z; k += py
                        * z; l += z;
                }
            double den = f * f * g - 2 * e * f * hh + d * hh * hh + e * e * ii - d * g * ii;
            double a = (hh * hh * j - g * ii * j + e * ii * k + f * g * l - hh * (f * k + e * l)) / den;
            double b = (e * ii * j + f * f * k - d * ii * k + d * hh * l - f * (hh * j + e * l)) / den;
            double c = (f * g * j - e * hh * j - e * f * k + d * hh * k + e * e * l - d * g * l) / den;
            for (int y = 0; y < n; y++)
                for (int x = 0; x < n; x++) v[y * n + x] -= a * (x - h) + b * (y - h) + c;
        }
        double sum = 0, sum2 = 0, count = 0;
        for (int y = 0; y < n; y++)
            for (int x = 0; x < n; x++)
                if (Background(x, y)) { sum += v[y * n + x]; sum2 += v[y * n + x] * v[y * n + x]; count++; }
        double mean = sum / count, sd = Math.Sqrt(sum2 / count - mean * mean);
        return v.Select(x => (float)((x - mean) / sd)).ToArray();
    }
}
