using CryoMerge.Core.Merging.Pipeline;
using CryoMerge.Core.Merging.Stages;

namespace CryoMerge.Core.Merging;

/// <summary>The stages of a merge for each method, and the handlers of their work items.</summary>
public static class MergeStages
{
    /// <summary>The stages, in order, that a plan runs through. Stages with nothing to do plan no items.</summary>
    public static IReadOnlyList<IMergeStage> For(MergePlan plan) =>
    [
        new RescaleMicrographsStage(),
        new SummaryStage(),
    ];

    public static IEnumerable<IWorkHandler> Handlers() =>
    [
        new RescaleMicrographsStage.Handler(),
        new SummaryStage.Handler(),
    ];
}
