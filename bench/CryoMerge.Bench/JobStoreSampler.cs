using System.Diagnostics;
using System.Text.Json;

namespace CryoMerge.Bench;

/// <summary>
/// Watches a job store (the --state-dir folder) while a merge runs, every 50 ms: when each stage starts (the job's
/// state names its stage), how many items the extraction has, and every journal line appended (each finished item is
/// one line of merge-job-journal/JOB/RUN.STAGE.jsonl, read as it grows, so that lines of a journal deleted at the
/// end are counted too).
/// </summary>
internal sealed class JobStoreSampler : IDisposable
{
    private readonly string _root;
    private readonly Thread _thread;
    private readonly Stopwatch _watch = Stopwatch.StartNew();
    private readonly Dictionary<string, (long Offset, long Lines)> _journals = [];
    private readonly List<(string Stage, double At, double Cpu)> _stages = [];
    private readonly Func<double> _cpu;
    private long _extractItems;
    private int _extractStage = -1;
    private volatile bool _stop;

    /// <summary>
    /// Journal bytes and lines over the run and of the extract stage's journal (the stage whose items grow with the
    /// job), and the extract stage's items and duration.
    /// </summary>
    public sealed record Totals(long Bytes, long Lines, long ExtractBytes, long ExtractLines, long ExtractItems,
        double ExtractSeconds, double ExtractCpuSeconds)
    {
        public double BytesPerLine => Lines == 0 ? double.NaN : (double)Bytes / Lines;

        public double ExtractBytesPerLine => ExtractLines == 0 ? double.NaN : (double)ExtractBytes / ExtractLines;
    }

    /// <param name="cpu">The CPU seconds of the processes that run the job so far (read at each stage's start).</param>
    public JobStoreSampler(string stateDirectory, Func<double> cpu)
    {
        _root = stateDirectory;
        _cpu = cpu;
        _thread = new Thread(() =>
        {
            while (!_stop)
            {
                Sample();
                Thread.Sleep(50);
            }
            Sample();
        }) { IsBackground = true };
        _thread.Start();
    }

    private void Sample()
    {
        double now = _watch.Elapsed.TotalSeconds;
        try
        {
            string jobs = Path.Combine(_root, "merge-job");
            if (Directory.Exists(jobs))
                foreach (var file in Directory.EnumerateFiles(jobs, "*.json"))
                {
                    using var json = JsonDocument.Parse(File.ReadAllBytes(file));
                    var state = json.RootElement.GetProperty("State");
                    string stage = state.GetProperty("StageName").GetString() ?? "";
                    if (_stages.Count == 0 || _stages[^1].Stage != stage) _stages.Add((stage, now, _cpu()));
                    if (stage == "extract")
                    {
                        _extractItems = state.GetProperty("StageItemsTotal").GetInt64();
                        _extractStage = state.GetProperty("StageIndex").GetInt32();
                    }
                }
            string journal = Path.Combine(_root, "merge-job-journal");
            if (Directory.Exists(journal))
                foreach (var file in Directory.EnumerateFiles(journal, "*.jsonl", SearchOption.AllDirectories))
                    ReadNewLines(file);
        }
        catch (IOException) { }
        catch (JsonException) { }   // a state file being replaced
        catch (KeyNotFoundException) { }
    }

    private void ReadNewLines(string file)
    {
        var (offset, lines) = _journals.GetValueOrDefault(file);
        using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        if (stream.Length <= offset) return;
        stream.Position = offset;
        var buffer = new byte[stream.Length - offset];
        int read = stream.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false);
        // Only whole lines: a line still being appended is read next time.
        int end = Array.LastIndexOf(buffer, (byte)'\n', Math.Max(0, read - 1));
        if (end < 0) return;
        lines += buffer.AsSpan(0, end + 1).Count((byte)'\n');
        _journals[file] = (offset + end + 1, lines);
    }

    public Totals Stop()
    {
        _stop = true;
        _thread.Join();
        int extract = _stages.FindIndex(s => s.Stage == "extract");
        double seconds = extract < 0 ? double.NaN
            : (extract + 1 < _stages.Count ? _stages[extract + 1].At : _watch.Elapsed.TotalSeconds)
              - _stages[extract].At;
        double cpu = extract < 0 || extract + 1 >= _stages.Count ? double.NaN
            : _stages[extract + 1].Cpu - _stages[extract].Cpu;
        // Journals are named RUN.STAGE.jsonl.
        var extractJournals = _journals
            .Where(j => Path.GetFileNameWithoutExtension(j.Key).Split('.')[^1] == _extractStage.ToString())
            .Select(j => j.Value).ToList();
        return new Totals(_journals.Values.Sum(j => j.Offset), _journals.Values.Sum(j => j.Lines),
            extractJournals.Sum(j => j.Offset), extractJournals.Sum(j => j.Lines), _extractItems, seconds, cpu);
    }

    public void Dispose()
    {
        if (!_stop) Stop();
    }
}
