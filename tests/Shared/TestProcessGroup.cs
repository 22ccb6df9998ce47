using System.Collections.Concurrent;
using System.Diagnostics;
using System.Runtime.InteropServices;

namespace CryoMerge.Tests;

/// <summary>
/// How the test helpers start a process so that nothing it starts can outlive the test: in a process group of its
/// own (through util-linux setsid, which execs in place, so the pid is the program's and the group's), marked in its
/// environment with this test run's id (<see cref="MarkerVariable"/>, which .ci/leaked-processes looks for), and
/// listed until it is disposed, so that whatever a test leaves is killed when the test process ends.
/// </summary>
public static partial class TestProcessGroup
{
    /// <summary>Set on every process the helpers start (inherited by its children): the run's id.</summary>
    public const string MarkerVariable = "CRYOMERGE_TEST_STARTED_BY";

    /// <summary>
    /// The run's id: CRYOMERGE_TEST_RUN_ID when .ci/run sets it (one id for all the test processes of a run),
    /// else one of this test process.
    /// </summary>
    public static string RunId { get; } =
        Environment.GetEnvironmentVariable("CRYOMERGE_TEST_RUN_ID") is { Length: > 0 } id ? id
        : $"local-{Environment.ProcessId}-{Guid.NewGuid().ToString("N")[..8]}";

    private static readonly string? Setsid = OperatingSystem.IsLinux() ? Requires.FindOnPath("setsid") : null;

    private static readonly ConcurrentDictionary<Process, string> Running = new();

    static TestProcessGroup() => AppDomain.CurrentDomain.ProcessExit += (_, _) => KillAll(Running.Keys);

    /// <summary>
    /// Starts <paramref name="start"/> (its FileName and ArgumentList as given) in a group of its own, marked, and
    /// lists it until <see cref="Forget"/>.
    /// </summary>
    public static Process Start(ProcessStartInfo start)
    {
        string commandLine = string.Join(' ', [start.FileName, .. start.ArgumentList]);
        if (Setsid is not null)
        {
            start.ArgumentList.Insert(0, start.FileName);
            start.FileName = Setsid;
        }
        start.Environment[MarkerVariable] = RunId;
        var process = Process.Start(start) ?? throw new InvalidOperationException($"cannot start {commandLine}");
        Running[process] = commandLine;
        return process;
    }

    /// <summary>True when the process leads a group of its own, so that a signal to the group reaches its children.
    /// </summary>
    public static bool OwnGroup => Setsid is not null;

    /// <summary>The command line a listed process was started with.</summary>
    public static string CommandLine(Process process) => Running.GetValueOrDefault(process, "?");

    /// <summary>
    /// Sends <paramref name="signal"/> to the process' group (or to the process alone: without setsid, or when
    /// <paramref name="group"/> is false).
    /// </summary>
    public static void Signal(Process process, int signal, bool group = true)
    {
        if (OperatingSystem.IsWindows()) return;
        int pid = process.Id;
        // After the leader exits, its group lives on while members do (Linux does not reuse the id meanwhile).
        _ = SendSignal(group && OwnGroup ? -pid : pid, signal);
    }

    /// <summary>SIGKILL to the group and to every descendant still known, then waits for the leader.</summary>
    public static void KillGroup(Process process)
    {
        Signal(process, SigKill);
        try
        {
            if (!process.HasExited) process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException) { }   // it ended meanwhile
        process.WaitForExit();
    }

    /// <summary>Stops listing a process whose group is gone (its handle's Dispose).</summary>
    public static void Forget(Process process) => Running.TryRemove(process, out _);

    /// <summary>
    /// Kills every listed process still alive, with its group, and returns their command lines; the last line of
    /// defence when the test process ends (see <see cref="LeakedProcessCheck"/>).
    /// </summary>
    public static IReadOnlyList<string> KillAll(IEnumerable<Process> processes)
    {
        var killed = new List<string>();
        foreach (var process in processes.ToList())
        {
            bool alive;
            try { alive = !process.HasExited; }
            catch (InvalidOperationException) { alive = false; }
            if (alive) killed.Add($"pid {process.Id}: {CommandLine(process)}");
            try { KillGroup(process); } catch (Exception) { }   // gone, or not ours to wait for any more
            Forget(process);
        }
        return killed;
    }

    /// <summary>Every process listed now (started by a helper and not yet disposed).</summary>
    public static IReadOnlyList<Process> Listed => Running.Keys.ToList();

    public const int SigInt = 2;
    public const int SigKill = 9;
    public const int SigTerm = 15;

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int SendSignal(int pid, int signal);
}
