using CryoMerge.Core.Extraction;
using CryoMerge.Core.Merging.Pipeline;

namespace CryoMerge.Core.Merging.Stages;

/// <summary>
/// Windowing an existing particle stack as work items (one stack each, <see cref="StackWindowing.Window"/>), so that a
/// worker node can run it like any other item. No merge method plans it yet; <see cref="MergeStages.Kinds"/> lists it.
/// </summary>
public static class WindowStacks
{
    public static readonly WorkKind<StackWindowItem, StackWindowResult> Work =
        new("window-stack", WorkPlacement.ParticleShard, Run);

    /// <summary>A work item per stack of <paramref name="plan"/>, keyed by the output stack's path.</summary>
    public static IReadOnlyList<WorkItem> Items(WindowPlan plan, string stage, string dataSet = "") =>
        plan.Items.Select(i => Work.Item(new WorkItemId(stage, dataSet, i.OutputStack), i)).ToList();

    private static WorkOutput<StackWindowResult> Run(
        StackWindowItem p, WorkEnvironment environment, CancellationToken cancel)
    {
        cancel.ThrowIfCancellationRequested();
        var result = StackWindowing.Window(p, Math.Max(1, environment.ThreadsPerItem));
        return new(result, result.Count, new FileInfo(p.InputStack).Length, [result.OutputStack]);
    }
}
