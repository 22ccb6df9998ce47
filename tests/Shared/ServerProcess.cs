using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace CryoMerge.Tests;

/// <summary>
/// A server or silo started by a test on 127.0.0.1, its output captured; the owner of its process group (see
/// <see cref="TestProcessGroup"/>): disposing it stops the process and kills whatever of its group is left, however
/// the test ended. Tests never leave servers running: own each one with <c>using</c> or through an owner that
/// disposes it (e.g. LoopbackCluster).
/// </summary>
public sealed class ServerProcess : IDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _lines = new();
    private readonly ConcurrentQueue<string> _stdout = new();
    private bool _disposed;

    public ServerProcess(string program, IReadOnlyList<string> arguments, IReadOnlyDictionary<string,
        string>? environment = null, string? workingDirectory = null)
    {
        var start = new ProcessStartInfo(program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Directory.GetCurrentDirectory(),
        };
        foreach (var a in arguments) start.ArgumentList.Add(a);
        if (environment is not null) foreach (var (k, v) in environment) start.Environment[k] = v;
        _process = TestProcessGroup.Start(start);
        _process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null) return;
            _lines.Enqueue(e.Data);
            _stdout.Enqueue(e.Data);
        };
        _process.ErrorDataReceived += (_, e) => { if (e.Data is not null) _lines.Enqueue(e.Data); };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public string Output => string.Join('\n', _lines);

    /// <summary>Standard output alone (for a command's --json result).</summary>
    public string StandardOutput => string.Join('\n', _stdout);

    public bool HasExited => _process.HasExited;

    public int Id => _process.Id;

    /// <summary>
    /// Waits for the process to end by itself and returns its exit code; kills it and fails after
    /// <paramref name="timeout"/>.
    /// </summary>
    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            TestProcessGroup.KillGroup(_process);
            throw new TimeoutException($"process did not end in {timeout.TotalSeconds} s:\n{Output}");
        }
        _process.WaitForExit();   // the output is read to its end
        return _process.ExitCode;
    }

    /// <summary>
    /// Kills the process and its group at once (SIGKILL, as kill -9): no shutdown, no goodbye to the cluster, no
    /// child left behind.
    /// </summary>
    public void Kill() => TestProcessGroup.KillGroup(_process);

    /// <summary>Sends SIGINT to the process alone, as Ctrl+C in a terminal would.</summary>
    public void Interrupt()
    {
        if (!_process.HasExited) TestProcessGroup.Signal(_process, TestProcessGroup.SigInt, group: false);
    }

    /// <summary>Waits until a line containing <paramref name="text"/> appears; fails with the output so far.</summary>
    public async Task WaitForAsync(string text, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (_lines.Any(l => l.Contains(text, StringComparison.Ordinal))) return;
            if (_process.HasExited) throw new InvalidOperationException(
                $"process exited ({_process.ExitCode}) before '{text}':\n{Output}");
            await Task.Delay(100);
        }
        throw new TimeoutException($"'{text}' did not appear in {timeout.TotalSeconds} s:\n{Output}");
    }

    /// <summary>
    /// Asks the process' group to stop (SIGTERM) and waits; kills the group after <paramref name="grace"/>. Whatever
    /// of the group is still there when the process has ended (a child it left) is killed too.
    /// </summary>
    public void Stop(TimeSpan grace)
    {
        if (!_process.HasExited)
        {
            TestProcessGroup.Signal(_process, TestProcessGroup.SigTerm);
            _process.WaitForExit((int)grace.TotalMilliseconds);
        }
        TestProcessGroup.KillGroup(_process);
    }

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        try
        {
            Stop(TimeSpan.FromSeconds(20));
        }
        finally
        {
            TestProcessGroup.Forget(_process);
            _process.Dispose();
        }
    }

    /// <summary>A free TCP port on loopback.</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
