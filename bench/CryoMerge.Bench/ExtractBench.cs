using System.Globalization;
using CryoMerge.Core.Extraction;
using CryoMerge.Core.Imaging;
using CryoMerge.Core.Simulation;

namespace CryoMerge.Bench;

/// <summary>
/// Particle extraction + rescale + window + normalise + invert on the same simulated micrographs, ours (a child
/// process on every core) against relion_preprocess (one process) and relion_preprocess_mpi (one rank per core) in
/// the same run; peak memory is each process's high-water mark (summed over the MPI ranks).
/// Full size (the issue's): 20 micrographs of 4096 x 4096 with 200 particles each, 560 -> 440 -> 420.
/// </summary>
internal static class ExtractBench
{
    public sealed record Size(int Micrographs, int MicrographSize, int Particles, int Box, int Scale, int Window);

    public static readonly Size Full = new(20, 4096, 200, 560, 440, 420);

    public static Size Parse(string[] args)
    {
        int Arg(int i, int fallback) => args.Length > i ? int.Parse(args[i], CultureInfo.InvariantCulture) : fallback;
        return new Size(Arg(1, Full.Micrographs), Arg(2, Full.MicrographSize), Arg(3, Full.Particles), Arg(4, Full.Box), Arg(5, Full.Scale), Arg(6, Full.Window));
    }

    public static void Run(Size size, string workDirectory, TextWriter report)
    {
        var fft = FftBackends.Create();
        int cores = Environment.ProcessorCount;
        string dir = Path.Combine(workDirectory, $"extract_{size.Micrographs}x{size.MicrographSize}_{size.Particles}_{size.Box}");
        var settings = new SimulationSettings
        {
            TruePixelSize = 0.88,
            NominalPixelSize = 0.88,
            Micrographs = size.Micrographs,
            ParticlesPerMicrograph = size.Particles,
            MicrographWidth = size.MicrographSize,
            MicrographHeight = size.MicrographSize,
            Box = size.Box,
            Snr = 0.05,
            Seed = 2019,
            MinimumDistance = Math.Min(size.Box / 2.0, 100 / 0.88),
        };
        if (!File.Exists(Path.Combine(dir, SimulatedDataSet.TruthJsonName)))
            SimulatedDataSet.Write(fft, Phantom.Default, "phantom", settings, dir);
        int total = size.Micrographs * size.Particles;
        // The paper's background: diameter 0.75 x 420 x 1.120 / 0.880 = 400 px before scaling, i.e. 0.95 x window x box / scale.
        double diameter = 0.75 * size.Window * size.Box / size.Scale;
        var warnings = new List<string>();
        var extraction = ExtractionSettings.Create(size.Box, size.Scale, size.Window, diameter, null, true, true, true, warnings);
        string radius = extraction.BackgroundRadius.ToString(CultureInfo.InvariantCulture);
        report.WriteLine($"## Extraction: {size.Micrographs} micrographs of {size.MicrographSize} x {size.MicrographSize}, {total} particles, " +
                         $"{size.Box} -> {size.Scale} -> {size.Window}, normalise (radius {radius}) and invert, {cores} cores");
        report.WriteLine();

        // Ours runs in its own process, like RELION, so that start-up is counted alike and the peak memory is the
        // extraction's alone (not the simulation's that came before in this process).
        string self = typeof(ExtractBench).Assembly.Location;
        var ours = Measure.External("dotnet", [self, "extract-run", dir, I(size.Box), I(size.Scale), I(size.Window), radius, I(cores)], repeats: 2);

        string[] relionArgs(string output) =>
        [
            "--i", SimulatedDataSet.MicrographsStarName, "--coord_dir", "./", "--coord_suffix", SimulatedDataSet.CoordinateSuffix,
            "--part_dir", output + "/", "--part_star", output + "/particles.star", "--extract", "--extract_size", I(size.Box),
            "--scale", I(size.Scale), "--window", I(size.Window), "--norm", "--bg_radius", radius, "--invert_contrast",
        ];
        var serial = Measure.External("relion_preprocess", relionArgs("Relion"), repeats: 1, workingDirectory: dir);
        Measure.Run? mpi = null;
        if (File.Exists("/usr/bin/mpirun") && File.Exists("/usr/bin/relion_preprocess_mpi"))
            mpi = Measure.External("mpirun", ["--allow-run-as-root", "--oversubscribe", "-np", I(cores), "relion_preprocess_mpi", .. relionArgs("RelionMpi")],
                repeats: 1, workingDirectory: dir, processTree: true);

        report.WriteLine("| program | seconds | particles / s | peak MiB | ratio (ours / RELION) |");
        report.WriteLine("|---|---:|---:|---:|---:|");
        report.WriteLine($"| CryoMerge extraction ({cores} threads) | {ours.Seconds:F2} | {total / ours.Seconds:F0} | {ours.PeakMiB:F0} | |");
        report.WriteLine($"| relion_preprocess | {serial.Seconds:F2} | {total / serial.Seconds:F0} | {serial.PeakMiB:F0} | {ours.Seconds / serial.Seconds:F3} |");
        if (mpi is not null)
            report.WriteLine($"| relion_preprocess_mpi -np {cores} | {mpi.Seconds:F2} | {total / mpi.Seconds:F0} | {mpi.PeakMiB:F0} | {ours.Seconds / mpi.Seconds:F3} |");
        report.WriteLine();
        report.WriteLine("Goal: ratio <= 1.0 against the faster RELION run. Micrographs are simulated once and kept in " + dir + ".");
        report.WriteLine();
    }

    /// <summary>The measured child: extract DIR's micrographs with its per-micrograph coordinate files into DIR/Ours.</summary>
    public static int RunChild(string[] args)
    {
        string dir = args[1];
        int Arg(int i) => int.Parse(args[i], CultureInfo.InvariantCulture);
        var settings = new ExtractionSettings { Box = Arg(2), Scale = Arg(3), Window = Arg(4), BackgroundRadius = Arg(5), Invert = true };
        var plan = ExtractionPlanner.Plan(Path.Combine(dir, SimulatedDataSet.MicrographsStarName),
            new CoordinateSource.PerMicrograph(dir + "/", SimulatedDataSet.CoordinateSuffix), settings, Path.Combine(dir, "Ours"));
        ParticleExtraction.Run(FftBackends.Create(), plan, Arg(6));
        return 0;
    }

    private static string I(int v) => v.ToString(CultureInfo.InvariantCulture);
}
