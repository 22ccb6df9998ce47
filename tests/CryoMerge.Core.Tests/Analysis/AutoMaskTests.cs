using CryoMerge.Core.Analysis;

namespace CryoMerge.Core.Tests.Analysis;

public class AutoMaskTests
{
    [Theory]
    [InlineData(1, 0)]
    [InlineData(2, 1)]
    [InlineData(1001, 500)]
    [InlineData(1000, 0)]
    [InlineData(1000, 999)]
    [InlineData(200_000, 100_000)]
    public void SelectionGivesTheValueASortPutsAtK(int n, int k)
    {
        var random = new Random(n + k);
        foreach (var make in new Func<int, float>[] { _ => (float)random.NextDouble(), i => i % 7, _ => 3f,
            i => n - i, i => i })
        {
            var values = Enumerable.Range(0, n).Select(make).ToArray();
            var sorted = values.OrderBy(v => v).ToArray();
            Assert.Equal(sorted[k], AutoMask.Select(values, k));
        }
    }
}
