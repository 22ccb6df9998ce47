using CryoMerge.Core.Imaging;

namespace CryoMerge.Core.Tests.Imaging;

public sealed class NonFiniteValuesTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(7)]
    [InlineData(8)]
    [InlineData(31)]
    [InlineData(100)]
    public void TheFirstNaNOrInfinityIsFoundWhereverItIs(int at)
    {
        var values = new float[101];
        for (int i = 0; i < values.Length; i++) values[i] = i * 0.5f - 20;
        Assert.Equal(-1, NonFiniteValues.IndexOfFirst(values));
        Assert.Equal(0, NonFiniteValues.Count(values));
        foreach (float bad in new[] { float.NaN, float.PositiveInfinity, float.NegativeInfinity })
        {
            var copy = (float[])values.Clone();
            copy[at] = bad;
            copy[^1] = float.NaN;
            Assert.Equal(at, NonFiniteValues.IndexOfFirst(copy));
            Assert.Equal(at == 100 ? 1 : 2, NonFiniteValues.Count(copy));
        }
    }

    [Fact]
    public void RequireNamesTheFileTheImageAndThePixel()
    {
        var image = new float[6 * 4];
        NonFiniteValues.Require(image, "stack.mrcs", "image 3", 6);
        image[2 * 6 + 5] = float.NegativeInfinity;
        image[23] = float.NaN;
        var e = Assert.Throws<CryoMergeInputException>(() => NonFiniteValues.Require(image, "stack.mrcs",
            "image 3", 6));
        Assert.Equal("stack.mrcs", e.File);
        Assert.StartsWith("image 3 holds 2 NaN or infinite value(s) (the first, -inf, at pixel (5, 2))", e.Problem);
    }
}
