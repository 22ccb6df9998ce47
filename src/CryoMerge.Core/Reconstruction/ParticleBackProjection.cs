using CryoMerge.Core.Formats;
using CryoMerge.Core.Imaging;

namespace CryoMerge.Core.Reconstruction;

/// <summary>How particles are back-projected.</summary>
public sealed record BackProjectionOptions
{
    /// <summary>Multiply images by their CTF and sum CTF^2 as weights (relion_reconstruct --ctf).</summary>
    public bool Ctf { get; init; }

    /// <summary>Threads; 0 = every core.</summary>
    public int Threads { get; init; }
}

/// <summary>
/// Back-projects particle images into a <see cref="FourierAccumulator"/>: a whole data set, or one shard of it whose
/// partial sum is saved and added to the others later. Images are read and turned into central slices a batch at a
/// time (in parallel over images), then added (in parallel over Z slabs); memory is the grid plus one batch. The
/// sums do not depend on the number of threads.
/// </summary>
public static class ParticleBackProjection
{
    /// <summary>Back-projects <paramref name="particles"/> (rows of <paramref name="set"/>) into a new
    /// accumulator.</summary>
    public static FourierAccumulator Run(IFftBackend fft, ParticleSet set,
        IReadOnlyList<ReconstructionParticle> particles,
        ReconstructionGrid grid, BackProjectionOptions options, Action<long>? progress = null,
        CancellationToken cancel = default)
    {
        var sums = new FourierAccumulator(grid);
        Add(fft, set, particles, sums, options, progress, cancel);
        return sums;
    }

    /// <summary>Adds <paramref name="particles"/> to <paramref name="sums"/>, in list order.</summary>
    public static void Add(IFftBackend fft, ParticleSet set, IReadOnlyList<ReconstructionParticle> particles,
        FourierAccumulator sums, BackProjectionOptions options, Action<long>? progress = null,
        CancellationToken cancel = default)
    {
        int threads = options.Threads > 0 ? options.Threads : Environment.ProcessorCount;
        var projector = new FourierBackProjector(sums);
        int batch = BatchSize(particles, threads);
        var slices = new CentralSlice[batch];
        for (int s = 0; s < batch; s++) slices[s] = new CentralSlice();
        var preparers = new ThreadLocal<ParticleImagePreparer>(() => new ParticleImagePreparer());
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = threads, CancellationToken = cancel };
        try
        {
            for (int start = 0; start < particles.Count; start += batch)
            {
                cancel.ThrowIfCancellationRequested();
                int count = Math.Min(batch, particles.Count - start);
                var stacks = OpenStacks(particles, start, count);
                try
                {
                    Parallel.For(0, count, parallel, b =>
                    {
                        var p = particles[start + b];
                        preparers.Value!.Prepare(fft, stacks[p.Stack], p, set.Optics[p.Optics], sums.Grid, options.Ctf,
                            slices[b]);
                    });
                }
                finally
                {
                    foreach (var mrc in stacks.Values) mrc.Dispose();
                }
                projector.Insert(count == batch ? slices : slices[..count], threads);
                progress?.Invoke(start + count);
            }
        }
        catch (AggregateException e) when (e.InnerExceptions.Count > 0
            && e.InnerException is CryoMergeInputException input)
        {
            throw input;
        }
        finally
        {
            preparers.Dispose();
        }
    }

    /// <summary>Memory for the central slices of one batch; the batch holds at least one image per thread.</summary>
    private const long BatchBytes = 256L << 20;

    /// <summary>Eight images per thread (fewer barriers between reading and adding), within <see
    /// cref="BatchBytes"/>.</summary>
    private static int BatchSize(IReadOnlyList<ReconstructionParticle> particles, int threads)
    {
        int largest = particles.Count == 0 ? 2 : particles.Max(p => p.ImageSize);
        long perSlice = (long)(largest / 2 + 1) * largest * CentralSlice.BytesPerComponent;
        int byMemory = (int)Math.Max(1, BatchBytes / perSlice);
        return Math.Max(1, Math.Min(particles.Count, Math.Max(threads, Math.Min(8 * threads, byMemory))));
    }

    private static Dictionary<string, MrcFile> OpenStacks(IReadOnlyList<ReconstructionParticle> particles,
        int start, int count)
    {
        var stacks = new Dictionary<string, MrcFile>(StringComparer.Ordinal);
        try
        {
            for (int i = start; i < start + count; i++)
                if (!stacks.ContainsKey(particles[i].Stack))
                    stacks[particles[i].Stack] = MrcFile.Open(particles[i].Stack,
                        MrcReadOptions.Permissive with { ForceStack = true });
        }
        catch
        {
            foreach (var mrc in stacks.Values) mrc.Dispose();
            throw;
        }
        return stacks;
    }
}
