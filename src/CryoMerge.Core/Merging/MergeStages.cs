using CryoMerge.Core.Extraction;
using CryoMerge.Core.Merging.Pipeline;
using CryoMerge.Core.Merging.Stages;

namespace CryoMerge.Core.Merging;

/// <summary>The stages of a merge for each method, and the handlers of their work items.</summary>
public static class MergeStages
{
    /// <summary>The stages, in order, that a plan runs through. Stages with nothing to do plan no items.</summary>
    public static IReadOnlyList<IMergeStage> For(MergePlan plan) => plan.Method switch
    {
        MergeMethod.Relabel => [new PrepareStage(), new PixelSizeStage(), new PixelSizeProfileStage(), new RelabelStage(), new JoinStage(), new SummaryStage()],
        MergeMethod.RescaleMicrographs => [new PrepareStage(), new PixelSizeStage(), new PixelSizeProfileStage(), new CtfStage(), new RescaleMicrographsStage(), new SummaryStage()],
        _ => [new PrepareStage(), new PixelSizeStage(), new PixelSizeProfileStage(), new CtfStage(), new ExtractStage(), new GatherParticlesStage(), new JoinStage(), new SummaryStage()],
    };

    public static IEnumerable<IWorkHandler> Handlers() =>
    [
        new PrepareStage.Handler(),
        new PixelSizeStage.Handler(),
        new PixelSizeProfileStage.Handler(),
        new CtfStage.Handler(),
        new RelabelStage.Handler(),
        new RescaleMicrographsStage.Handler(),
        new GatherParticlesStage.Handler(),
        .. ExtractionWorkHandlers.All(),
        new JoinStage.Handler(),
        new SummaryStage.Handler(),
    ];
}
