using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Logging;

namespace CryoMerge.Hosting;

/// <summary>
/// With CRYOMERGE_TIMING=1, one line on stderr at each step of a run that starts a silo (process start, silo built and
/// started, job started and finished, silo stopped, exit): wall and CPU milliseconds since the process started, and
/// Orleans' own time per start and stop stage of the silo. For finding where a fresh run's time goes (bench merge).
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
        Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"timing: {wall,8:F1} ms wall {cpu,8:F1} ms CPU  {step}"));
    }

    /// <summary>Orleans logs how long each lifecycle stage of the silo took to start and stop.</summary>
    public static void AddOrleansStages(ILoggingBuilder logging)
    {
        if (Enabled) logging.AddFilter("Orleans.Runtime.SiloLifecycleSubject", LogLevel.Trace);
    }
}
