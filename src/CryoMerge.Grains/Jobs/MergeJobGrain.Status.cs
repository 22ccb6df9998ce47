using CryoMerge.Grains.Workers;
using Orleans.Runtime;
using Orleans.Serialization.TypeSystem;

namespace CryoMerge.Grains.Jobs;

public sealed partial class MergeJobGrain
{
    /// <summary>Grain class names of the workers, as the management grain reports activations.</summary>
    private static readonly string[] WorkerTypeNames = typeof(WorkItemGrain).Assembly.GetTypes()
        .Where(t => t.IsSubclassOf(typeof(WorkItemGrain)) && !t.IsAbstract)
        .Select(RuntimeTypeNameFormatter.Format).ToArray();

    /// <summary>The running stage's finished items by id (from the journal on a resume, then as they finish).</summary>
    private readonly Dictionary<string, WorkItemResponse> _done = [];
    /// <summary>Items done per silo over the whole job.</summary>
    private readonly Dictionary<string, long> _workBySilo = [];
    private DateTimeOffset _lastProgressUtc;
    /// <summary>True from a resume until the loop runs items again.</summary>
    private bool _resuming;
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private TaskCompletionSource _milestone = new(TaskCreationOptions.RunContinuationsAsynchronously);

    Task<JobStatus> IMergeJobGrain.GetStatusAsync() => Task.FromResult(Status());

    async Task<JobStatus> IMergeJobGrain.WaitForChangeAsync(JobStatus known, TimeSpan maxWait)
    {
        // Well inside the call timeout.
        var wait = TimeSpan.FromTicks(Math.Clamp(maxWait.Ticks, 0, TimeSpan.FromSeconds(10).Ticks));
        var current = Status();
        if (!Differs(current, known))
        {
            await Task.WhenAny(_changed.Task, Task.Delay(wait));
            current = Status();
            if (!Differs(current, known)) return current;
        }
        // Only more items done: wait a moment for the items finishing with them, so that one answer tells them all.
        // A new stage, a new state or the end are told at once.
        bool moreItemsOnly = current.State == known.State && current.Stage == known.Stage && !current.IsFinished;
        if (moreItemsOnly && options.Value.FollowerCoalescing > TimeSpan.Zero)
        {
            await Task.WhenAny(_milestone.Task, Task.Delay(options.Value.FollowerCoalescing));
            current = Status();
        }
        return current;
    }

    async Task<IReadOnlyDictionary<string, IReadOnlyList<string>>> IMergeJobGrain.GetRunningItemsAsync()
    {
        var activations = await GrainFactory.GetGrain<IManagementGrain>(0).GetDetailedGrainStatistics(WorkerTypeNames);
        var names = membership.CurrentSnapshot.Members.ToDictionary(m => m.Key, m => m.Value.Name);
        string prefix = S.JobId + "/";
        var running = new SortedDictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var a in activations)
        {
            string key = a.GrainId.Key.ToString()!;
            if (!key.StartsWith(prefix, StringComparison.Ordinal)) continue;
            int attempt = key.LastIndexOf('#');
            string item = attempt > prefix.Length ? key[prefix.Length..attempt] : key[prefix.Length..];
            if (_done.ContainsKey(item)) continue;   // finished; its activation goes away shortly
            string siloName = names.GetValueOrDefault(a.SiloAddress) ?? a.SiloAddress.ToString();
            if (!running.TryGetValue(siloName, out var list)) running[siloName] = list = [];
            list.Add(item);
        }
        return running.ToDictionary(
            p => p.Key, p => (IReadOnlyList<string>)p.Value.Order(StringComparer.Ordinal).Distinct().ToList());
    }

    private static bool Differs(JobStatus a, JobStatus b) =>
        a.State != b.State || a.StageIndex != b.StageIndex || a.Stage != b.Stage
        || a.ItemsDone != b.ItemsDone || a.ItemsTotal != b.ItemsTotal
        || a.Resuming != b.Resuming;

    /// <summary>
    /// The job made progress: an item done (not a milestone), a stage started or the job ended (milestones).
    /// </summary>
    private void Progressed(bool milestone)
    {
        _lastProgressUtc = DateTimeOffset.UtcNow;
        _resuming = false;
        Changed(milestone);
    }

    /// <summary>Wakes the followers waiting in <see cref="IMergeJobGrain.WaitForChangeAsync"/>.</summary>
    private void Changed(bool milestone)
    {
        var previous = _changed;
        _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        previous.TrySetResult();
        if (!milestone) return;
        var stage = _milestone;
        _milestone = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        stage.TrySetResult();
    }

    private JobStatus Status() => new(
        S.JobId.Length > 0 ? S.JobId : this.GetPrimaryKeyString(), S.State, S.StageName, S.StageIndex, S.StageCount,
        S.State == JobState.Completed ? S.StageItemsTotal : _done.Count, S.StageItemsTotal, S.Message,
        new Dictionary<string, long>(_workBySilo), S.State == JobState.Completed ? S.MergeStateJson : null,
        _lastProgressUtc,
        silo.Name, Resuming: _resuming && S.State == JobState.Running);
}
