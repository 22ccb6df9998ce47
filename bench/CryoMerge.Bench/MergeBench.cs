using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using CryoMerge.Core.Imaging;
using CryoMerge.Core.Merging;
using CryoMerge.Core.Merging.Pipeline;
using CryoMerge.Core.Merging.Stages;
using CryoMerge.Core.Simulation;
using CryoMerge.Plots;

namespace CryoMerge.Bench;

/// <summary>
/// One method 2 merge of the demo's simulated data three ways, each in its own process so that all pay the same
/// start-up: straight through Core (<see cref="LocalMergeRunner"/>, no Orleans), <c>cryomerge merge</c> on its embedded
/// silo, and <c>cryomerge merge --cluster</c> on two <c>cryomerge serve</c> silos over a local redis-server. Both
/// programs are published the way the image is (self-contained, composite ReadyToRun), so that neither pays for the JIT more than the other.
/// </summary>
internal static class MergeBench
{
    /// <summary>A merge size: micrographs per data set, their edge in pixels, particles on each.</summary>
    public sealed record Size(int Micrographs, int MicrographSize, int Particles)
    {
        public override string ToString() => $"{Micrographs} micrographs of {MicrographSize}^2 with {Particles} particles each per data set";
    }

    /// <summary>The default sizes: the demo's small micrographs, then micrographs of a real detector's size.</summary>
    public static readonly Size[] DefaultSizes = [new(40, 1024, 30), new(40, 4096, 300), new(160, 4096, 300)];

    public static void Run(IReadOnlyList<Size> sizes, string workDirectory, TextWriter report)
    {
        string cryomerge = Published.Cryomerge(workDirectory), local = Published.Bench(workDirectory), warm = Published.Warm(workDirectory);
        report.WriteLine("## merge: method 2, demo data (DS2's pixel size fitted from the maps), Core against Orleans");
        report.WriteLine();
        report.WriteLine($"Extraction batching: {(Environment.GetEnvironmentVariable("CRYOMERGE_EXTRACT_BATCHING") is "off" ? "off (CRYOMERGE_EXTRACT_BATCHING=off: one work item per micrograph)" : "on (small micrographs share a work item)")}; load before: {LoadAverage()}");
        report.WriteLine();
        report.WriteLine("| data | run | wall (s) | CPU (s) | overhead, wall (s) | relative to Core, wall | relative to Core, CPU |");
        report.WriteLine("|---|---|---|---|---|---|---|");
        foreach (var size in sizes)
        {
            string dir = Path.Combine(workDirectory, $"merge-{size.Micrographs}x{size.MicrographSize}x{size.Particles}");
            if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
            var settings = new DemoSettings(Micrographs: size.Micrographs, ParticlesPerMicrograph: size.Particles, MicrographSize: size.MicrographSize);
            var demo = DemoDataSets.Write(FftBackends.Create(), dir, settings);
            string template = File.ReadAllText(demo.PlanPath);
            string Plan(string name)
            {
                string path = Path.Combine(dir, $"plan-{name}.yaml");
                File.WriteAllText(path, template.Replace("output: merged", $"output: merged-{name}"));
                return path;
            }
            string data = $"{size}, {2 * size.Micrographs * size.Particles} particles";
            string corePlan = Plan("core"), embeddedPlan = Plan("embedded"), twoPlan = Plan("two");
            // Alternately, best of two each; every run starts with no output of an earlier one waiting to be written
            // back, which would otherwise slow whichever run comes next (a run writes a GB of stacks per 40 micrographs).
            Timing core = new(double.MaxValue, double.NaN), embedded = new(double.MaxValue, double.NaN);
            for (int repeat = 0; repeat < 2; repeat++)
            {
                Settle(dir);
                core = Best(core, Measure.External(local, ["merge-local", corePlan], repeats: 1));
                Settle(dir);
                embedded = Best(embedded, Measure.External(cryomerge, ["merge", embeddedPlan, "--restart", "--state-dir", Path.Combine(dir, "state-embedded")], repeats: 1));
            }
            Row(report, data, "Core, no Orleans (LocalMergeRunner)", core, core);
            Row(report, data, "cryomerge merge, embedded silo", embedded, core);
            Settle(dir);
            var (siloStart, warmCore, warmSilo, identical) = Warm(warm, corePlan, corePlan, Path.Combine(dir, "state-warm"));   // one output folder: comparable bytes
            Row(report, data, "per job in a running process: Core", warmCore, warmCore);
            Row(report, data, string.Create(CultureInfo.InvariantCulture, $"per job in a running process: silo already started (its start took {siloStart:F2} s; outputs: {identical})"), warmSilo, warmCore);
            Settle(dir);
            var two = TwoSilos(cryomerge, twoPlan, dir);
            Row(report, data, "cryomerge merge --cluster, two serve silos (redis membership; CPU of both silos)", two, core);
            Settle(dir);
            report.Flush();
        }
        report.WriteLine();
        report.WriteLine($"Load after: {LoadAverage()}. The Core, cryomerge merge and --cluster rows are each a fresh process: .NET start-up for all, and for the embedded silo its start, its first calls and its stop (about 0.5 s of the overhead). Core and the embedded silo: best of two runs each, alternately. The per-job rows run in one process that has started its silo and merged once to warm up; then Core and the silo merge alternately, {WarmRepeats} times each, best of each: what every further job on a running silo (serve, a facility's cluster) pays over Core. The two silos were started beforehand, as a running cluster would be; they share this machine's {Environment.ProcessorCount} cores, so they show the cost of distribution, not a speed-up; on a cluster each silo brings its own cores. CPU = user + system seconds of the process (of the best run); on a shared, loaded machine it is the steadier figure.");
    }

    /// <summary>Wall and CPU seconds of a run.</summary>
    private sealed record Timing(double Wall, double Cpu);

    private static Timing Best(Timing best, Measure.Run run) => run.Seconds < best.Wall ? new(run.Seconds, run.CpuSeconds) : best;

    /// <summary>The load averages of /proc/loadavg (1, 5 and 15 minutes).</summary>
    public static string LoadAverage() => string.Join(" ", File.ReadAllText("/proc/loadavg").Split(' ').Take(3));

    private const int WarmRepeats = 3;

    /// <summary>The warm child: its silo's start time and the best per-job times (wall, with that run's CPU) of Core and of the running silo.</summary>
    private static (double SiloStart, Timing Core, Timing Silo, string Identical) Warm(string warm, string corePlan, string siloPlan, string stateDirectory)
    {
        var output = Measure.External(warm, [corePlan, siloPlan, stateDirectory, WarmRepeats.ToString(CultureInfo.InvariantCulture)], repeats: 1).Output;
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(line => line.Split(' ')).ToList();
        static double Value(string[] line, int i) => line.Length > i ? double.Parse(line[i], CultureInfo.InvariantCulture) : double.NaN;
        Timing BestOf(string name) => lines.Where(l => l[0] == name).Select(l => new Timing(Value(l, 1), Value(l, 2))).MinBy(t => t.Wall)!;
        return (Value(lines.First(l => l[0] == "silo-start"), 1), BestOf("core"), BestOf("silo"), string.Join(' ', lines.Single(l => l[0] == "identical")));
    }

    /// <summary>Deletes the outputs of earlier runs (their unwritten pages with them) and flushes the rest to disk.</summary>
    private static void Settle(string dir)
    {
        foreach (var merged in Directory.EnumerateDirectories(dir, "merged-*")) Directory.Delete(merged, recursive: true);
        Measure.External("sync", [], repeats: 1);
    }

    /// <summary>The child process of the Core run: the plan through <see cref="LocalMergeRunner"/>.</summary>
    public static int RunLocal(string planPath)
    {
        var plan = MergePlanReader.Read(planPath);
        // The same work as a silo's: its summary draws the plots too.
        // Each stage's time on stderr, to set beside the stage spans of `cryomerge merge --trace`.
        var watch = Stopwatch.StartNew();
        var runner = new LocalMergeRunner(new WorkEnvironment(FftBackends.Create(), Plots: new ScottPlotRenderer()))
        {
            Progress = (stage, done, total) =>
            {
                if (done == total) Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"stage {stage} done at {watch.Elapsed.TotalMilliseconds:F1} ms"));
            },
        };
        var state = runner.Run(plan);
        Console.WriteLine($"merged {state.MergedParticleCount} particles");
        // What the JIT compiled despite ReadyToRun, and the garbage collections, beside cryomerge's CRYOMERGE_TIMING=1.
        Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{System.Runtime.JitInfo.GetCompiledMethodCount()} methods jitted in "
            + $"{System.Runtime.JitInfo.GetCompilationTime().TotalMilliseconds:F1} ms, "
            + $"{GC.GetTotalAllocatedBytes() / 1e6:F0} MB allocated, GCs {GC.CollectionCount(0)}/{GC.CollectionCount(1)}/"
            + $"{GC.CollectionCount(2)} (gen 0/1/2) paused {GC.GetTotalPauseDuration().TotalMilliseconds:F1} ms, "
            + $"{GC.GetGCMemoryInfo(GCKind.FullBlocking).PromotedBytes / 1e6:F1} MB kept by the last full GC"));
        return 0;
    }

    private static void Row(TextWriter report, string data, string run, Timing t, Timing core) =>
        report.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {data} | {run} | {t.Wall:F2} | {t.Cpu:F2} | {t.Wall - core.Wall:F2} | {t.Wall / core.Wall:F3} | {t.Cpu / core.Cpu:F3} |"));

    private static Timing TwoSilos(string cryomerge, string plan, string dir)
    {
        int redisPort = FreePort();
        using var redis = Start("redis-server", ["--bind", "127.0.0.1", "--port", redisPort.ToString(CultureInfo.InvariantCulture), "--save", "", "--appendonly", "no"], null);
        string cluster = $"redis://127.0.0.1:{redisPort}";
        string state = Directory.CreateDirectory(Path.Combine(dir, "state-two")).FullName;
        var env = new Dictionary<string, string> { ["ORLEANS_SERVICE_ID"] = "bench", ["ORLEANS_CLUSTER_ID"] = "bench" };
        Thread.Sleep(1000);
        using var a = Start(cryomerge, ["serve", "--cluster", cluster, "--name", "silo-a", "--silo-port", FreePort().ToString(CultureInfo.InvariantCulture),
            "--gateway-port", FreePort().ToString(CultureInfo.InvariantCulture), "--state-dir", state], env);
        using var b = Start(cryomerge, ["serve", "--cluster", cluster, "--name", "silo-b", "--silo-port", FreePort().ToString(CultureInfo.InvariantCulture),
            "--gateway-port", FreePort().ToString(CultureInfo.InvariantCulture), "--state-dir", state], env);
        Thread.Sleep(15000);   // both silos joined and membership settled, as a running cluster would be
        double cpu = ProcessCpu(a.Id) + ProcessCpu(b.Id);
        var watch = Stopwatch.StartNew();
        using var client = Start(cryomerge, ["merge", plan, "--cluster", cluster, "--state-dir", state, "--restart"], env);
        client.WaitForExit();
        double seconds = watch.Elapsed.TotalSeconds;
        cpu = ProcessCpu(a.Id) + ProcessCpu(b.Id) - cpu;
        if (client.ExitCode != 0) throw new InvalidOperationException("merge on two silos failed");
        foreach (var p in new[] { a, b, redis }) p.Kill(entireProcessTree: true);
        return new(seconds, cpu);
    }

    /// <summary>User + system seconds of a running process so far, from /proc/PID/stat.</summary>
    public static double ProcessCpu(int pid)
    {
        string stat = File.ReadAllText($"/proc/{pid}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        // utime and stime are fields 14 and 15 of stat, 12 and 13 after the name; in clock ticks of 1/100 s.
        return (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) / 100.0;
    }

    /// <summary>Starts a program with its output drained (a full pipe would stall it).</summary>
    internal static Process Start(string program, IReadOnlyList<string> arguments,
        IReadOnlyDictionary<string, string>? environment)
    {
        var start = new ProcessStartInfo(program) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in arguments) start.ArgumentList.Add(a);
        if (environment is not null) foreach (var (k, v) in environment) start.Environment[k] = v;
        var process = Process.Start(start)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    internal static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
