using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using CryoMerge.Core.Imaging;
using CryoMerge.Core.Merging;
using CryoMerge.Core.Merging.Pipeline;
using CryoMerge.Core.Simulation;

namespace CryoMerge.Bench;

/// <summary>
/// One method 2 merge of the demo's simulated data three ways, each in its own process so that all pay the same
/// start-up: straight through Core (<see cref="LocalMergeRunner"/>, no Orleans), <c>cryomerge merge</c> on its embedded
/// silo, and <c>cryomerge merge --cluster</c> on two <c>cryomerge serve</c> silos over a local redis-server.
/// </summary>
internal static class MergeBench
{
    public static void Run(int micrographs, string workDirectory, TextWriter report)
    {
        string dir = Path.Combine(workDirectory, $"merge-{micrographs}");
        if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
        var settings = new DemoSettings(Micrographs: micrographs, ParticlesPerMicrograph: 30);
        var demo = DemoDataSets.Write(FftBackends.Create(), dir, settings);
        string cryomerge = RescaleBench.BuildCryomerge();
        string self = Path.Combine(AppContext.BaseDirectory, "CryoMerge.Bench.dll");
        string template = File.ReadAllText(demo.PlanPath);
        string Plan(string name)
        {
            string path = Path.Combine(dir, $"plan-{name}.yaml");
            File.WriteAllText(path, template.Replace("output: merged", $"output: merged-{name}"));
            return path;
        }

        report.WriteLine($"## merge: method 2, demo data ({micrographs} micrographs of 1024^2 per data set, {2 * micrographs * 30} particles, DS2 pixel size fitted from the maps)");
        report.WriteLine();
        report.WriteLine("| run | wall (s) | relative to Core |");
        report.WriteLine("|---|---|---|");
        var core = Measure.External("dotnet", [self, "merge-local", Plan("core")], repeats: 1);
        Row(report, "Core, no Orleans (LocalMergeRunner)", core.Seconds, core.Seconds);
        var embedded = Measure.External("dotnet", [cryomerge, "merge", Plan("embedded"), "--restart", "--state-dir", Path.Combine(dir, "state-embedded")], repeats: 1);
        Row(report, "cryomerge merge, embedded silo", embedded.Seconds, core.Seconds);
        double two = TwoSilos(cryomerge, Plan("two"), dir);
        Row(report, "cryomerge merge --cluster, two serve silos (redis membership)", two, core.Seconds);
        report.WriteLine();
        report.WriteLine($"Every run is a fresh process (dotnet start-up and, for Orleans, silo start-up included). The two silos share this machine's {Environment.ProcessorCount} cores, so they show the cost of distribution, not a speed-up; on a cluster each silo brings its own cores.");
    }

    /// <summary>The child process of the Core run: the plan through <see cref="LocalMergeRunner"/>.</summary>
    public static int RunLocal(string planPath)
    {
        var plan = MergePlanReader.Read(planPath);
        var state = new LocalMergeRunner(new WorkEnvironment(FftBackends.Create())).Run(plan);
        Console.WriteLine($"merged {state.MergedParticleCount} particles");
        return 0;
    }

    private static void Row(TextWriter report, string run, double seconds, double core) =>
        report.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {run} | {seconds:F1} | {seconds / core:F2} |"));

    private static double TwoSilos(string cryomerge, string plan, string dir)
    {
        int redisPort = FreePort();
        using var redis = Start("redis-server", ["--bind", "127.0.0.1", "--port", redisPort.ToString(CultureInfo.InvariantCulture), "--save", "", "--appendonly", "no"], null);
        string cluster = $"redis://127.0.0.1:{redisPort}";
        string state = Directory.CreateDirectory(Path.Combine(dir, "state-two")).FullName;
        var env = new Dictionary<string, string> { ["ORLEANS_SERVICE_ID"] = "bench", ["ORLEANS_CLUSTER_ID"] = "bench" };
        Thread.Sleep(1000);
        using var a = Start("dotnet", [cryomerge, "serve", "--cluster", cluster, "--name", "silo-a", "--silo-port", FreePort().ToString(CultureInfo.InvariantCulture),
            "--gateway-port", FreePort().ToString(CultureInfo.InvariantCulture), "--state-dir", state], env);
        using var b = Start("dotnet", [cryomerge, "serve", "--cluster", cluster, "--name", "silo-b", "--silo-port", FreePort().ToString(CultureInfo.InvariantCulture),
            "--gateway-port", FreePort().ToString(CultureInfo.InvariantCulture), "--state-dir", state], env);
        Thread.Sleep(15000);   // both silos joined and membership settled, as a running cluster would be
        var watch = Stopwatch.StartNew();
        using var client = Start("dotnet", [cryomerge, "merge", plan, "--cluster", cluster, "--state-dir", state, "--restart"], env);
        client.WaitForExit();
        double seconds = watch.Elapsed.TotalSeconds;
        if (client.ExitCode != 0) throw new InvalidOperationException("merge on two silos failed");
        foreach (var p in new[] { a, b, redis }) p.Kill(entireProcessTree: true);
        return seconds;
    }

    private static Process Start(string program, IReadOnlyList<string> arguments, IReadOnlyDictionary<string, string>? environment)
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

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
