using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Logging;

namespace CryoMerge.Hosting;

/// <summary>
/// With CRYOMERGE_TIMING=1, one line on stderr at each step of a run that starts a silo (process start, silo built and
/// started, job started and finished, silo stopped, exit): wall and CPU milliseconds since the process started, how
/// many methods the JIT compiled and in what time, the garbage collections so far, and Orleans' own time per start and
/// stop stage of the silo. For finding where a fresh run's time goes (bench merge).
/// </summary>
public static class TimingMarks
{
    public static readonly bool Enabled = Environment.GetEnvironmentVariable("CRYOMERGE_TIMING") == "1";

    public static void Mark(string step)
    {
        if (!Enabled) return;
        using var process = Process.GetCurrentProcess();
        double wall = (DateTime.Now - process.StartTime).TotalMilliseconds;
        double cpu = process.TotalProcessorTime.TotalMilliseconds;
        // Methods the JIT compiled so far: what a ReadyToRun build did not precompile costs CPU at run time.
        long jitted = System.Runtime.JitInfo.GetCompiledMethodCount();
        double jit = System.Runtime.JitInfo.GetCompilationTime().TotalMilliseconds;
        // Garbage collections: every large image allocated can set off a full one, whose cost grows with what the
        // process keeps alive (a silo keeps more than Core).
        string gcs = $"{GC.CollectionCount(0)}/{GC.CollectionCount(1)}/{GC.CollectionCount(2)}";
        double paused = GC.GetTotalPauseDuration().TotalMilliseconds;
        double kept = GC.GetGCMemoryInfo(GCKind.FullBlocking).PromotedBytes / 1e6;
        Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"timing: {wall,8:F1} ms wall {cpu,8:F1} ms CPU {jitted,6} jitted in {jit,7:F1} ms "
            + $"{GC.GetTotalAllocatedBytes() / 1e6,7:F0} MB allocated, GCs {gcs,8} (gen 0/1/2) "
            + $"paused {paused,6:F1} ms, "
            + $"{kept,5:F1} MB kept by the last full GC  {step}"));
    }

    /// <summary>Orleans logs how long each lifecycle stage of the silo took to start and stop.</summary>
    public static void AddOrleansStages(ILoggingBuilder logging)
    {
        if (Enabled) logging.AddFilter("Orleans.Runtime.SiloLifecycleSubject", LogLevel.Trace);
    }
}
