using CryoMerge.Core.Imaging;

namespace CryoMerge.Core.Tests.Imaging;

public sealed class ImageStatisticsTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(64)]
    [InlineData(1001)]
    [InlineData(65536 + 3)]
    public void VectorisedStatisticsEqualAPlainTwoPassComputation(int length)
    {
        var rng = new Random(length);
        var values = new float[length];
        // a large mean over a small spread
        for (int i = 0; i < length; i++) values[i] = (float)(1000 + rng.NextDouble() * 3 - 1);
        var s = ImageStatistics.Of(values);
        double mean = values.Sum(v => (double)v) / length;
        double m2 = values.Sum(v => (v - mean) * (v - mean));
        Assert.Equal(length, s.Count);
        Assert.Equal(mean, s.Mean, 1e-9 * mean);
        Assert.Equal(Math.Sqrt(m2 / length), s.StdDev, 1e-9);
        Assert.Equal(values.Min(), s.Min);
        Assert.Equal(values.Max(), s.Max);
    }

    [Fact]
    public void ANaNNeverBecomesTheMinimumOrMaximum()
    {
        var values = Enumerable.Range(0, 40).Select(i => (float)i).ToArray();
        values[3] = float.NaN;
        values[37] = float.NaN;
        var s = ImageStatistics.Of(values);
        Assert.Equal(0f, s.Min);
        Assert.Equal(39f, s.Max);
    }
}
