using System.Diagnostics;
using System.Globalization;

namespace CryoMerge.Bench;

/// <summary>Wall time and peak memory of our code (in-process) and of an external program (RELION), measured the same way.</summary>
internal static class Measure
{
    /// <summary>
    /// Best wall time, peak memory, for an external program the standard output of its last run and the CPU time
    /// (user + system, of the best run; NaN where /usr/bin/time is missing).
    /// </summary>
    public sealed record Run(double Seconds, double PeakMiB, string Output = "", double CpuSeconds = double.NaN);

    /// <summary>Best of <paramref name="repeats"/> runs of an in-process action; peak = working-set high-water mark during the runs.</summary>
    public static Run InProcess(Action action, int repeats = 3)
    {
        double best = double.MaxValue;
        long peak = 0;
        for (int i = 0; i < repeats; i++)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
            using var sampler = new PeakSampler(Environment.ProcessId);
            var watch = Stopwatch.StartNew();
            action();
            best = Math.Min(best, watch.Elapsed.TotalSeconds);
            peak = Math.Max(peak, sampler.Stop());
        }
        return new Run(best, peak / 1048576.0);
    }

    /// <summary>
    /// Best of <paramref name="repeats"/> runs of an external program; peak = its VmHWM, or with
    /// <paramref name="processTree"/> the largest sum of VmRSS over it and its descendants (for mpirun).
    /// </summary>
    public static Run External(string program, IReadOnlyList<string> arguments, int repeats = 3, string? workingDirectory = null, bool processTree = false)
    {
        double best = double.MaxValue, cpu = double.NaN;
        long peak = 0;
        string output = "";
        // Through /usr/bin/time for the CPU time (user + system) and the peak resident set of the program itself.
        bool timed = File.Exists(GnuTime) && !processTree;
        string times = Path.Combine(Path.GetTempPath(), $"cryomerge-bench-time-{Environment.ProcessId}.txt");
        for (int i = 0; i < repeats; i++)
        {
            var start = new ProcessStartInfo(timed ? GnuTime : program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            if (workingDirectory is not null) start.WorkingDirectory = workingDirectory;
            if (timed) foreach (var a in new[] { "-f", "%U %S %M", "-o", times, program }) start.ArgumentList.Add(a);
            foreach (var a in arguments) start.ArgumentList.Add(a);
            var watch = Stopwatch.StartNew();
            using var process = Process.Start(start)!;
            using var sampler = new PeakSampler(process.Id, highWaterMark: !processTree, processTree: processTree);
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            process.WaitForExit();
            double seconds = watch.Elapsed.TotalSeconds;
            long sampled = sampler.Stop();
            if (process.ExitCode != 0)
                throw new InvalidOperationException($"{program} failed ({process.ExitCode}): {stderr.Result}{stdout.Result}");
            if (timed)
            {
                var f = File.ReadAllLines(times).Last().Split(' ');
                double runCpu = double.Parse(f[0], CultureInfo.InvariantCulture) + double.Parse(f[1], CultureInfo.InvariantCulture);
                sampled = long.Parse(f[2], CultureInfo.InvariantCulture) * 1024;
                if (seconds < best) cpu = runCpu;
            }
            best = Math.Min(best, seconds);
            peak = Math.Max(peak, sampled);
            output = stdout.Result;
        }
        if (timed) File.Delete(times);
        return new Run(best, peak / 1048576.0, output, cpu);
    }

    private const string GnuTime = "/usr/bin/time";

    /// <summary>Polls /proc/PID/status every 10 ms for VmRSS (our process) or VmHWM (a child).</summary>
    private sealed class PeakSampler : IDisposable
    {
        private readonly Thread _thread;
        private volatile bool _stop;
        private long _peak;

        public PeakSampler(int pid, bool highWaterMark = false, bool processTree = false)
        {
            string key = highWaterMark ? "VmHWM:" : "VmRSS:";
            _thread = new Thread(() =>
            {
                while (!_stop)
                {
                    try
                    {
                        long total = 0;
                        foreach (int p in processTree ? Tree(pid) : [pid])
                            total += Read(p, key);
                        _peak = Math.Max(_peak, total);
                    }
                    catch (IOException) { if (!processTree) break; }
                    catch (UnauthorizedAccessException) { break; }
                    Thread.Sleep(10);
                }
            }) { IsBackground = true };
            _thread.Start();
        }

        private static long Read(int pid, string key)
        {
            foreach (var line in File.ReadLines($"/proc/{pid}/status"))
                if (line.StartsWith(key))
                    return long.Parse(line[key.Length..].Trim().Split(' ')[0]) * 1024;
            return 0;
        }

        /// <summary>The process and its descendants, from the parent field of /proc/*/stat.</summary>
        private static List<int> Tree(int root)
        {
            var parents = new Dictionary<int, int>();
            foreach (var dir in Directory.EnumerateDirectories("/proc"))
            {
                if (!int.TryParse(Path.GetFileName(dir), out int p)) continue;
                try
                {
                    string stat = File.ReadAllText(Path.Combine(dir, "stat"));
                    var rest = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                    parents[p] = int.Parse(rest[1]);
                }
                catch (IOException) { }
                catch (UnauthorizedAccessException) { }
            }
            var result = new List<int> { root };
            for (int i = 0; i < result.Count; i++)
                foreach (var (child, parent) in parents)
                    if (parent == result[i]) result.Add(child);
            return result;
        }

        public long Stop()
        {
            _stop = true;
            _thread.Join();
            return _peak;
        }

        public void Dispose() => Stop();
    }
}
