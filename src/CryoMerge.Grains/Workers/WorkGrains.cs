using CryoMerge.Core.Merging.Pipeline;

namespace CryoMerge.Grains.Workers;

/// <summary>Which worker grain runs a work item: the one for its kind's <see cref="WorkPlacement"/>.</summary>
public static class WorkGrains
{
    /// <summary>The grain interface of a placement.</summary>
    // Every named placement is handled and none is defaulted, so a placement added to Core without a grain here does
    // not build (CS8509); CS8524 is about unnamed values, which only a cast could make.
#pragma warning disable CS8524
    public static Type InterfaceFor(WorkPlacement placement) => placement switch
    {
        WorkPlacement.DataSet => typeof(IDataSetGrain),
        WorkPlacement.Micrograph => typeof(IMicrographGrain),
        WorkPlacement.ParticleShard => typeof(IParticleShardGrain),
        WorkPlacement.ScaleCandidate => typeof(IScaleCandidateGrain),
    };
#pragma warning restore CS8524

    public static IWorkItemGrain For(IGrainFactory factory, WorkPlacement placement, string key) =>
        (IWorkItemGrain)factory.GetGrain(InterfaceFor(placement), key);
}
