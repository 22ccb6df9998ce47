using CryoMerge.Core.Formats;
using CryoMerge.Core.Imaging;

namespace CryoMerge.Core.Simulation;

/// <summary>What a simulation wrote, with paths relative to its folder where RELION would see them.</summary>
public sealed record SimulationSummary(
    string Directory,
    string MicrographsStar,
    string ParticlesStar,
    string TruthJson,
    string? TruthMap,
    IReadOnlyList<SimulatedMicrograph> Micrographs,
    int ParticleCount,
    double SpecimenDiameter);

/// <summary>
/// A whole synthetic data set in one folder, as a RELION project would hold it (run RELION from that folder):
/// <c>Micrographs/micNNNNNN.mrc</c> (header at the nominal pixel size), per-micrograph coordinate files
/// <c>Micrographs/micNNNNNN_coords.star</c> (for relion_preprocess --coord_dir ./ --coord_suffix _coords.star),
/// <c>micrographs_ctf.star</c> (optics table and the CTF a fit at the nominal pixel size reports),
/// <c>particles_truth.star</c> (true coordinates, angles and sub-pixel origins, CTF as fitted, random halves) and
/// <c>truth.json</c> (true and nominal pixel sizes, seed, true CTF and every particle).
/// </summary>
public static class SimulatedDataSet
{
    public const string MicrographsStarName = "micrographs_ctf.star";
    public const string ParticlesStarName = "particles_truth.star";
    public const string TruthJsonName = "truth.json";
    public const string TruthMapName = "map_truth.mrc";
    public const string CoordinateSuffix = "_coords.star";

    /// <summary>
    /// Simulates every micrograph (in parallel on <paramref name="threads"/> threads, one micrograph per thread so
    /// memory stays at a few micrographs) and writes the STAR and truth files, streaming: each micrograph's plan is
    /// drawn from its own random stream whenever it is needed, so memory does not grow with the number of particles.
    /// <paramref name="truthMap"/>, when given, is rendered at the true pixel size in a box of
    /// <see cref="SimulationSettings.Box"/> and written too. Settings that cannot be simulated (more particles than
    /// fit) fail before any file is written.
    /// </summary>
    public static SimulationSummary Write(IFftBackend fft, IProjectionSource source, string sourceDescription,
        SimulationSettings settings,
        string directory, int threads = 0, Phantom? truthMap = null, Action<SimulatedMicrograph>? progress = null,
        CancellationToken cancel = default)
    {
        settings.Validate();
        if (threads <= 0) threads = Environment.ProcessorCount;
        double minDistance = SimulationPlanner.MinimumDistance(settings, source.Diameter);
        int count = settings.Micrographs;
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = threads, CancellationToken = cancel };
        // Placing the particles is cheap next to rendering them: do it once up front so that an impossible request
        // fails with nothing written.
        long particles = 0;
        foreach (var plan in SimulationPlanner.Plans(settings, source.Diameter))
        {
            cancel.ThrowIfCancellationRequested();
            particles += plan.Particles.Count;
        }
        Directory.CreateDirectory(Path.Combine(directory, "Micrographs"));
        var results = new SimulatedMicrograph[count];
        int fftThreads = Math.Max(1, threads / Math.Min(threads, count));
        Parallel.For(0, count, parallel, i =>
        {
            var plan = SimulationPlanner.PlanMicrograph(settings, i + 1, minDistance);
            results[i] = MicrographSimulator.Simulate(fft, source, settings, plan, Path.Combine(directory, plan.Name),
                fftThreads);
            WriteCoordinates(plan, Path.Combine(directory, CoordinateFileName(plan.Name)));
            progress?.Invoke(results[i]);
        });

        var plans = SimulationPlanner.Plans(settings, source.Diameter);
        string micrographsStar = Path.Combine(directory, MicrographsStarName);
        SimulationStarFiles.WriteMicrographs(micrographsStar, settings, plans);
        string particlesStar = Path.Combine(directory, ParticlesStarName);
        SimulationStarFiles.WriteParticles(particlesStar, settings, plans);
        string? mapPath = null;
        if (truthMap is not null)
        {
            mapPath = Path.Combine(directory, TruthMapName);
            var map = truthMap.Render(settings.Box, settings.TruePixelSize);
            MrcWriter.WriteFile(mapPath, map.Shape, map.Data,
                new MrcWriteOptions { PixelSize = Vector3d.All(settings.TruePixelSize) });
        }
        string truthJson = Path.Combine(directory, TruthJsonName);
        SimulationTruth.Write(truthJson, settings, sourceDescription, source.Diameter, plans, results);
        return new SimulationSummary(directory, micrographsStar, particlesStar, truthJson, mapPath, results,
            (int)particles, source.Diameter);
    }

    /// <summary>"Micrographs/mic000001.mrc" -> "Micrographs/mic000001_coords.star".</summary>
    public static string CoordinateFileName(string micrographName) =>
        Path.ChangeExtension(micrographName, null) + CoordinateSuffix;

    private static void WriteCoordinates(MicrographPlan plan, string path)
    {
        var table = new StarTable();
        table.AddColumn(RelionLabels.CoordinateX, "");
        table.AddColumn(RelionLabels.CoordinateY, "");
        foreach (var p in plan.Particles) table.AddRow(StarValues.FormatDouble(p.X), StarValues.FormatDouble(p.Y));
        var file = new StarFile();
        file.AddTableBlock("", table, 30001);
        file.Write(path);
    }
}
