using CryoMerge.Core.Analysis;
using CryoMerge.Tests;

namespace CryoMerge.Core.Tests.Architecture;

/// <summary>
/// Core's namespaces form layers (docs/ARCHITECTURE.md): no two of them use each other, directly or through others,
/// so each can be read and tested knowing only the ones below it. Read from the compiled assembly.
/// </summary>
public sealed class NamespaceCycleTests
{
    [Fact]
    public void CoreNamespacesUseEachOtherWithoutCycles()
    {
        var graph = NamespaceGraph.Of(typeof(ScaleFitter).Assembly, "CryoMerge.Core");
        // The scan sees the layers: the stages use the pipeline, which uses the plan, which uses the formats.
        Assert.Contains("CryoMerge.Core.Merging.Pipeline", graph.Edges["CryoMerge.Core.Merging.Stages"].Keys);
        Assert.Contains("CryoMerge.Core.Merging", graph.Edges["CryoMerge.Core.Merging.Pipeline"].Keys);
        Assert.Contains("CryoMerge.Core.Formats", graph.Edges["CryoMerge.Core.Merging"].Keys);
        var cycles = graph.Cycles();
        Assert.True(cycles.Count == 0, "namespace cycles in Core:\n" + string.Join("\n\n",
            cycles.Select(c => string.Join("\n", graph.Describe(c)))));
    }

    [Fact]
    public void CycleFinderFindsEveryCycleAndOnlyCycles()
    {
        var graph = new Dictionary<string, IEnumerable<string>>
        {
            ["a"] = ["b"], ["b"] = ["c"], ["c"] = ["a", "d"], ["d"] = ["e"], ["e"] = [], ["f"] = ["f", "e"],
            ["g"] = ["h"], ["h"] = ["g"],
        };
        var cycles = NamespaceGraph.StronglyConnected(graph).Where(c => c.Count > 1).ToList();
        Assert.Equal(2, cycles.Count);
        Assert.Contains(cycles, c => c.SequenceEqual(["a", "b", "c"]));
        Assert.Contains(cycles, c => c.SequenceEqual(["g", "h"]));
    }
}
