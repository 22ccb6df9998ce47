using CryoMerge.Core.Imaging;
using CryoMerge.Plots;
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

    /// <summary>
    /// Work the job will need that does not need the silo, started on another thread while the silo starts (the start
    /// keeps one core busy and leaves the other idle): the FFT library (loaded, its backend made) and the plotting
    /// library (SkiaSharp and its fonts, about 0.1 s before the first plot). A failure here is left for the job's
    /// own use of the library to report.
    /// </summary>
    public static void Prewarm(IServiceProvider services) => _ = Task.Run(() =>
    {
        try
        {
            services.GetService(typeof(IFftBackend));
            ScottPlotRenderer.Warm();
            TimingMarks.Mark("embedded silo: FFT and plotting libraries loaded");
        }
        catch (Exception) { }
    });

    public static ISiloBuilder UseCryoMergeEmbeddedTuning(this ISiloBuilder silo)
    {
        silo.Configure<GrainDirectoryOptions>(o => o.CacheSize = DirectoryCacheSize);
        return silo;
    }
}
