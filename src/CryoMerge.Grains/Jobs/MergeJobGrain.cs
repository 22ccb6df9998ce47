using System.Diagnostics;
using System.Text.Json;
using CryoMerge.Core;
using CryoMerge.Core.Merging;
using CryoMerge.Core.Merging.Pipeline;
using CryoMerge.Grains.Diagnostics;
using CryoMerge.Grains.Workers;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Runtime;

namespace CryoMerge.Grains.Jobs;

/// <inheritdoc cref="IMergeJobGrain"/>
public sealed partial class MergeJobGrain(
    [PersistentState(StorageNames.JobState, StorageNames.JobStore)] IPersistentState<MergeJobState> store,
    IOptions<WorkerOptions> options,
    ILocalSiloDetails silo,
    IClusterMembershipService membership,
    ILogger<MergeJobGrain> logger) : Grain, IMergeJobGrain
{
    private CancellationTokenSource? _cancellation;
    private Task? _loop;
    private DateTimeOffset _lastCheckpoint;
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private MergeJobState S => store.State;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        // A job that was running when its previous activation died resumes from its last checkpoint.
        if (S.State == JobState.Running)
        {
            logger.LogInformation("Resuming merge job {JobId} at stage {Stage} with {Done} items done", S.JobId, S.StageIndex, S.DoneItems.Count);
            StartLoop();
        }
        return Task.CompletedTask;
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
        if (!request.Restart && samePlan && S.State is JobState.Running or JobState.Completed)
        {
            if (S.State == JobState.Running) StartLoop();
            return Status();
        }
        if (_loop is { IsCompleted: false })
        {
            if (!request.Restart) throw new InvalidOperationException($"job {this.GetPrimaryKeyString()} is running another plan; cancel it first or restart");
            _cancellation?.Cancel();
            try { await _loop; } catch (OperationCanceledException) { }
        }
        var plan = JsonSerializer.Deserialize<MergePlan>(request.PlanJson, WorkJson.Options) ?? throw new ArgumentException("empty plan");
        store.State = new MergeJobState
        {
            JobId = this.GetPrimaryKeyString(),
            State = JobState.Running,
            PlanJson = request.PlanJson,
            PlanSource = request.PlanSource,
            MergeStateJson = MergeState.Start(plan).ToJson(),
            StageCount = MergeStages.For(plan).Count,
            TraceParent = Activity.Current?.Id,
            UpdatedUtc = DateTimeOffset.UtcNow,
        };
        await store.WriteStateAsync();
        StartLoop();
        return Status();
    }

    Task<JobStatus> IMergeJobGrain.GetStatusAsync() => Task.FromResult(Status());

    async Task<JobStatus> IMergeJobGrain.WaitForChangeAsync(JobStatus known, TimeSpan maxWait)
    {
        var wait = TimeSpan.FromTicks(Math.Clamp(maxWait.Ticks, 0, TimeSpan.FromSeconds(10).Ticks));   // well inside the call timeout
        var changed = _changed.Task;
        if (!Differs(Status(), known)) await Task.WhenAny(changed, Task.Delay(wait));
        return Status();
    }

    private static bool Differs(JobStatus a, JobStatus b) =>
        a.State != b.State || a.StageIndex != b.StageIndex || a.Stage != b.Stage || a.ItemsDone != b.ItemsDone || a.ItemsTotal != b.ItemsTotal;

    /// <summary>Wakes the followers waiting in <see cref="IMergeJobGrain.WaitForChangeAsync"/>.</summary>
    private void Changed()
    {
        var previous = _changed;
        _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        previous.TrySetResult();
    }

    Task<JobStatus> IMergeJobGrain.CancelAsync()
    {
        if (S.State is JobState.Running or JobState.Pending)
        {
            // The loop sees the cancellation, stops its items and writes the final state itself.
            S.State = JobState.Cancelled;
            S.Message = "cancelled";
            _cancellation?.Cancel();
            Changed();
        }
        return Task.FromResult(Status());
    }

    private JobStatus Status() => new(
        S.JobId.Length > 0 ? S.JobId : this.GetPrimaryKeyString(), S.State, S.StageName, S.StageIndex, S.StageCount,
        S.DoneItems.Count, S.StageItemsTotal, S.Message, new Dictionary<string, long>(S.WorkBySilo),
        S.State == JobState.Completed ? S.MergeStateJson : null, S.UpdatedUtc, silo.Name);

    private void StartLoop()
    {
        if (_loop is { IsCompleted: false }) return;
        _cancellation = new CancellationTokenSource();
        _loop = RunAsync(_cancellation.Token);
    }

    private async Task RunAsync(CancellationToken cancellationToken)
    {
        // Return to the caller first; the loop continues on this activation's scheduler.
        await Task.CompletedTask.ConfigureAwait(ConfigureAwaitOptions.ContinueOnCapturedContext | ConfigureAwaitOptions.ForceYielding);
        S.Activations++;
        ActivityContext.TryParse(S.TraceParent, null, out var parent);
        using var job = CryoMergeTelemetry.Source.StartActivity("merge job", ActivityKind.Internal, parent);
        job?.SetTag(CryoMergeTelemetry.JobIdTag, S.JobId);
        job?.SetTag("cryomerge.resumed", S.Activations > 1);
        try
        {
            var plan = JsonSerializer.Deserialize<MergePlan>(S.PlanJson, WorkJson.Options)!;
            var merge = MergeState.FromJson(S.MergeStateJson);
            var stages = MergeStages.For(plan);
            S.StageCount = stages.Count;
            for (int i = S.StageIndex; i < stages.Count; i++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var stage = stages[i];
                using var span = CryoMergeTelemetry.Source.StartActivity($"stage {stage.Name}");
                span?.SetTag(CryoMergeTelemetry.JobIdTag, S.JobId);
                span?.SetTag(CryoMergeTelemetry.StageTag, stage.Name);
                // Planning and folding read STAR files: off the grain scheduler.
                var items = await Task.Run(() => stage.Plan(merge), cancellationToken);
                S.StageName = stage.Name;
                S.StageItemsTotal = items.Count;
                Changed();
                await CheckpointAsync(force: true);
                var results = await FanOutAsync(stage, items, cancellationToken);
                await Task.Run(() => stage.Complete(merge, results), cancellationToken);
                S.MergeStateJson = merge.ToJson();
                S.StageIndex = i + 1;
                S.DoneItems.Clear();
                await CheckpointAsync(force: true);
            }
            S.State = JobState.Completed;
            S.StageName = "done";
            S.Message = $"merged {merge.MergedParticleCount} particles into {merge.MergedParticles ?? plan.Output}";
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            if (S.State != JobState.Cancelled) return;   // deactivation, not the user: resume on the next activation
            job?.SetStatus(ActivityStatusCode.Error, "cancelled");
        }
        catch (Exception e) when (e is JobFailedException or CryoMergeInputException)
        {
            S.State = JobState.Failed;
            S.Message = e.Message;
            job?.SetStatus(ActivityStatusCode.Error, e.Message);
        }
        catch (Exception e)
        {
            logger.LogError(e, "Merge job {JobId} failed", S.JobId);
            S.State = JobState.Failed;
            S.Message = $"internal error: {e.Message}";
            job?.SetStatus(ActivityStatusCode.Error, e.Message);
        }
        await CheckpointAsync(force: true);
        Changed();
    }

    private async Task CheckpointAsync(bool force)
    {
        var now = DateTimeOffset.UtcNow;
        if (!force && now - _lastCheckpoint < options.Value.CheckpointInterval) return;
        _lastCheckpoint = now;
        S.UpdatedUtc = now;
        await store.WriteStateAsync();
        // The loop makes only outgoing calls; keep the activation alive while it runs.
        if (S.State == JobState.Running) DelayDeactivation(TimeSpan.FromMinutes(10));
    }

    private sealed class JobFailedException(string message) : Exception(message);
}
