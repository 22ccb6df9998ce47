using CryoMerge.Core.Merging.Pipeline;
using CryoMerge.Core.Reconstruction;

namespace CryoMerge.Core.Merging.Stages;

/// <summary>
/// The first half of a sharded reconstruction (<see cref="ShardedReconstruction"/>): one back-projection item per
/// particle shard of every map that <paramref name="maps"/> returns for the state (none when it returns null). The
/// partial sums stay in the plan's work folder for <see cref="SolveMapsStage"/>; nothing is folded into the state.
/// </summary>
/// <param name="name">Stage name (unique in a stage list; "backproject", "assess-backproject").</param>
/// <param name="maps">The maps to reconstruct now; called by <see cref="Plan"/>, and may cache its plan in the state
/// (the coordinator persists the state that <see cref="Complete"/> leaves, so the next stage finds it).</param>
public sealed class BackProjectStage(string name, Func<MergeState, ReconstructionPlan?> maps) : IMergeStage
{
    public string Name => name;

    public IReadOnlyList<WorkKind> Kinds => [ShardedReconstruction.BackProject];

    public IReadOnlyList<WorkItem> Plan(MergeState state) =>
        maps(state) is { } plan ? ShardedReconstruction.ShardItems(plan, Name) : [];

    public void Complete(MergeState state, IReadOnlyList<WorkResult> results)
    {
        foreach (var r in results)
        {
            var shard = ShardedReconstruction.BackProject.ResultOf(r);
            if (shard.Map != r.Id.DataSet) throw new InvalidOperationException($"{r.Id} reports map {shard.Map}");
        }
    }
}
