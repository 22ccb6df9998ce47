using CryoMerge.Core.Merging.Pipeline;
using CryoMerge.Core.Reconstruction;

namespace CryoMerge.Core.Merging.Stages;

/// <summary>
/// The second half of a sharded reconstruction: one item per map adds its shards' sums in shard order, solves and
/// writes the map; then the shard files go and <paramref name="done"/> receives the maps (in plan order).
/// </summary>
/// <param name="maps">The same plan as the <see cref="BackProjectStage"/> before it saw (null: nothing to do).</param>
public sealed class SolveMapsStage(string name, Func<MergeState, ReconstructionPlan?> maps,
    Action<MergeState, IReadOnlyList<ReconstructedMap>> done) : IMergeStage
{
    public string Name => name;

    public IReadOnlyList<WorkKind> Kinds => [ShardedReconstruction.Solve];

    public IReadOnlyList<WorkItem> Plan(MergeState state) =>
        maps(state) is { } plan ? ShardedReconstruction.SolveItems(plan, Name) : [];

    public void Complete(MergeState state, IReadOnlyList<WorkResult> results)
    {
        if (maps(state) is not { } plan) return;
        done(state, ShardedReconstruction.MapsOf(results));
        ShardedReconstruction.DeleteShards(plan);
    }
}
