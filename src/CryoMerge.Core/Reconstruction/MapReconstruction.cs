using System.Diagnostics;
using CryoMerge.Core.Imaging;

namespace CryoMerge.Core.Reconstruction;

/// <summary>What to reconstruct, named after relion_reconstruct's options.</summary>
public sealed record ReconstructionRequest
{
    /// <summary>Particles STAR file with angles, origins and CTF (--i).</summary>
    public required string Input { get; init; }

    /// <summary>Output map (--o).</summary>
    public required string Output { get; init; }

    /// <summary>CTF correction (--ctf).</summary>
    public bool Ctf { get; init; }

    /// <summary>Which rows (--subset, --class, optics groups).</summary>
    public ParticleSelection Selection { get; init; } = ParticleSelection.All;

    /// <summary>Pixel size of the map (--angpix); default the first optics group's.</summary>
    public double? PixelSize { get; init; }

    /// <summary>Highest resolution used, in Angstrom (--maxres); default Nyquist.</summary>
    public double? MaxResolution { get; init; }

    /// <summary>Fourier padding (--pad).</summary>
    public double Padding { get; init; } = ReconstructionGrid.DefaultPadding;

    /// <summary>Gridding iterations and threads of the final step.</summary>
    public SolverOptions Solver { get; init; } = new();

    /// <summary>Threads for everything; 0 = every core.</summary>
    public int Threads { get; init; }
}

/// <summary>What a reconstruction did.</summary>
/// <param name="Particles">Particle images back-projected.</param>
/// <param name="BackProjectionSeconds">Wall time of reading and back-projecting the images.</param>
/// <param name="SolveSeconds">Wall time of the final step (gridding weights, transform, corrections).</param>
public sealed record ReconstructionResult(string Output, long Particles, ReconstructionGrid Grid,
    double BackProjectionSeconds,
    double SolveSeconds, IReadOnlyList<string> Warnings);

/// <summary>
/// relion_reconstruct in one call: read the particles, keep the selected rows, back-project them into a padded grid
/// for a map as large as the first image (pixel size of the first optics group unless given), solve and write the
/// map atomically.
/// </summary>
public static class MapReconstruction
{
    public static ReconstructionResult Run(IFftBackend fft, ReconstructionRequest request, Action<long,
        long>? progress = null,
        CancellationToken cancel = default)
    {
        OutputFiles.EnsureNotInput(request.Output, request.Input);
        var warnings = new List<string>();
        var set = ParticleSet.Read(request.Input, warnings);
        if (set.Particles.Count == 0) throw new CryoMergeInputException(request.Input, "has no particles");
        var particles = set.Select(request.Selection);
        if (particles.Count == 0)
            throw new CryoMergeInputException(request.Input,
                "no particle matches the selection (--subset, --class, optics groups)");
        var grid = Grid(set, request);
        int threads = request.Threads;
        var watch = Stopwatch.StartNew();
        var sums = ParticleBackProjection.Run(fft, set, particles, grid, new BackProjectionOptions { Ctf = request.Ctf,
            Threads = threads },
            done => progress?.Invoke(done, particles.Count), cancel);
        double backProjection = watch.Elapsed.TotalSeconds;
        watch.Restart();
        int solverThreads = request.Solver.Threads > 0 ? request.Solver.Threads : threads;
        var map = ReconstructionSolver.Solve(fft, sums, request.Solver with { Threads = solverThreads });
        sums = null;
        ReconstructionSolver.WriteMap(request.Output, map, grid.PixelSize);
        return new ReconstructionResult(request.Output, particles.Count, grid, backProjection,
            watch.Elapsed.TotalSeconds, warnings);
    }

    /// <summary>The grid relion_reconstruct would use for this file: the first image's box, the first optics group's
    /// pixel.</summary>
    public static ReconstructionGrid Grid(ParticleSet set, ReconstructionRequest request) =>
        ReconstructionGrid.For(set.Particles[0].ImageSize, request.PixelSize ?? set.Optics[0].PixelSize,
        request.MaxResolution,
            request.Padding);
}
