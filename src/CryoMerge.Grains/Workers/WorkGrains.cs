using CryoMerge.Core.Extraction;
using CryoMerge.Core.Merging.Stages;

namespace CryoMerge.Grains.Workers;

/// <summary>Which worker grain runs which kind of work item.</summary>
public static class WorkGrains
{
    private static readonly Dictionary<string, Func<IGrainFactory, string, IWorkItemGrain>> ByKind = new(StringComparer.Ordinal)
    {
        [RescaleMicrographsStage.Kind] = (f, key) => f.GetGrain<IMicrographGrain>(key),
        [ExtractionWorkHandlers.ExtractKind] = (f, key) => f.GetGrain<IMicrographGrain>(key),
        [ExtractionWorkHandlers.WindowKind] = (f, key) => f.GetGrain<IParticleShardGrain>(key),
        [PixelSizeProfileStage.Kind] = (f, key) => f.GetGrain<IScaleCandidateGrain>(key),
    };

    /// <summary>Per-micrograph kinds go to <see cref="IMicrographGrain"/>, shards to <see cref="IParticleShardGrain"/>,
    /// candidates to <see cref="IScaleCandidateGrain"/>; data-set steps to <see cref="IDataSetGrain"/>.</summary>
    public static IWorkItemGrain For(IGrainFactory factory, string kind, string key) =>
        ByKind.TryGetValue(kind, out var make) ? make(factory, key) : factory.GetGrain<IDataSetGrain>(key);

}
