using CryoMerge.Core.Merging;

namespace CryoMerge.Core.Tests.Merging;

public sealed class BoxScalerTests
{
    [Fact]
    public void ThePapersExampleGivesTheScriptsAnswersInOrder()
    {
        // boxscaler.py, 420-600 for 0.880 -> 1.120 A (science.md 1.4).
        var pairs = BoxScaler.Search(420, 600, 0.880, 1.120, 4);
        Assert.Equal([(560, 440), (588, 462), (598, 470), (578, 454)], pairs.Select(p => (p.ExtractBox,
            p.RescaledBox)));
        Assert.Equal(0.0, pairs[0].ErrorPercent, 9);
        Assert.Equal(1.120, pairs[0].PixelSize, 9);
        Assert.Equal(0.78571, pairs[0].Factor, 5);
        Assert.Equal(0.03, pairs[2].ErrorPercent, 2);
        Assert.Equal(-0.031, pairs[3].ErrorPercent, 3);
        Assert.Equal(0.880 * 598 / 470, pairs[2].PixelSize, 12);
    }

    [Fact]
    public void TheWindowStepAndBackgroundCircleAreThePapersNumbers()
    {
        // The paper: extract 560, rescale to 440, window to 420; background circle 0.75 x 420 x 1.120/0.880 = 400
        // pixels.
        var window = BoxScaler.Window(BoxScaler.Search(420, 600, 0.880, 1.120)[0], 420);
        Assert.Equal(20, window.WindowPixels);
        Assert.Equal(400, window.BackgroundDiameter);
        Assert.Equal(0.75 * 420 * 560 / 440, window.BackgroundDiameterExact, 9);
        // RELION's GUI turns 400 into (int)(400 / 2 x 440 / 560) = 157, the radius of a data set extracted at 420.
        Assert.Equal(157, window.BackgroundRadius);
        Assert.Equal(window.NativeBackgroundRadius, window.BackgroundRadius);
    }

    [Fact]
    public void AnOddSmallestBoxIsRaisedAndTheLargestIsExcluded()
    {
        var all = BoxScaler.Search(421, 430, 1.0, 1.0, 100);
        Assert.All(all, p => Assert.True(p.ExtractBox is >= 422 and < 430 && p.RescaledBox % 2 == 0));
        Assert.Equal(16, all.Count);   // 4 boxes: 422, 424, 426, 428
        Assert.Equal((422, 422), (all[0].ExtractBox, all[0].RescaledBox));
    }

    [Fact]
    public void AnEmptyRangeIsRefusedInOneLine()
    {
        var e = Assert.Throws<CryoMergeInputException>(() => BoxScaler.Search(420, 420, 0.88, 1.12));
        Assert.Contains("no even box", e.Message);
    }
}
