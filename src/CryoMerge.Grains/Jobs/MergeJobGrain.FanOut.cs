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
    private async Task<IReadOnlyList<WorkResult>> FanOutAsync(string stage, IReadOnlyList<WorkItem> items, CancellationToken cancellationToken)
    {
        int silos = CountActiveSilos();
        int maxInFlight = Math.Max(1, silos * options.Value.InFlightPerSilo);
        int threads = items.Count == 1 ? 0 : 1;   // a stage's single item may use every core of its node
        var pending = new Queue<(WorkItem Item, int Attempt)>(items.Where(i => !S.DoneItems.ContainsKey(i.Id)).Select(i => (i, 0)));
        var running = new Dictionary<Task<WorkItemResponse>, (WorkItem Item, int Attempt)>();
        try
        {
            while (pending.Count > 0 || running.Count > 0)
            {
                while (running.Count < maxInFlight && pending.TryDequeue(out var next))
                    running.Add(CallAsync(stage, next.Item, next.Attempt, threads, cancellationToken), next);
                var finished = await Task.WhenAny(running.Keys);
                var (item, attempt) = running[finished];
                running.Remove(finished);
                string failure;
                try
                {
                    var response = await finished;
                    if (response.Error is null)
                    {
                        S.DoneItems[item.Id] = response;
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
                logger.LogWarning("Work item {Item} attempt {Attempt} failed, retrying: {Failure}", item.Id, attempt + 1, failure);
                Activity.Current?.AddEvent(new ActivityEvent("retry", tags: new ActivityTagsCollection { ["cryomerge.item"] = item.Id, ["error"] = failure }));
                await Task.Delay(TimeSpan.FromMilliseconds(200 * (attempt + 1)), cancellationToken);
                pending.Enqueue((item, attempt + 1));
            }
        }
        finally
        {
            // Items still in flight when the stage stops (cancellation, a failed item) are cancelled with the token.
            await CheckpointAsync(force: true);
        }
        return items.Select(i => ToResult(S.DoneItems[i.Id])).ToList();
    }

    private Task<WorkItemResponse> CallAsync(string stage, WorkItem item, int attempt, int threads, CancellationToken cancellationToken)
    {
        // A fresh key per attempt: a retry never waits for the directory to forget an activation on a dead silo.
        string key = $"{S.JobId}/{item.Id}#{attempt}";
        var request = new WorkItemRequest(S.JobId, stage, item.Id, item.Kind, item.Parameters, item.DataSet, threads);
        return WorkGrains.For(GrainFactory, item.Kind, key).RunAsync(request, cancellationToken);
    }

    /// <summary>Active silos as this silo's membership view has them: local, no call to the management grain.</summary>
    private int CountActiveSilos() =>
        Math.Max(1, membership.CurrentSnapshot.Members.Values.Count(m => m.Status == SiloStatus.Active));

    private static WorkResult ToResult(WorkItemResponse r) =>
        new(r.ItemId, r.Kind, r.Result, r.Particles, r.BytesRead, r.Outputs.Select(o => o.Path).ToList());
}
