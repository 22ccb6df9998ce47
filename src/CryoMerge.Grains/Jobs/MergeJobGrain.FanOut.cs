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
    /// already done before a resume, recording results in the journal as they come (the items finished together in
    /// one append) and retrying failed attempts on fresh activations. Returns the results in item order.
    /// </summary>
    private async Task<IReadOnlyList<WorkResult>> FanOutAsync(
        IMergeStage stage, int stageIndex, IReadOnlyList<WorkItem> items, CancellationToken cancellationToken)
    {
        var placements = items.Select(i => stage.KindOf(i).Placement).ToList();   // fails before any item runs
        int silos = CountActiveSilos();
        int maxInFlight = Math.Max(1, silos * options.Value.InFlightPerSilo);
        int threads = items.Count == 1 ? 0 : 1;   // a stage's single item may use every core of its node
        var pending = new Queue<(int Index, int Attempt)>(Enumerable.Range(0, items.Count)
            .Where(i => !_done.ContainsKey(items[i].Id.ToString())).Select(i => (i, 0)));
        var running = new Dictionary<Task<WorkItemResponse>, (int Index, int Attempt)>();
        var finished = new List<JournalEntry>();
        while (pending.Count > 0 || running.Count > 0)
        {
            while (running.Count < maxInFlight && pending.TryDequeue(out var next))
            {
                var item = items[next.Index];
                var call = CallAsync(item, placements[next.Index], next.Attempt, threads, cancellationToken);
                running.Add(call, next);
            }
            if (_resuming)
            {
                _resuming = false;   // a coordinator runs the job again
                Changed(milestone: true);
            }
            await Task.WhenAny(running.Keys);
            foreach (var call in running.Keys.Where(t => t.IsCompleted).ToList())
            {
                var (index, attempt) = running[call];
                var item = items[index];
                running.Remove(call);
                string failure;
                try
                {
                    var response = await call;
                    if (response.Error is null)
                    {
                        finished.Add(new JournalEntry(response, DateTimeOffset.UtcNow));
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
                logger.LogWarning("Work item {Item} attempt {Attempt} failed, retrying: {Failure}",
                    id, attempt + 1, failure);
                var tags = new ActivityTagsCollection { ["cryomerge.item"] = id, ["error"] = failure };
                Activity.Current?.AddEvent(new ActivityEvent("retry", tags: tags));
                var backOff = TimeSpan.FromMilliseconds(200 * (attempt + 1));
                var retry = CallAsync(item, placements[index], attempt + 1, threads, cancellationToken, backOff);
                running.Add(retry, (index, attempt + 1));
            }
            if (finished.Count > 0) await RecordAsync(stageIndex, finished);
        }
        return items.Select(i => ToResult(i.Id, _done[i.Id.ToString()])).ToList();
    }

    /// <summary>
    /// Records finished items: first in the journal, then in what callers are told, so that no answer ever counts an
    /// item that a coordinator taking the job over would not find.
    /// </summary>
    private async Task RecordAsync(int stageIndex, List<JournalEntry> finished)
    {
        await journal.AppendAsync(S.JobId, S.RunId, stageIndex, finished);
        foreach (var entry in finished)
        {
            var response = entry.Response;
            if (!_done.TryAdd(response.ItemId, response)) continue;
            _workBySilo[response.Silo] = _workBySilo.GetValueOrDefault(response.Silo) + 1;
        }
        finished.Clear();
        Progressed(milestone: false);
    }

    private async Task<WorkItemResponse> CallAsync(WorkItem item, WorkPlacement placement, int attempt, int threads,
        CancellationToken cancellationToken, TimeSpan delay = default)
    {
        if (delay > TimeSpan.Zero) await Task.Delay(delay, cancellationToken);
        // A fresh key per attempt: a retry never waits for the directory to forget an activation on a dead silo.
        string key = $"{S.JobId}/{item.Id}#{attempt}";
        var request = new WorkItemRequest(
            S.JobId, item.Id.Stage, item.Id.ToString(), item.Kind, item.Parameters, item.DataSet, threads, item.Id.Key);
        return await WorkGrains.For(GrainFactory, placement, key).RunAsync(request, cancellationToken);
    }

    /// <summary>Active silos as this silo's membership view has them: local, no call to the management grain.</summary>
    private int CountActiveSilos() =>
        Math.Max(1, membership.CurrentSnapshot.Members.Values.Count(m => m.Status == SiloStatus.Active));

    /// <summary>A finished item as its stage's Complete takes it; the stages read their results, not the list of
    /// files written, which the job store keeps only as a summary (<see cref="WorkItemOutputs"/>).</summary>
    private static WorkResult ToResult(WorkItemId id, WorkItemResponse r) =>
        new(id, r.Result, r.Particles, r.BytesRead);
}
