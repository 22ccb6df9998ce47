namespace CryoMerge.Core.Merging.Pipeline;

/// <summary>
/// A step of the merge: plans independent work items from the current state, and, once every item has a
/// result, folds the results (in item order, so the outcome does not depend on which node finished first)
/// into the state. Planning and folding are cheap; the work is in the items.
/// </summary>
public interface IMergeStage
{
    /// <summary>Short name shown in progress and traces ("pixel-size", "extract", "join").</summary>
    string Name { get; }

    /// <summary>The work items of this stage; an empty list means the stage has nothing to do for this plan.</summary>
    IReadOnlyList<WorkItem> Plan(MergeState state);

    /// <summary>Updates the state from the results, which come in the order of <see cref="Plan"/>.</summary>
    void Complete(MergeState state, IReadOnlyList<WorkResult> results);
}
