using System.Diagnostics;

namespace CryoMerge.Cli;

/// <summary>
/// Progress of long work on stderr: a bar redrawn in place when stderr is a terminal, otherwise a plain line at
/// most every few seconds (so logs stay readable). Thread-safe: workers call <see cref="Advance"/> concurrently.
/// Results never go here; stdout stays clean for --json.
/// </summary>
public sealed class ProgressReporter : IDisposable
{
    private readonly CliConsole _console;
    private readonly string _label;
    private readonly long _total;
    private readonly Stopwatch _watch = Stopwatch.StartNew();
    private readonly Lock _lock = new();
    private long _done;
    private double _lastDraw = double.NegativeInfinity;
    private bool _finished;

    public ProgressReporter(CliConsole console, string label, long total, bool enabled = true)
    {
        _console = console;
        _label = label;
        _total = Math.Max(total, 0);
        Enabled = enabled && total > 1;
    }

    public bool Enabled { get; }

    public long Done => Interlocked.Read(ref _done);

    public long Total => _total;

    /// <summary>Counts finished items and redraws when due.</summary>
    public void Advance(long items = 1)
    {
        long done = Interlocked.Add(ref _done, items);
        if (!Enabled) return;
        double now = _watch.Elapsed.TotalSeconds;
        double interval = _console.ErrorIsTerminal ? 0.1 : 5.0;
        if (now - _lastDraw < interval && done < _total) return;
        lock (_lock)
        {
            if (_finished || (now - _lastDraw < interval && done < _total)) return;
            _lastDraw = now;
            Draw(done, now);
        }
    }

    private void Draw(long done, double seconds)
    {
        double fraction = _total == 0 ? 1 : Math.Min(1, (double)done / _total);
        string eta = done > 0 && done < _total ? $", {Format((seconds / done) * (_total - done))} left" : "";
        if (_console.ErrorIsTerminal)
        {
            const int width = 30;
            int filled = (int)(fraction * width);
            _console.Error.Write($"\r{_label} [{new string('#', filled)}{new string('.', width - filled)}] {done}/{_total} {Format(seconds)}{eta}   ");
        }
        else
        {
            _console.Error.WriteLine($"{_label}: {done}/{_total} ({fraction * 100:F0} %), {Format(seconds)}{eta}");
        }
    }

    private static string Format(double seconds) =>
        seconds < 60 ? $"{seconds:F0} s" : seconds < 3600 ? $"{seconds / 60:F1} min" : $"{seconds / 3600:F1} h";

    public void Dispose()
    {
        lock (_lock)
        {
            if (_finished) return;
            _finished = true;
            // Nothing done and nothing shown (refused before the first item): no "0/N" line above the error.
            if (!Enabled || (Done == 0 && _lastDraw < 0)) return;
            if (_console.ErrorIsTerminal)
            {
                Draw(Done, _watch.Elapsed.TotalSeconds);
                _console.Error.WriteLine();
            }
            else if (_lastDraw < 0 || Done != _total)
            {
                Draw(Done, _watch.Elapsed.TotalSeconds);
            }
        }
    }
}
