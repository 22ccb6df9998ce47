using System.Diagnostics;
using System.Globalization;
using CryoMerge.Core.Analysis;
using CryoMerge.Core.Extraction;
using CryoMerge.Core.Formats;
using CryoMerge.Core.Imaging;
using CryoMerge.Core.Simulation;

namespace CryoMerge.Bench;

/// <summary>
/// A map from the same particles (simulated micrographs, extracted with their true angles, origins and fitted CTF)
/// by <c>cryomerge reconstruct --ctf</c> (as deploy/build.sh publishes it, every core), and relion_reconstruct --ctf
/// (one thread: it has no thread option) and relion_reconstruct_mpi (one rank per core) in the same run; wall and CPU
/// time (GNU time's user + system, which includes the MPI ranks) of each, and how closely the maps agree.
/// </summary>
internal static class ReconstructBench
{
    public sealed record Size(int Particles, int Box)
    {
        public override string ToString() => $"{Particles} particles of {Box} px";
    }

    public static readonly Size Default = new(5000, 128);

    public static Size Parse(string[] args) => new(
        args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : Default.Particles,
        args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : Default.Box);

    public static void Run(Size size, string workDirectory, TextWriter report)
    {
        int cores = Environment.ProcessorCount;
        string dir = Path.Combine(workDirectory, $"reconstruct-{size.Particles}x{size.Box}");
        string star = Prepare(size, dir);
        string cryomerge = Published.Cryomerge(workDirectory);
        report.WriteLine($"## reconstruct: {size} at 1 A/px with CTF, {cores} cores (load average before: {LoadAverage()})");
        report.WriteLine();
        string[] common = ["--i", star, "--ctf"];
        // Ours as users run it, best of two; RELION once each (minutes at 128 px).
        var ours = Best(2, () => Timed(cryomerge, ["reconstruct", .. common, "--o", Path.Combine(dir, "ours.mrc")], dir));
        var oursRelionGrid = Timed(cryomerge, ["reconstruct", .. common, "--relion-grid", "--o", Path.Combine(dir, "ours-relion-grid.mrc")], dir);
        var relion = Timed("relion_reconstruct", [.. common, "--o", Path.Combine(dir, "relion.mrc")], dir);
        Timing? mpi = null;
        if (File.Exists("/usr/bin/mpirun") && File.Exists("/usr/bin/relion_reconstruct_mpi"))
            mpi = Timed("mpirun", ["--allow-run-as-root", "--oversubscribe", "-np", cores.ToString(CultureInfo.InvariantCulture), "relion_reconstruct_mpi", .. common,
                "--o", Path.Combine(dir, "relion-mpi.mrc")], dir);

        report.WriteLine("| program | wall (s) | CPU (s) | peak MiB | particles / s | wall ratio (ours / RELION) | FSC with relion_reconstruct's map, min to 0.9 Nyquist |");
        report.WriteLine("|---|---:|---:|---:|---:|---:|---:|");
        Row(report, $"cryomerge reconstruct ({cores} threads)", ours, size, ours.Wall / relion.Wall, Agreement(dir, "ours.mrc"));
        Row(report, $"cryomerge reconstruct --relion-grid ({cores} threads)", oursRelionGrid, size, oursRelionGrid.Wall / relion.Wall, Agreement(dir, "ours-relion-grid.mrc"));
        Row(report, "relion_reconstruct (1 thread)", relion, size, null, null);
        if (mpi is not null)
            Row(report, $"mpirun -np {cores} relion_reconstruct_mpi", mpi, size, ours.Wall / mpi.Wall, Agreement(dir, "relion-mpi.mrc"));
        report.WriteLine();
        string versusMpi = mpi is null ? "." : string.Create(CultureInfo.InvariantCulture, $"; {ours.Wall / mpi.Wall:0.00} x relion_reconstruct_mpi's wall time.");
        report.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Goal: not slower than relion_reconstruct on one machine. cryomerge took {ours.Wall / relion.Wall:0.00} x RELION's wall time and {ours.Cpu / relion.Cpu:0.00} x its CPU time{versusMpi}"));
        report.WriteLine($"Each program is a fresh process (start-up and reading included). CPU time counts every thread and rank, so it is the fair comparison on a machine shared with other work; the wall time ratio also depends on the load. Particles are simulated once and kept in {dir}.");
        report.WriteLine();
        ShardedReconstructBench.Run(cryomerge, star, dir, size, ours, report);
    }

    /// <summary>Simulates micrographs with the phantom and extracts their particles with the true angles (once per size).</summary>
    private static string Prepare(Size size, string dir)
    {
        string star = Path.Combine(dir, "Extract", "particles.star");
        if (File.Exists(star)) return star;
        var fft = FftBackends.Create();
        const int perMicrograph = 100;
        var settings = new SimulationSettings
        {
            TruePixelSize = 1.0,
            NominalPixelSize = 1.0,
            Micrographs = (size.Particles + perMicrograph - 1) / perMicrograph,
            ParticlesPerMicrograph = perMicrograph,
            MicrographWidth = 2048,
            MicrographHeight = 2048,
            Box = size.Box,
            Snr = 0.05,
            Seed = 23,
            MinimumDistance = Math.Min(size.Box / 2.0, 100),
        };
        SimulatedDataSet.Write(fft, Phantom.Default, "phantom", settings, dir);
        var extraction = ExtractionSettings.Create(size.Box, null, null, null, null, true, true, true, new List<string>());
        var plan = ExtractionPlanner.Plan(Path.Combine(dir, SimulatedDataSet.MicrographsStarName),
            new CoordinateSource.StarFileSource(Path.Combine(dir, SimulatedDataSet.ParticlesStarName)), extraction, Path.Combine(dir, "Extract"));
        ParticleExtraction.Run(fft, plan);
        return star;
    }

    /// <summary>Wall time, CPU time (user + system of the process and its children) and peak resident memory.</summary>
    internal sealed record Timing(double Wall, double Cpu, double PeakMiB);

    internal static Timing Timed(string program, IReadOnlyList<string> arguments, string workingDirectory)
    {
        var start = new ProcessStartInfo("/usr/bin/time") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = workingDirectory };
        foreach (var a in (string[])["-f", "cryomerge-bench-time %e %U %S %M", program, .. arguments]) start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        string stderr = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0) throw new InvalidOperationException($"{program} failed ({process.ExitCode}): {stderr}{stdout.Result}");
        var line = stderr.Split('\n').Last(l => l.StartsWith("cryomerge-bench-time ", StringComparison.Ordinal)).Split(' ');
        double Value(int i) => double.Parse(line[i], CultureInfo.InvariantCulture);
        return new Timing(Value(1), Value(2) + Value(3), Value(4) / 1024);
    }

    private static Timing Best(int repeats, Func<Timing> run)
    {
        Timing? best = null;
        for (int r = 0; r < repeats; r++)
        {
            var t = run();
            if (best is null || t.Wall < best.Wall) best = t;
        }
        return best!;
    }

    /// <summary>Smallest FSC between a map and relion_reconstruct's, over the shells up to 0.9 Nyquist.</summary>
    private static double Agreement(string dir, string map)
    {
        using var a = MrcFile.Open(Path.Combine(dir, "relion.mrc"));
        using var b = MrcFile.Open(Path.Combine(dir, map));
        var fsc = FourierShellCorrelation.Relion(FftBackends.Create(), new Grid(a.Shape, a.ReadAll()), new Grid(b.Shape, b.ReadAll()), a.PixelSize.X);
        int last = (int)(0.9 * a.Shape.X / 2);
        return fsc.Fsc.Skip(1).Take(last).Min();
    }

    private static void Row(TextWriter report, string program, Timing t, Size size, double? ratio, double? agreement) =>
        report.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| {program} | {t.Wall:F1} | {t.Cpu:F1} | {t.PeakMiB:F0} | {size.Particles / t.Wall:F0} | {(ratio is { } r ? r.ToString("0.00", CultureInfo.InvariantCulture) : "")} | {(agreement is { } f ? f.ToString("0.0000", CultureInfo.InvariantCulture) : "")} |"));

    internal static string LoadAverage()
    {
        try { return string.Join(" ", File.ReadAllText("/proc/loadavg").Split(' ').Take(3)); }
        catch (IOException) { return "unknown"; }
    }
}
