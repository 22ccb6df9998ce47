using CryoMerge.Core.Merging;

namespace CryoMerge.Core.Tests.Merging;

public sealed class HashSet64Tests
{
    [Fact]
    public void KeepsEveryValueOnceThroughGrowthIncludingZeroAndValuesThatShareTheirLowBits()
    {
        var set = new HashSet64();
        var reference = new HashSet<ulong>();
        var rng = new Random(7);
        // 5,000 random values, 5,000 that differ only in their top bits, and 0.
        var values = Enumerable.Range(0, 5000).Select(_ => (ulong)rng.NextInt64())
            .Concat(Enumerable.Range(0, 5000).Select(i => (ulong)i << 40)).ToList();
        foreach (ulong v in values) Assert.Equal(reference.Add(v), set.Add(v));
        foreach (ulong v in values) Assert.False(set.Add(v));
        Assert.Equal(reference.Count, set.Count);
        Assert.Contains(0UL, reference);
        Assert.False(set.Add(0));
        Assert.True(set.Add(ulong.MaxValue));
    }
}
