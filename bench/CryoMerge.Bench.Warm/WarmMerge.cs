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
/// every job pays on top of Core. Each job is a new job grain, as every plan a silo is given is. Prints
/// "silo-start S", "warm-up-core S CPU" and "warm-up-silo S CPU", then "inputs-read GB S" (the measured plan's input
/// folders read once), then "core S CPU" and "silo S CPU" lines, one per timed run (wall and CPU seconds, the CPU
/// time of the whole process: every thread, Orleans' with the work's; then "gc N full, paused S s": the run's full
/// garbage collections and the seconds all its collections paused),
/// and last "identical yes ..." or "identical no ...": whether every timed run wrote the same bytes as the first
/// (<see cref="OutputDigest"/>). Give both runners the same plan for that: STAR files name the output folder.
/// </summary>
internal static class WarmMerge
{
    /// <summary>Bytes of an output whose content is hashed: all files up to this, a spread of stacks above.</summary>
    private const long HashBudget = 2L << 30;

    /// <summary>
    /// Runs the plans. <paramref name="warmUp"/>: plans (Core's, the silo's) of a smaller job of the same shape to
    /// warm up on instead of the measured plan (JIT or composite image, the first grain calls, FFT plans), for jobs
    /// whose warm-up run would cost minutes; null warms up on the measured plan.
    /// </summary>
    public static async Task<int> RunAsync(string corePlanPath, string siloPlanPath, string stateDirectory,
        int repeats, (string Core, string Silo)? warmUp = null)
    {
        var runner = new LocalMergeRunner(new WorkEnvironment(FftBackends.Create(), Plots: new ScottPlotRenderer()));
        var watch = Stopwatch.StartNew();
        await using var silo = await CryoMergeConnection.StartEmbeddedAsync(
            new CryoMergeHostSettings { StateDirectory = stateDirectory });
        Print("silo-start", watch.Elapsed.TotalSeconds);
        int jobs = 0;
        OutputDigest? reference = null;
        string? referenceRunner = null;
        string? difference = null;
        for (int i = 0; i <= repeats; i++)
        {
            if (i == 1) ReadInputs(corePlanPath);
            // The first round warms both up (on the smaller plans when given) and is not compared.
            bool warming = i == 0;
            var corePlan = MergePlanReader.Read(warming && warmUp is { } w ? w.Core : corePlanPath);
            string siloPlanSource = warming && warmUp is { } v ? v.Silo : siloPlanPath;
            var siloPlan = MergePlanReader.Read(siloPlanSource);
            // Alternately, and the silo first in odd rounds: what the warm-up left undone (a heap not yet grown
            // to a larger job) falls on the silo's first timed run, not on Core's.
            async Task RunCore()
            {
                var core = await TimeAsync(corePlan.Output, () => { runner.Run(corePlan); return Task.CompletedTask; });
                Print(warming ? "warm-up-core" : "core", core.Seconds, core.Cpu, core.Gc);
                if (!warming) Compare("Core", corePlan.Output);
                Remove(corePlan.Output);
            }
            async Task RunSilo()
            {
                var job = silo.Client.GetGrain<IMergeJobGrain>($"bench-warm-{++jobs}");
                string planJson = JsonSerializer.Serialize(siloPlan, WorkJson.Options);
                var run = await TimeAsync(siloPlan.Output, async () =>
                {
                    var status = await job.StartAsync(
                        new MergeJobRequest(planJson, Path.GetFullPath(siloPlanSource), Restart: true));
                    while (!status.IsFinished)
                        status = await job.WaitForChangeAsync(status, TimeSpan.FromSeconds(1));
                    if (status.State != JobState.Completed)
                        throw new InvalidOperationException($"the job ended {status.State}: {status.Message}");
                });
                Print(warming ? "warm-up-silo" : "silo", run.Seconds, run.Cpu, run.Gc);
                if (!warming) Compare("silo", siloPlan.Output);
                Remove(siloPlan.Output);
            }
            if (i % 2 == 1) { await RunSilo(); await RunCore(); }
            else { await RunCore(); await RunSilo(); }
        }
        Console.WriteLine(difference is null
            ? string.Create(CultureInfo.InvariantCulture,
                $"identical yes: {2 * repeats} runs wrote the same {reference!.Files.Count} files " +
                $"({reference.Bytes / 1e9:F2} GB; content hashes of {reference.Hashes.Count} files, " +
                $"{reference.HashedBytes / 1e9:F2} GB, every file but a spread of the stacks above " +
                $"{HashBudget >> 30} GB; sizes of all)")
            : $"identical no: {difference}");
        return 0;

        void Compare(string runner, string output)
        {
            var digest = OutputDigest.Of(output, HashBudget);
            referenceRunner ??= runner;
            reference ??= digest;
            difference ??= reference.Difference(digest) is string d
                ? $"{runner}'s output against {referenceRunner}'s first: {d}"
                : null;
        }
    }

    /// <summary>
    /// Reads every file in the folders of the measured plan's data sets once, before the first timed run, and prints
    /// "inputs-read GB S": with a warm-up on a smaller plan, the first timed run would otherwise read its inputs from
    /// disk and the later ones from the page cache, and whichever runner goes first would pay for it.
    /// </summary>
    private static void ReadInputs(string planPath)
    {
        var watch = Stopwatch.StartNew();
        var plan = MergePlanReader.Read(planPath);
        var folders = plan.DataSets
            .Select(d => Path.GetDirectoryName(Path.GetFullPath(d.Micrographs ?? d.Particles ?? d.Map!))!).Distinct();
        var buffer = new byte[1 << 20];
        long bytes = 0;
        foreach (string file in folders.SelectMany(f => Directory.EnumerateFiles(f, "*", SearchOption.AllDirectories)))
        {
            using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.Read, 1,
                FileOptions.SequentialScan);
            int read;
            while ((read = stream.Read(buffer)) > 0) bytes += read;
        }
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"inputs-read {bytes / 1e9:F2} {watch.Elapsed.TotalSeconds:F3}"));
    }

    /// <summary>Wall and CPU seconds (of the whole process) of one run, started with no earlier output, and its full
    /// garbage collections with the seconds every collection paused the process.</summary>
    private static async Task<(double Seconds, double Cpu, string Gc)> TimeAsync(string output, Func<Task> run)
    {
        Remove(output);
        var watch = Stopwatch.StartNew();
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        int full = GC.CollectionCount(2);
        var paused = GC.GetTotalPauseDuration();
        await run();
        string gc = string.Create(CultureInfo.InvariantCulture,
            $"gc {GC.CollectionCount(2) - full} full, paused {(GC.GetTotalPauseDuration() - paused).TotalSeconds:F3} s");
        return (watch.Elapsed.TotalSeconds, (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds, gc);
    }

    /// <summary>
    /// Deletes a run's output (the same work each time; at 10^6 particles 10 GB, one output on disk at a time) and
    /// flushes what is unwritten, which would otherwise slow whichever run comes next.
    /// </summary>
    private static void Remove(string output)
    {
        if (Directory.Exists(output)) Directory.Delete(output, recursive: true);
        Process.Start("sync")!.WaitForExit();
    }

    private static void Print(string what, double seconds, double? cpu = null, string? more = null) =>
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{what} {seconds:F3}{(cpu is double c ? $" {c:F3}" : "")}{(more is null ? "" : " " + more)}"));
}
