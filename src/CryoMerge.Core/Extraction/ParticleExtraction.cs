using CryoMerge.Core.Imaging;

namespace CryoMerge.Core.Extraction;

/// <summary>Runs a whole <see cref="ExtractionPlan"/> on this machine and writes its STAR file.</summary>
public static class ParticleExtraction
{
    /// <summary>
    /// Extracts every micrograph, <paramref name="threads"/> at a time (one micrograph per thread, each with its
    /// own buffers, so memory stays at a few micrographs), then writes DIR/particles.star atomically. A plan from a
    /// coordinate STAR file writes its coordinate index first, reads each micrograph's particles from it and deletes
    /// it at the end, so memory does not grow with the particles. Stacks are
    /// written atomically one by one; the STAR file appears only when all are complete. The outputs are claimed
    /// first (<see cref="OutputRecord"/>: an existing file cryomerge did not write there is replaced only with
    /// <paramref name="overwrite"/>), and a failure removes the stacks this run created.
    /// </summary>
    public static IReadOnlyList<MicrographExtractionResult> Run(IFftBackend fft, ExtractionPlan plan, int threads = 0,
        Action<MicrographExtractionResult>? progress = null, CancellationToken cancel = default, bool overwrite = false)
    {
        var claim = OutputRecord.Claim(plan.OutputDirectory, plan.OutputPaths, overwrite);
        return claim.Guard(() => RunClaimed(fft, plan, threads, progress, cancel));
    }

    private static IReadOnlyList<MicrographExtractionResult> RunClaimed(IFftBackend fft, ExtractionPlan plan,
        int threads,
        Action<MicrographExtractionResult>? progress, CancellationToken cancel)
    {
        if (threads <= 0) threads = Environment.ProcessorCount;
        var results = new MicrographExtractionResult[plan.Items.Count];
        var processors = new ThreadLocal<ParticleProcessor>(() => new ParticleProcessor(fft, plan.Settings));
        try
        {
            plan.Prepare();
            foreach (var dir in plan.Items.Select(i => Path.GetDirectoryName(Path.GetFullPath(i.StackPath))).Distinct())
                if (dir is not null) Directory.CreateDirectory(dir);
            Parallel.For(0, plan.Items.Count, new ParallelOptions { MaxDegreeOfParallelism = threads,
                CancellationToken = cancel }, i =>
            {
                results[i] = MicrographExtractor.Extract(fft, plan.Item(i), plan.Settings, processors.Value);
                progress?.Invoke(results[i]);
            });
            plan.WriteStar();
        }
        catch (AggregateException e)
        {
            ParallelFailures.Rethrow(e);
        }
        finally
        {
            processors.Dispose();
            plan.Finish();
        }
        return results;
    }
}
