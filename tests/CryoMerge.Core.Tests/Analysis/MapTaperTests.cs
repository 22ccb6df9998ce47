using CryoMerge.Core.Analysis;
using CryoMerge.Core.Imaging;

namespace CryoMerge.Core.Tests.Analysis;

/// <summary>The taper every map of the fit gets: border level removed, a cosine edge, 1 inside.</summary>
public sealed class MapTaperTests
{
    [Theory]
    [InlineData(8, 1)]
    [InlineData(48, 4)]
    [InlineData(100, 6)]
    public void TheTaperIsATwelfthOfTheSmallestSideFromOneToSixVoxels(int side, int width)
    {
        Assert.Equal(width, MapTaper.Width(new Shape3(side + 30, side, side + 7)));
    }

    [Fact]
    public void TheWindowIsOneInsideAndRisesSymmetricallyFromNearZeroAtEveryFace()
    {
        var s = new Shape3(48, 40, 44);
        var w = MapTaper.Window(s);
        int width = MapTaper.Width(s);   // 40 / 12 = 3
        Assert.Equal(1f, w[24, 20, 22]);
        Assert.Equal(1f, w[width, width, width]);
        Assert.True(w[0, 20, 22] < 0.1f, $"edge value {w[0, 20, 22]}");
        for (int i = 0; i < width; i++)
        {
            Assert.True(w[i, 20, 22] < w[i + 1, 20, 22], $"not rising at {i}");
            Assert.Equal(w[i, 20, 22], w[47 - i, 20, 22]);
            Assert.Equal(w[24, i, 22], w[24, 39 - i, 22]);
        }
        // Separable: a corner is the product of its three edges.
        Assert.Equal(w[0, 20, 22] * w[24, 0, 22] * w[24, 20, 0], w[0, 0, 0], 6);
    }

    [Fact]
    public void ApplyTakesTheBorderMedianAwayAndKeepsTheInteriorStep()
    {
        var s = new Shape3(24, 24, 24);
        var g = new Grid(s);
        for (int k = 0; k < 24; k++)
            for (int j = 0; j < 24; j++)
                for (int i = 0; i < 24; i++)
                    g[i, j, k] = i is > 8 and < 16 && j is > 8 and < 16 && k is > 8 and < 16 ? 7 : 2;
        var t = MapTaper.Apply(new MapVolume("m", g, 1.5, default));
        Assert.Equal(5f, t.Grid[12, 12, 12]);
        Assert.Equal(0f, t.Grid[4, 12, 12]);
        Assert.Equal(0f, t.Grid[0, 0, 0]);
        Assert.Equal(1.5, t.PixelSize);
        Assert.Equal(2f, g[0, 0, 0]);   // the input is left as it was
    }
}
