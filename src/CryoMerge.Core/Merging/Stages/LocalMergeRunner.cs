using CryoMerge.Core.Merging.Pipeline;

namespace CryoMerge.Core.Merging.Stages;

/// <summary>
/// Runs a merge straight through Core in this process: each stage's items in parallel, results folded in item
/// order. The distributed coordinator runs exactly the same stages and handlers, so both give the same files;
/// this runner is the baseline the Orleans overhead is measured against.
/// </summary>
public sealed class LocalMergeRunner(
    WorkEnvironment environment, WorkHandlers? handlers = null, int maxParallelItems = 0)
{
    private readonly WorkHandlers _handlers = handlers ?? MergeStages.Handlers;

    /// <summary>Called after each item with (stage, done, total).</summary>
    public Action<string, int, int>? Progress { get; init; }

    public MergeState Run(MergePlan plan, CancellationToken cancellationToken = default)
    {
        var state = MergeState.Start(plan);
        RunStages(state, MergeStages.For(plan), cancellationToken);
        return state;
    }

    /// <summary>Runs <paramref name="stages"/> on a state (the assessment of a finished merge, for one).</summary>
    public void RunStages(MergeState state, IEnumerable<IMergeStage> stages,
        CancellationToken cancellationToken = default)
    {
        foreach (var stage in stages)
        {
            var items = stage.Plan(state);
            foreach (var item in items) stage.KindOf(item);   // as the coordinator routes them: only declared kinds
            var results = new WorkResult[items.Count];
            // As the distributed coordinator does: a stage's only item may use every core, several items one each.
            var itemEnvironment = items.Count == 1
                ? environment with { ThreadsPerItem = Math.Max(environment.ThreadsPerItem, Environment.ProcessorCount) }
                : environment;
            int done = 0;
            var options = new ParallelOptions
            {
                MaxDegreeOfParallelism = maxParallelItems > 0 ? maxParallelItems : Environment.ProcessorCount,
                CancellationToken = cancellationToken,
            };
            Parallel.For(0, items.Count, options, i =>
            {
                results[i] = _handlers.Execute(items[i], itemEnvironment, cancellationToken);
                Progress?.Invoke(stage.Name, Interlocked.Increment(ref done), items.Count);
            });
            stage.Complete(state, results);
        }
    }
}
