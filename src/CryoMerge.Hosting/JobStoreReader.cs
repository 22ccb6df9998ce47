using CryoMerge.Grains;
using CryoMerge.Grains.Jobs;

namespace CryoMerge.Hosting;

/// <summary>
/// A job as its record on the job store says it is: state, finished items of its running stage, last heartbeat.
/// </summary>
/// <param name="ItemsDone">Finished items of the running stage (all of the last stage's once completed).</param>
/// <param name="LastProgressUtc">The last progress recorded: the later of the state's last write, the last item
/// journaled and the heartbeat's report.</param>
public sealed record StoredJob(
    MergeJobState State,
    long ItemsDone,
    Dictionary<string, long> WorkBySilo,
    DateTimeOffset LastProgressUtc,
    JobHeartbeat? Heartbeat)
{
    /// <summary>
    /// True when the job is running on some silo: its state says running and its coordinator's heartbeat is fresh.
    /// A running job without a fresh heartbeat is run by no silo (its silo stopped or died).
    /// </summary>
    public bool IsRunNow(DateTimeOffset now) =>
        State.State == JobState.Running && Heartbeat is { } beat && beat.StaleAfterUtc > now;

    /// <summary>
    /// The job as <see cref="JobStatus"/>; <see cref="JobStatus.Resuming"/> when no silo runs it now.
    /// </summary>
    public JobStatus ToStatus(DateTimeOffset now) => new(
        State.JobId, State.State, State.StageName, State.StageIndex, State.StageCount,
        ItemsDone, State.StageItemsTotal, State.Message, WorkBySilo, null, LastProgressUtc,
        IsRunNow(now) ? Heartbeat!.Silo : null, Resuming: State.State == JobState.Running && !IsRunNow(now));
}

/// <summary>Reads jobs from a job-state folder without Orleans ('cryomerge status' without a cluster, tests).</summary>
public static class JobStoreReader
{
    /// <summary>Every job in the folder, oldest update first; only <paramref name="jobId"/> when given.</summary>
    public static IReadOnlyList<StoredJob> Read(string stateDirectory, string? jobId = null)
    {
        string folder = Path.Combine(stateDirectory, StorageNames.JobState);
        if (!Directory.Exists(folder)) return [];
        var journal = new FileJobJournal(stateDirectory);
        var jobs = new List<StoredJob>();
        foreach (var file in Directory.GetFiles(folder, "*.json"))
        {
            MergeJobState? state;
            try
            {
                state = FileGrainStorage.ReadFile<MergeJobState>(file);
            }
            catch (Exception e) when (e is IOException or System.Text.Json.JsonException)
            {
                continue;   // being replaced, or not ours
            }
            if (state is null || (jobId is not null && state.JobId != jobId)) continue;
            jobs.Add(Read(state, journal));
        }
        return jobs.OrderBy(j => j.LastProgressUtc).ToList();
    }

    private static StoredJob Read(MergeJobState state, FileJobJournal journal)
    {
        var done = new HashSet<string>(state.DoneItems.Keys, StringComparer.Ordinal);
        var bySilo = new Dictionary<string, long>(state.WorkBySilo);
        foreach (var response in state.DoneItems.Values)
            bySilo[response.Silo] = bySilo.GetValueOrDefault(response.Silo) + 1;
        var last = state.UpdatedUtc;
        if (state.State == JobState.Running && state.StageName.Length > 0)
        {
            foreach (var entry in journal.Read(state.JobId, state.RunId, state.StageIndex))
            {
                if (!done.Add(entry.Response.ItemId)) continue;
                bySilo[entry.Response.Silo] = bySilo.GetValueOrDefault(entry.Response.Silo) + 1;
                if (entry.DoneUtc > last) last = entry.DoneUtc;
            }
        }
        var beat = state.State == JobState.Running ? journal.ReadHeartbeat(state.JobId) : null;
        if (beat is not null && beat.LastProgressUtc > last) last = beat.LastProgressUtc;
        long itemsDone = state.State == JobState.Completed ? state.StageItemsTotal : done.Count;
        return new StoredJob(state, itemsDone, bySilo, last, beat);
    }
}
