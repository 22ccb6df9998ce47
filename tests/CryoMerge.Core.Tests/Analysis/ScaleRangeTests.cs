using CryoMerge.Core.Analysis;

namespace CryoMerge.Core.Tests.Analysis;

/// <summary>The scale range of one attempt: its log bounds and the coarse scales the global search tries.</summary>
public sealed class ScaleRangeTests
{
    [Fact]
    public void TheDefaultTenPercentIsSearchedAtTheNominalScaleOnly()
    {
        var range = new ScaleRange(0.1);
        Assert.Equal([0.0], range.CoarseLogScales());
        Assert.Equal(Math.Log(0.9), range.MinLogScale, 15);
        Assert.Equal(Math.Log(1.1), range.MaxLogScale, 15);
        Assert.Equal(1.1, range.MaxScale, 15);
    }

    [Fact]
    public void AWidenedRangeAddsTenPercentStepsBothWays()
    {
        var scales = new ScaleRange(0.3).CoarseLogScales();
        double[] expected =
            [0, Math.Log(1.1), Math.Log(0.9), Math.Log(1.2), Math.Log(0.8), Math.Log(1.3), Math.Log(0.7)];
        Assert.Equal(expected.Length, scales.Length);
        for (int i = 0; i < expected.Length; i++) Assert.Equal(expected[i], scales[i], 12);
    }

    [Fact]
    public void TheLowerBoundStopsAtATenthOfTheNominalPixelSize()
    {
        var range = new ScaleRange(0.95);
        Assert.Equal(Math.Log(0.1), range.MinLogScale, 15);
        Assert.Equal(Math.Log(1.95), range.MaxLogScale, 15);
        Assert.DoesNotContain(range.CoarseLogScales(), double.IsNaN);
    }
}
