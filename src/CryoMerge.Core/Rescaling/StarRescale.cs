using System.Runtime.ExceptionServices;
using CryoMerge.Core.Imaging;

namespace CryoMerge.Core.Rescaling;

/// <summary>
/// Runs a <see cref="StarRescalePlan"/> on this machine: independent files in parallel (each with its share of
/// the cores), then the new STAR file. A distributed coordinator does the same with the items spread over
/// workers. The outputs are claimed first (<see cref="OutputRecord"/>: an existing file that cryomerge did not write
/// into the folder is replaced only with --overwrite); on failure or cancellation the files this run created are
/// removed again and no STAR file is written.
/// </summary>
public static class StarRescale
{
    /// <param name="threads">Cores to use in all; 0 = all.</param>
    /// <param name="fileDone">Called (from worker threads) after each file is written.</param>
    /// <param name="overwrite">Replace existing files that cryomerge did not write into the output folder.</param>
    public static StarRescaleSummary Run(StarRescalePlan plan, IFftBackend fft, int threads = 0,
        CancellationToken cancellationToken = default, Action<RescaleResult>? fileDone = null, bool overwrite = false)
    {
        var outputs = plan.Items.Select(i => i.Output).Append(plan.OutputStar);
        var claim = OutputRecord.Claim(plan.OutputFolder, outputs, overwrite);
        return claim.Guard(() => RunClaimed(plan, fft, threads, cancellationToken, fileDone));
    }

    private static StarRescaleSummary RunClaimed(StarRescalePlan plan, IFftBackend fft, int threads,
        CancellationToken cancellationToken, Action<RescaleResult>? fileDone)
    {
        int cores = threads > 0 ? threads : Environment.ProcessorCount;
        int parallelFiles = Math.Min(cores, plan.Items.Count);
        int perFile = Math.Max(1, cores / parallelFiles);
        var results = new RescaleResult[plan.Items.Count];
        var options = new ParallelOptions { MaxDegreeOfParallelism = parallelFiles,
            CancellationToken = cancellationToken };
        try
        {
            Parallel.For(0, plan.Items.Count, options, i =>
            {
                var item = plan.Items[i];
                var fileOptions = plan.OptionsFor(item) with { Threads = perFile,
                    MaxImagesInFlight = plan.Options.MaxImagesInFlight ?? perFile };
                results[i] = MrcRescale.Rescale(item.Input, item.Output, fileOptions, fft, cancellationToken);
                fileDone?.Invoke(results[i]);
            });
        }
        catch (AggregateException e)
        {
            cancellationToken.ThrowIfCancellationRequested();
            ExceptionDispatchInfo.Capture(e.InnerExceptions.FirstOrDefault(x => x is not OperationCanceledException)
                ?? e.InnerExceptions[0]).Throw();
        }
        cancellationToken.ThrowIfCancellationRequested();
        return StarRescaleWriter.Write(plan, results);
    }
}
