using System.Diagnostics;
using System.Text.Json;
using CryoMerge.Core;
using CryoMerge.Core.Merging;
using CryoMerge.Core.Merging.Pipeline;
using CryoMerge.Core.Merging.Stages;
using CryoMerge.Grains.Diagnostics;
using CryoMerge.Grains.Workers;
using Microsoft.Extensions.Logging;
using Orleans.Storage;

namespace CryoMerge.Grains.Jobs;

public sealed partial class MergeJobGrain
{
    /// <summary>
    /// The job's background loop: plans each stage, writes the state once at the stage's start, fans its items out
    /// (each result goes to the journal), folds the results, and at the end writes the final state, removes what a
    /// crash left behind and unregisters the reminder.
    /// </summary>
    private async Task RunAsync(CancellationToken cancellationToken)
    {
        // Return to the caller first; the loop continues on this activation's scheduler.
        await Task.CompletedTask.ConfigureAwait(
            ConfigureAwaitOptions.ContinueOnCapturedContext | ConfigureAwaitOptions.ForceYielding);
        // Temporary files written by this loop (and the items it runs here) name this silo: leftovers of a crash are
        // found by it.
        OutputFiles.Writer = SiloWriters.Token(silo.SiloAddress);
        S.Activations++;
        await EnsureReminderAsync();
        ActivityContext.TryParse(S.TraceParent, null, out var parent);
        using var job = CryoMergeTelemetry.Source.StartActivity("merge job", ActivityKind.Internal, parent);
        job?.SetTag(CryoMergeTelemetry.JobIdTag, S.JobId);
        job?.SetTag("cryomerge.resumed", S.Activations > 1);
        MergePlan? plan = null;
        try
        {
            plan = JsonSerializer.Deserialize<MergePlan>(S.PlanJson, WorkJson.Options)!;
            var merge = MergeState.FromJson(S.MergeStateJson);
            string folded = S.MergeStateJson;
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
                bool resumedHere = i == S.StageIndex && S.StageName == stage.Name && S.StageItemsTotal == items.Count;
                if (!resumedHere) await BeginStageAsync(i, stage.Name, items.Count, folded);
                var results = await FanOutAsync(stage, i, items, cancellationToken);
                folded = await Task.Run(() =>
                {
                    stage.Complete(merge, results);
                    return merge.ToJson();
                }, cancellationToken);
            }
            S.MergeStateJson = folded;
            S.StageIndex = stages.Count;
            S.State = JobState.Completed;
            S.StageName = "done";
            S.Message = plan.IsReconstruction
                ? $"reconstructed {string.Join(", ", merge.Maps.Select(m => $"{m.Output} ({m.Particles} particles)"))}"
                : $"merged {merge.MergedParticleCount} particles into {merge.MergedParticles ?? plan.Output}";
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            if (S.State != JobState.Cancelled) return;   // deactivation, not the user: resume on the next activation
            job?.SetStatus(ActivityStatusCode.Error, "cancelled");
        }
        catch (InconsistentStateException e)
        {
            // Another activation of this job wrote its state: this one is stale and stops without writing.
            logger.LogWarning("Merge job {JobId}: another activation took over ({Message}); this one stops",
                S.JobId, e.Message);
            DeactivateOnIdle();
            return;
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
        await EndAsync(plan);
    }

    /// <summary>
    /// The one write of the state per stage: its name, its item count and the merge state it starts from.
    /// </summary>
    private async Task BeginStageAsync(int index, string name, int items, string mergeStateJson)
    {
        _done.Clear();
        S.DoneItems.Clear();
        S.StageIndex = index;
        S.StageName = name;
        S.StageItemsTotal = items;
        S.MergeStateJson = mergeStateJson;
        S.WorkBySilo = new Dictionary<string, long>(_workBySilo);
        await WriteStateAsync();
        await journal.ForgetAsync(S.JobId, S.RunId, fromStage: index);
        Progressed(milestone: true);
    }

    /// <summary>
    /// The job ended (completed, failed or cancelled): the final state, then the journal, heartbeat and reminder go.
    /// </summary>
    private async Task EndAsync(MergePlan? plan)
    {
        if (plan is not null) DeleteLeftoversOfDeadSilos(plan.Output);
        S.WorkBySilo = new Dictionary<string, long>(_workBySilo);
        S.DoneItems.Clear();
        try
        {
            await WriteStateAsync();
        }
        catch (InconsistentStateException e)
        {
            logger.LogWarning("Merge job {JobId}: another activation took over ({Message}); this one stops",
                S.JobId, e.Message);
            DeactivateOnIdle();
            return;
        }
        Progressed(milestone: true);
        await StopHeartbeatAsync();
        try
        {
            await journal.ForgetAsync(S.JobId, run: null, fromStage: 0);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            logger.LogWarning("Merge job {JobId}: cannot remove its journal: {Message}", S.JobId, e.Message);
        }
        await UnregisterReminderAsync();
    }

    private async Task WriteStateAsync()
    {
        S.UpdatedUtc = DateTimeOffset.UtcNow;
        await store.WriteStateAsync();
    }
}
