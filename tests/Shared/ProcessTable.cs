namespace CryoMerge.Tests;

/// <summary>
/// Linux's process table (/proc) as tests see it: whether a process found once is still running, told apart from a
/// later process that got the same id by its start time.
/// </summary>
public static class ProcessTable
{
    /// <summary>A process as found at one moment: its id and its start time (clock ticks after boot).</summary>
    public readonly record struct Entry(int Pid, string StartTime)
    {
        /// <summary>Still running: there, not a zombie (it has ended; its parent has not reaped it yet).</summary>
        public bool IsAlive => Stat(Pid) is { } stat && stat.State is not ("Z" or "X") && stat.StartTime == StartTime;

        /// <summary>Waits until the process has ended; fails after a generous hang guard.</summary>
        public async Task AssertEndsAsync(string what)
        {
            for (var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(2); DateTime.UtcNow < deadline;
                 await Task.Delay(50))
                if (!IsAlive) return;
            Assert.Fail($"{what} (pid {Pid}) is still running");
        }

        /// <summary>Waits until the process' environment holds the test-run marker <paramref name="run"/>.</summary>
        public async Task AssertMarkedAsync(string run)
        {
            string marker = $"{TestProcessGroup.MarkerVariable}={run}";
            for (var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(2); DateTime.UtcNow < deadline;
                 await Task.Delay(50))
            {
                string environment;
                try { environment = File.ReadAllText($"/proc/{Pid}/environ"); }
                catch (IOException) { break; }
                if (environment.Split('\0').Contains(marker)) return;
            }
            Assert.Fail($"pid {Pid} never had {marker} in its environment");
        }
    }

    /// <summary>The process with this id now; fails when there is none.</summary>
    public static Entry Of(int pid) =>
        Stat(pid) is { } stat ? new Entry(pid, stat.StartTime) : throw new InvalidOperationException($"no pid {pid}");

    private static (string State, string StartTime)? Stat(int pid)
    {
        string text;
        try { text = File.ReadAllText($"/proc/{pid}/stat"); }
        catch (IOException) { return null; }
        catch (UnauthorizedAccessException) { return null; }
        // "pid (comm) state ppid ...": comm may hold spaces or parentheses; fields after it are plain.
        var fields = text[(text.LastIndexOf(')') + 2)..].Split(' ');
        return (fields[0], fields[19]);   // state (field 3), starttime (field 22)
    }
}
