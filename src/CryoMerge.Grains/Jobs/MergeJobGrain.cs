using System.Diagnostics;
using System.Text.Json;
using CryoMerge.Core.Merging;
using CryoMerge.Core.Merging.Pipeline;
using CryoMerge.Core.Merging.Stages;
using CryoMerge.Grains.Workers;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Runtime;

namespace CryoMerge.Grains.Jobs;

/// <inheritdoc cref="IMergeJobGrain"/>
/// <remarks>
/// Split by concern: this file (activation, start, cancel), <c>.Loop</c> (the stages), <c>.FanOut</c> (a stage's
/// items),
/// <c>.Resume</c> (reminder, heartbeat, journal, leftovers of a crash) and <c>.Status</c> (what followers are told).
/// </remarks>
public sealed partial class MergeJobGrain(
    [PersistentState(StorageNames.JobState, StorageNames.JobStore)] IPersistentState<MergeJobState> store,
    IJobJournal journal,
    IOptions<WorkerOptions> options,
    ILocalSiloDetails silo,
    IClusterMembershipService membership,
    ILogger<MergeJobGrain> logger) : Grain, IMergeJobGrain, IRemindable
{
    private CancellationTokenSource? _cancellation;
    private Task? _loop;

    private MergeJobState S => store.State;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _lastProgressUtc = S.UpdatedUtc;
        foreach (var (name, count) in S.WorkBySilo) _workBySilo[name] = count;
        // A job that was running when its previous activation died resumes from its state and journal. Both are read
        // before any caller is answered, so that no answer counts fewer finished items than an earlier one did.
        if (S.State == JobState.Running && await ChangedInputAsync() is string changed)
        {
            // Items done on the old inputs would be joined with items done on the new ones: end it instead.
            S.State = JobState.Failed;
            S.Message = $"its input {changed} changed since the job started; run the plan again to start over";
            logger.LogWarning("Merge job {JobId} not resumed: {Message}", S.JobId, S.Message);
            await EndAsync(JsonSerializer.Deserialize<MergePlan>(S.PlanJson, WorkJson.Options));
            return;
        }
        if (S.State == JobState.Running)
        {
            await LoadJournalAsync(cancellationToken);
            _resuming = true;
            logger.LogInformation("Resuming merge job {JobId} at stage {Stage} with {Done} items done",
                S.JobId, S.StageIndex, _done.Count);
            StartLoop();
        }
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        _cancellation?.Cancel();
        return Task.CompletedTask;
    }

    async Task<JobStatus> IMergeJobGrain.StartAsync(MergeJobRequest request)
    {
        await CheckDataRootsAsync(request);
        bool samePlan = S.PlanJson == request.PlanJson;
        // The same request again (its answer was lost with a gateway): do not restart twice.
        bool repeated = request.RequestId is not null && request.RequestId == S.RequestId;
        if ((!request.Restart || repeated) && samePlan && S.State is JobState.Running or JobState.Completed)
        {
            if (S.State == JobState.Running) StartLoop();
            // A finished job stands for its outputs only while they are there and its inputs are those it read.
            if (repeated || S.State == JobState.Running || await OutOfDateAsync() is not string why)
                return Status();
            logger.LogInformation("Merge job {JobId} completed before, but {Why}: running it again", S.JobId, why);
        }
        if (_loop is { IsCompleted: false })
        {
            if (!request.Restart)
                throw new InvalidOperationException(
                    $"job {this.GetPrimaryKeyString()} is running another plan; cancel it first or restart");
            _cancellation?.Cancel();
            try { await _loop; } catch (OperationCanceledException) { }
        }
        var plan = JsonSerializer.Deserialize<MergePlan>(request.PlanJson, WorkJson.Options)
            ?? throw new ArgumentException("empty plan");
        string inputStamps = await Task.Run(() => PlanFiles.InputStamps(plan));
        store.State = new MergeJobState
        {
            JobId = this.GetPrimaryKeyString(),
            State = JobState.Running,
            PlanJson = request.PlanJson,
            PlanSource = request.PlanSource,
            RunId = Guid.NewGuid().ToString("N"),
            RequestId = request.RequestId,
            InputStamps = inputStamps,
            MergeStateJson = MergeState.Start(plan).ToJson(),
            StageCount = MergeStages.For(plan).Count,
            TraceParent = Activity.Current?.Id,
            UpdatedUtc = DateTimeOffset.UtcNow,
        };
        _done.Clear();
        _workBySilo.Clear();
        _lastProgressUtc = S.UpdatedUtc;
        _resuming = false;
        await store.WriteStateAsync();
        await journal.ForgetAsync(S.JobId, S.RunId, fromStage: 0);   // the journals of an earlier run
        await EnsureReminderAsync();   // from now on a crash of this silo does not stop the job
        StartLoop();
        return Status();
    }

    Task<JobStatus> IMergeJobGrain.CancelAsync()
    {
        if (S.State is JobState.Running or JobState.Pending)
        {
            // The loop sees the cancellation, stops its items and writes the final state itself.
            S.State = JobState.Cancelled;
            S.Message = "cancelled";
            _cancellation?.Cancel();
            Changed(milestone: true);
        }
        return Task.FromResult(Status());
    }

    /// <summary>
    /// Why the finished job no longer stands for its plan: an output gone, or an input changed since it started;
    /// null when it still does. Reads the file system, off the grain scheduler (and so with the state's values taken
    /// here: the state itself is the activation's).
    /// </summary>
    private Task<string?> OutOfDateAsync()
    {
        var (mergeStateJson, inputStamps, planJson) = (S.MergeStateJson, S.InputStamps, S.PlanJson);
        return Task.Run(() =>
            MergeState.FromJson(mergeStateJson).MissingOutput() is string missing
                ? $"its output {missing} is gone"
                : ChangedInput(inputStamps, planJson) is string changed ? $"its input {changed} changed" : null);
    }

    /// <summary>An input of the plan that differs from when this run started, or null; off the grain scheduler.
    /// </summary>
    private Task<string?> ChangedInputAsync()
    {
        var (inputStamps, planJson) = (S.InputStamps, S.PlanJson);
        return Task.Run(() => ChangedInput(inputStamps, planJson));
    }

    /// <summary>Null also when the stamps were not recorded (a state from before they were).</summary>
    private static string? ChangedInput(string inputStamps, string planJson) => inputStamps.Length == 0 ? null
        : PlanFiles.ChangedInput(inputStamps,
            PlanFiles.InputStamps(JsonSerializer.Deserialize<MergePlan>(planJson, WorkJson.Options)!));

    private void StartLoop()
    {
        if (_loop is { IsCompleted: false }) return;
        _cancellation = new CancellationTokenSource();
        StartHeartbeat();
        _loop = RunAsync(_cancellation.Token);
    }

    private sealed class JobFailedException(string message) : Exception(message);
}
