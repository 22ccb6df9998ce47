using System.Diagnostics;
using CryoMerge.Core.Merging.Pipeline;
using CryoMerge.Grains.Workers;
using Microsoft.Extensions.Logging;
using Orleans.Runtime;

namespace CryoMerge.Grains.Jobs;

public sealed partial class MergeJobGrain
{
    /// <summary>
    /// Runs a stage's items on worker grains spread over the cluster, a bounded number in flight, skipping items
    /// already done before a resume, checkpointing results and retrying failed attempts on fresh activations.
    /// Returns the results in item order.
    /// </summary>
    private async Task<IReadOnlyList<WorkResult>> FanOutAsync(
        IMergeStage stage, IReadOnlyList<WorkItem> items, CancellationToken cancellationToken)
    {
        var placements = items.Select(i => stage.KindOf(i).Placement).ToList();   // fails before any item runs
        int silos = CountActiveSilos();
        int maxInFlight = Math.Max(1, silos * options.Value.InFlightPerSilo);
        int threads = items.Count == 1 ? 0 : 1;   // a stage's single item may use every core of its node
        var pending = new Queue<(int Index, int Attempt)>(Enumerable.Range(0, items.Count)
            .Where(i => !S.DoneItems.ContainsKey(items[i].Id.ToString())).Select(i => (i, 0)));
        var running = new Dictionary<Task<WorkItemResponse>, (int Index, int Attempt)>();
        try
        {
            while (pending.Count > 0 || running.Count > 0)
            {
                while (running.Count < maxInFlight && pending.TryDequeue(out var next))
                {
                    var call = CallAsync(items[next.Index], placements[next.Index], next.Attempt, threads, cancellationToken);
                    running.Add(call, next);
                }
                var finished = await Task.WhenAny(running.Keys);
                var (index, attempt) = running[finished];
                var item = items[index];
                running.Remove(finished);
                string failure;
                try
                {
                    var response = await finished;
                    if (response.Error is null)
                    {
                        S.DoneItems[item.Id.ToString()] = response;
                        S.WorkBySilo[response.Silo] = S.WorkBySilo.GetValueOrDefault(response.Silo) + 1;
                        Changed();
                        await CheckpointAsync(force: false);
                        continue;
                    }
                    if (response.IsInputError) throw new JobFailedException(response.Error);
                    failure = $"{response.Error} (on {response.Silo})";
                }
                catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
                {
                    throw;
                }
                catch (Exception e) when (e is not JobFailedException)
                {
                    // The silo died, the call timed out, the connection broke: try again elsewhere.
                    failure = $"{e.GetType().Name}: {e.Message}";
                }
                if (attempt + 1 >= options.Value.MaxAttempts)
                    throw new JobFailedException($"{item.Id} failed {attempt + 1} times; last error: {failure}");
                string id = item.Id.ToString();
                logger.LogWarning("Work item {Item} attempt {Attempt} failed, retrying: {Failure}", id, attempt + 1, failure);
                var tags = new ActivityTagsCollection { ["cryomerge.item"] = id, ["error"] = failure };
                Activity.Current?.AddEvent(new ActivityEvent("retry", tags: tags));
                await Task.Delay(TimeSpan.FromMilliseconds(200 * (attempt + 1)), cancellationToken);
                pending.Enqueue((index, attempt + 1));
            }
        }
        finally
        {
            // Items still in flight when the stage stops (cancellation, a failed item) are cancelled with the token.
            await CheckpointAsync(force: true);
        }
        return items.Select(i => ToResult(i.Id, S.DoneItems[i.Id.ToString()])).ToList();
    }

    private Task<WorkItemResponse> CallAsync(
        WorkItem item, WorkPlacement placement, int attempt, int threads, CancellationToken cancellationToken)
    {
        // A fresh key per attempt: a retry never waits for the directory to forget an activation on a dead silo.
        string key = $"{S.JobId}/{item.Id}#{attempt}";
        var request = new WorkItemRequest(
            S.JobId, item.Id.Stage, item.Id.ToString(), item.Kind, item.Parameters, item.DataSet, threads, item.Id.Key);
        return WorkGrains.For(GrainFactory, placement, key).RunAsync(request, cancellationToken);
    }

    /// <summary>Active silos as this silo's membership view has them: local, no call to the management grain.</summary>
    private int CountActiveSilos() =>
        Math.Max(1, membership.CurrentSnapshot.Members.Values.Count(m => m.Status == SiloStatus.Active));

    private static WorkResult ToResult(WorkItemId id, WorkItemResponse r) =>
        new(id, r.Result, r.Particles, r.BytesRead, r.Outputs.Select(o => o.Path).ToList());
}
