using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using CryoMerge.Core.Imaging;
using CryoMerge.Core.Merging;
using CryoMerge.Core.Merging.Pipeline;
using CryoMerge.Core.Merging.Stages;
using CryoMerge.Grains;
using CryoMerge.Hosting;
using CryoMerge.Plots;

namespace CryoMerge.Bench.Warm;

/// <summary>
/// The per-job cost of Orleans, without the one-off costs of a fresh process: in one process, the same plan runs
/// straight through Core and as a job on an embedded silo that is already running, each once to warm up and then
/// alternately, timed. A silo that serves jobs (serve, a facility's cluster) pays its start once; this is what
/// every job pays on top of Core. Prints "silo-start S", then "core S CPU" and "silo S CPU" lines, one per timed run
/// (wall and CPU seconds, the CPU time of the whole process: every thread, Orleans' with the work's).
/// </summary>
internal static class WarmMerge
{
    public static async Task<int> RunAsync(string corePlanPath, string siloPlanPath, string stateDirectory, int repeats)
    {
        var corePlan = MergePlanReader.Read(corePlanPath);
        var siloPlan = MergePlanReader.Read(siloPlanPath);
        var runner = new LocalMergeRunner(new WorkEnvironment(FftBackends.Create(), Plots: new ScottPlotRenderer()));
        var watch = Stopwatch.StartNew();
        await using var silo = await CryoMergeConnection.StartEmbeddedAsync(new CryoMergeHostSettings { StateDirectory = stateDirectory });
        Print("silo-start", watch.Elapsed.TotalSeconds);
        string planJson = JsonSerializer.Serialize(siloPlan, WorkJson.Options);
        var job = silo.Client.GetGrain<IMergeJobGrain>("bench-warm");
        for (int i = 0; i <= repeats; i++)
        {
            // The first round warms both up and is not printed.
            Settle(corePlan.Output);
            watch.Restart();
            var cpu = Process.GetCurrentProcess().TotalProcessorTime;
            runner.Run(corePlan);
            if (i > 0) Print("core", watch.Elapsed.TotalSeconds, (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds);
            Settle(siloPlan.Output);
            watch.Restart();
            cpu = Process.GetCurrentProcess().TotalProcessorTime;
            var status = await job.StartAsync(new MergeJobRequest(planJson, Path.GetFullPath(siloPlanPath), Restart: true));
            while (!status.IsFinished) status = await job.WaitForChangeAsync(status, TimeSpan.FromSeconds(1));
            double seconds = watch.Elapsed.TotalSeconds;
            double cpuSeconds = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds;
            if (status.State != JobState.Completed) throw new InvalidOperationException($"the job ended {status.State}: {status.Message}");
            if (i > 0) Print("silo", seconds, cpuSeconds);
        }
        return 0;
    }

    /// <summary>Deletes an earlier run's output (the same work each time) and flushes what is unwritten.</summary>
    private static void Settle(string output)
    {
        if (Directory.Exists(output)) Directory.Delete(output, recursive: true);
        Process.Start("sync")!.WaitForExit();
    }

    private static void Print(string what, double seconds, double? cpu = null) =>
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{what} {seconds:F3}{(cpu is double c ? $" {c:F3}" : "")}"));
}
