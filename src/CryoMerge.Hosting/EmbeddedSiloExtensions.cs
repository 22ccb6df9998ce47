using Orleans.Configuration;

namespace CryoMerge.Hosting;

/// <summary>
/// How the embedded silo of 'merge' and 'demo' differs from a cluster's: it is alone, every grain is local, and it
/// lives for one job, so its start and its garbage collections are part of what the user waits for.
/// </summary>
public static class EmbeddedSiloExtensions
{
    /// <summary>Grains whose directory entries the embedded silo caches. Orleans' default of a million preallocates
    /// two 4.6 MB arrays of references that every full garbage collection then scans (a merge does dozens, one per
    /// few large images); a lone silo looks up only its own grains.</summary>
    public const int DirectoryCacheSize = 10_000;

    public static ISiloBuilder UseCryoMergeEmbeddedTuning(this ISiloBuilder silo)
    {
        silo.Configure<GrainDirectoryOptions>(o => o.CacheSize = DirectoryCacheSize);
        return silo;
    }
}
