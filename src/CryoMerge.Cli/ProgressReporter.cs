using System.Diagnostics;
using Spectre.Console;

namespace CryoMerge.Cli;

/// <summary>
/// Progress of long work on stderr: a Spectre.Console progress bar (description, bar, percentage, items, elapsed and
/// remaining time, redrawn in place by Spectre's own thread) when stderr is a terminal, otherwise a plain line at
/// most every few seconds and one at the end (so logs stay readable). Thread-safe: workers call
/// <see cref="Advance"/> concurrently. Results never go here; stdout stays clean for --json.
/// </summary>
public sealed class ProgressReporter : IDisposable
{
    /// <summary>Seconds between plain lines when stderr is not a terminal.</summary>
    public const double LineInterval = 5.0;

    private readonly CliConsole _console;
    private readonly string _label;
    private readonly long _total;
    private readonly Stopwatch _watch = Stopwatch.StartNew();
    private readonly Lock _lock = new();
    private readonly SpectreBar? _bar;
    private long _done;
    private double _lastDraw = double.NegativeInfinity;
    private bool _finished;

    /// <param name="minimumTotal">Fewer items than this show no progress (a single file needs no bar).</param>
    public ProgressReporter(CliConsole console, string label, long total, bool enabled = true, long minimumTotal = 2)
    {
        _console = console;
        _label = label;
        _total = Math.Max(total, 0);
        Enabled = enabled && total >= Math.Max(1, minimumTotal);
        if (Enabled && console.ErrorIsTerminal) _bar = new SpectreBar(console.Error, label, _total);
    }

    public bool Enabled { get; }

    public long Done => Interlocked.Read(ref _done);

    public long Total => _total;

    /// <summary>Counts finished items and redraws when due.</summary>
    public void Advance(long items = 1)
    {
        long done = Interlocked.Add(ref _done, items);
        if (!Enabled) return;
        if (_bar is not null)
        {
            _bar.Set(done);
            return;
        }
        double now = _watch.Elapsed.TotalSeconds;
        if (now - _lastDraw < LineInterval && done < _total) return;
        lock (_lock)
        {
            if (_finished || (now - _lastDraw < LineInterval && done < _total)) return;
            _lastDraw = now;
            Line(done, now);
        }
    }

    /// <summary>"stage: 3/12 (25 %), 4 s, 12 s left".</summary>
    private void Line(long done, double seconds)
    {
        double fraction = _total == 0 ? 1 : Math.Min(1, (double)done / _total);
        string eta = done > 0 && done < _total ? $", {Format((seconds / done) * (_total - done))} left" : "";
        _console.Error.WriteLine($"{_label}: {done}/{_total} ({fraction * 100:F0} %), {Format(seconds)}{eta}");
    }

    private static string Format(double seconds) =>
        seconds < 60 ? $"{seconds:F0} s" : seconds < 3600 ? $"{seconds / 60:F1} min" : $"{seconds / 3600:F1} h";

    public void Dispose()
    {
        lock (_lock)
        {
            if (_finished) return;
            _finished = true;
            if (!Enabled) return;
            if (_bar is not null)
            {
                _bar.Stop(Done);
                return;
            }
            // Nothing done and nothing shown (refused before the first item): no "0/N" line above the error.
            if (Done == 0 && _lastDraw < 0) return;
            if (_lastDraw < 0 || Done != _total) Line(Done, _watch.Elapsed.TotalSeconds);
        }
    }

    /// <summary>
    /// One Spectre.Console progress task on stderr, drawn by Spectre's render loop until <see cref="Stop"/>; the
    /// finished bar stays on the screen. A bar nothing was done on is cleared (no empty bar above an error).
    /// </summary>
    private sealed class SpectreBar
    {
        private readonly TaskCompletionSource _stop = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly Task _render;
        private ProgressTask? _task;
        private bool _clear;

        public SpectreBar(TextWriter error, string label, long total)
        {
            var console = AnsiConsole.Create(new AnsiConsoleSettings
            {
                Ansi = AnsiSupport.Detect,
                ColorSystem = ColorSystemSupport.Detect,
                Interactive = InteractionSupport.Yes,
                Out = new AnsiConsoleOutput(error),
            });
            var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var progress = console.Progress()
                .AutoRefresh(true)
                .HideCompleted(false)
                .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(),
                    new PercentageColumn(), new ItemsColumn(), new ElapsedTimeColumn(), new RemainingTimeColumn());
            _render = Task.Run(() => progress.StartAsync(async context =>
            {
                _task = context.AddTask(Markup.Escape(label), maxValue: Math.Max(total, 1));
                started.SetResult();
                await _stop.Task;
                if (_clear) _task.Description = "";
                context.Refresh();
            }));
            // The task exists before the first Advance (a render failure ends the wait too).
            Task.WaitAny(started.Task, _render);
        }

        public void Set(long done)
        {
            if (_task is { } task) task.Value = done;
        }

        public void Stop(long done)
        {
            Set(done);
            _clear = done == 0;
            _stop.TrySetResult();
            try { _render.Wait(TimeSpan.FromSeconds(10)); }
            catch (AggregateException) { }   // drawing progress never fails the work
        }
    }

    /// <summary>"3/12 items": the count beside the bar.</summary>
    private sealed class ItemsColumn : ProgressColumn
    {
        public override Spectre.Console.Rendering.IRenderable Render(
            Spectre.Console.Rendering.RenderOptions options, ProgressTask task, TimeSpan deltaTime) =>
            new Text($"{task.Value:0}/{task.MaxValue:0}");
    }
}
