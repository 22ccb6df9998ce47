using System.Diagnostics;
using System.Globalization;

namespace CryoMerge.Bench;

/// <summary>
/// Orleans' cost per job at facility scale: the scale bench's simulated plan through Core (LocalMergeRunner) and as a
/// job on an embedded silo that is already running, in one process (the CryoMerge.Bench.Warm child, published like
/// the image), alternately, best of N each; and whether both wrote the same bytes. The silo is warmed up on the 10^4
/// plan (the same shape: the same stages, kinds of item, boxes and FFT sizes), so that a 10^6 job is not paid twice.
/// </summary>
internal static class ScaleWarmBench
{
    /// <summary>The plan every size warms up on: 10^4 particles.</summary>
    public const long WarmUpParticles = 10_000;

    /// <summary>Goal: a job on a running silo costs less than this much more than Core.</summary>
    private const double Goal = 0.10;

    /// <summary>One size: best wall and best CPU seconds of each runner, and the child's identity line.</summary>
    public sealed record Result(long Particles, int Repeats, double SiloStart, double CoreWall, double CoreCpu,
        double SiloWall, double SiloCpu, string Identical, double PairedWallCost, double PairedCpuCost)
    {
        public double CpuCost => SiloCpu / CoreCpu - 1;

        public double WallCost => SiloWall / CoreWall - 1;
    }

    /// <summary>Runs of each at a size: three up to 10^5 particles, one above (10^6 costs minutes of CPU).</summary>
    public static int DefaultRepeats(long particles) => particles > 100_000 ? 1 : 3;

    public static Result Run(string warm, string dir, string plan, string warmUpDir, string warmUpPlan,
        long particles, int repeats, TextWriter report)
    {
        string state = Path.Combine(dir, "state-warm");
        if (Directory.Exists(state)) Directory.Delete(state, recursive: true);
        var lines = new List<string[]>();
        // Streamed into the report as comments: a 10^6 run takes many minutes.
        // One plan, one output folder for both runners (each run's output is hashed and deleted before the next):
        // the STAR files name their stacks by a path that begins with the output folder.
        string measured = ScaleBench.PlanFor(dir, plan, "warm");
        string warmUp = ScaleBench.PlanFor(warmUpDir, warmUpPlan, "warm-up");
        Child(warm, [measured, measured, state, I(repeats), warmUp, warmUp], line =>
        {
            report.WriteLine($"<!-- {particles:N0} particles, warm child: {line} -->");
            report.Flush();
            lines.Add(line.Split(' '));
        });
        Directory.Delete(state, recursive: true);
        double Best(string name, int field) =>
            lines.Where(l => l[0] == name).Min(l => double.Parse(l[field], CultureInfo.InvariantCulture));
        string identical = string.Join(' ', lines.Single(l => l[0] == "identical"));
        return new Result(particles, repeats, Best("silo-start", 1), Best("core", 1), Best("core", 2),
            Best("silo", 1), Best("silo", 2), identical, PairedCost(lines, 1), PairedCost(lines, 2));
    }

    /// <summary>
    /// The median over rounds of silo / Core - 1 (field 1 wall, 2 CPU), each round's silo run against the same
    /// round's Core run: on a shared machine two runs minutes apart can differ by more than the cost measured, and a
    /// round's pair ran back to back.
    /// </summary>
    private static double PairedCost(List<string[]> lines, int field)
    {
        double[] Of(string name) => lines.Where(l => l[0] == name)
            .Select(l => double.Parse(l[field], CultureInfo.InvariantCulture)).ToArray();
        var core = Of("core");
        var costs = Of("silo").Zip(core, (silo, c) => silo / c - 1).Order().ToArray();
        int n = costs.Length;
        return n % 2 == 1 ? costs[n / 2] : (costs[n / 2 - 1] + costs[n / 2]) / 2;
    }

    public static void Print(IReadOnlyList<Result> results, TextWriter report)
    {
        report.WriteLine("Per job on a running silo (one process: Core's LocalMergeRunner and a job on an embedded " +
            $"silo started and warmed up beforehand on the {WarmUpParticles:N0}-particle plan; alternately, the " +
            "silo first in odd rounds, the inputs read once before the first timed run; best wall and best CPU of " +
            "N runs each, and the median over the N rounds of each round's silo run against its Core run; CPU = " +
            "user + system of the process):");
        report.WriteLine();
        report.WriteLine("| particles | N | Core wall (s) | silo wall (s) | Orleans' cost, wall (best; median of " +
            "rounds) | Core CPU (s) | silo CPU (s) | Orleans' cost, CPU (best; median of rounds) | outputs |");
        report.WriteLine("|---|---|---|---|---|---|---|---|---|");
        foreach (var r in results)
            report.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {r.Particles:N0} | {r.Repeats} | {r.CoreWall:F2} | {r.SiloWall:F2} | {100 * r.WallCost:F1} %; " +
                $"{100 * r.PairedWallCost:F1} % | {r.CoreCpu:F2} | {r.SiloCpu:F2} | {100 * r.CpuCost:F1} %; " +
                $"{100 * r.PairedCpuCost:F1} % | {r.Identical} |"));
        report.WriteLine();
        foreach (var r in results)
            report.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"- Orleans' cost per job on a running silo below 10 % of Core at {r.Particles:N0} particles: " +
                $"{100 * r.CpuCost:F1} % of the CPU ({r.SiloCpu:F2} s against {r.CoreCpu:F2} s), " +
                $"{100 * r.WallCost:F1} % of the wall time ({r.SiloWall:F2} s against {r.CoreWall:F2} s), best of " +
                $"{r.Repeats}; median of the rounds {100 * r.PairedCpuCost:F1} % of the CPU, " +
                $"{100 * r.PairedWallCost:F1} % of the wall time: CPU {Verdict(r.CpuCost, r.PairedCpuCost)}, wall " +
                $"time {Verdict(r.WallCost, r.PairedWallCost)}; " +
                $"outputs {(r.Identical.StartsWith("identical yes", StringComparison.Ordinal)
                    ? "byte-identical" : "DIFFER")}"));
    }

    /// <summary>"met" when both the best-of and the paired figure are under the goal, "NOT met" when neither
    /// is.</summary>
    private static string Verdict(double best, double paired) => (best < Goal, paired < Goal) switch
    {
        (true, true) => "met",
        (false, false) => "NOT met",
        (true, false) => "met by the best runs, not by the median of the rounds",
        (false, true) => "met by the median of the rounds, not by the best runs",
    };

    /// <summary>Runs the child, handing each line of its standard output to <paramref name="line"/>.</summary>
    private static void Child(string program, IReadOnlyList<string> arguments, Action<string> line)
    {
        var start = new ProcessStartInfo(program)
        {
            UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true,
        };
        foreach (var a in arguments) start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        while (process.StandardOutput.ReadLine() is string text)
            if (text.Length > 0) line(text);
        process.WaitForExit();
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"{program} failed ({process.ExitCode}): {stderr.Result}");
    }

    private static string I(long v) => v.ToString(CultureInfo.InvariantCulture);
}
