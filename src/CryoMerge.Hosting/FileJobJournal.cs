using System.Text;
using System.Text.Json;
using CryoMerge.Core;
using CryoMerge.Grains.Diagnostics;
using CryoMerge.Grains.Jobs;

namespace CryoMerge.Hosting;

/// <summary>
/// <see cref="IJobJournal"/> as files beside the job states on shared storage: per job a folder
/// <c>merge-job-journal/JOB.HASH/</c> holding <c>RUN.STAGE.jsonl</c> (one JSON line per finished item, only ever
/// appended; each append opens, writes and closes the file, so that another node sees it at once, NFS included) and
/// <c>heartbeat.json</c> (replaced atomically). A person can read both.
/// </summary>
public sealed class FileJobJournal(string root) : IJobJournal
{
    private const string HeartbeatName = "heartbeat.json";

    private const FileShare Shared = FileShare.ReadWrite | FileShare.Delete;

    private static readonly JsonSerializerOptions Lines = new()
    {
        TypeInfoResolver = JobStoreJsonContext.Default,
        WriteIndented = false,
    };

    public string Root { get; } = Path.GetFullPath(root);

    public Task AppendAsync(
        string jobId, string run, int stage, IReadOnlyList<JournalEntry> entries, CancellationToken cancel = default)
    {
        if (entries.Count == 0) return Task.CompletedTask;
        var text = new StringBuilder();
        foreach (var entry in entries) text.Append(JsonSerializer.Serialize(entry, Lines)).Append('\n');
        byte[] bytes = Encoding.UTF8.GetBytes(text.ToString());
        string path = StagePath(jobId, run, stage);
        return Task.Run(() =>
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            using (var stream = new FileStream(path, FileMode.Append, FileAccess.Write, Shared))
                stream.Write(bytes);
            CryoMergeTelemetry.JobStoreBytesWritten.Add(bytes.Length);
        }, CancellationToken.None);
    }

    public Task<IReadOnlyList<JournalEntry>> ReadAsync(
        string jobId, string run, int stage, CancellationToken cancel = default) =>
        Task.Run<IReadOnlyList<JournalEntry>>(() => Read(StagePath(jobId, run, stage)), cancel);

    public Task ForgetAsync(string jobId, string? run, int fromStage, CancellationToken cancel = default) =>
        Task.Run(() => Forget(jobId, run, fromStage), cancel);

    private void Forget(string jobId, string? run, int fromStage)
    {
        string folder = JobFolder(jobId);
        if (!Directory.Exists(folder)) return;
        if (run is null)
        {
            TryDelete(() => Directory.Delete(folder, recursive: true));
            return;
        }
        foreach (var file in Directory.EnumerateFiles(folder, "*.jsonl"))
        {
            var (fileRun, fileStage) = RunAndStageOf(file);
            if (fileRun != run || fileStage < fromStage) TryDelete(() => File.Delete(file));
        }
    }

    public Task BeatAsync(string jobId, JobHeartbeat beat, CancellationToken cancel = default) => Task.Run(() =>
    {
        string path = Path.Combine(JobFolder(jobId), HeartbeatName);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        string text = JsonSerializer.Serialize(beat, Lines);
        OutputFiles.WriteAllText(path, text);
        CryoMergeTelemetry.JobStoreBytesWritten.Add(Encoding.UTF8.GetByteCount(text));
    }, cancel);

    /// <summary>The stage's journal lines; a line that does not parse (cut short by a crash) is skipped.</summary>
    internal IReadOnlyList<JournalEntry> Read(string jobId, string run, int stage) =>
        Read(StagePath(jobId, run, stage));

    /// <summary>The job's last heartbeat, or null.</summary>
    internal JobHeartbeat? ReadHeartbeat(string jobId)
    {
        string path = Path.Combine(JobFolder(jobId), HeartbeatName);
        try
        {
            return File.Exists(path) ? JsonSerializer.Deserialize<JobHeartbeat>(File.ReadAllText(path), Lines) : null;
        }
        catch (Exception e) when (e is IOException or JsonException)
        {
            return null;
        }
    }

    internal string JobFolder(string jobId) =>
        Path.Combine(Root, StorageNames.JobJournal, FileGrainStorage.FileNameFor(jobId));

    private string StagePath(string jobId, string run, int stage) =>
        Path.Combine(JobFolder(jobId), $"{run}.{stage}.jsonl");

    private static List<JournalEntry> Read(string path)
    {
        var entries = new List<JournalEntry>();
        if (!File.Exists(path)) return entries;
        using var reader = new StreamReader(new FileStream(path, FileMode.Open, FileAccess.Read, Shared));
        while (reader.ReadLine() is { } line)
        {
            if (line.Length == 0) continue;
            try
            {
                var entry = JsonSerializer.Deserialize<JournalEntry>(line, Lines);
                if (entry is { Response: not null }) entries.Add(entry);
            }
            catch (JsonException)
            {
                // A line cut short by a crash: that item is run again.
            }
        }
        return entries;
    }

    private static (string Run, int Stage) RunAndStageOf(string file)
    {
        var parts = Path.GetFileNameWithoutExtension(file).Split('.');
        return parts.Length == 2 && int.TryParse(parts[1], out int stage) ? (parts[0], stage) : ("", -1);
    }

    private static void TryDelete(Action delete)
    {
        try { delete(); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }
}
