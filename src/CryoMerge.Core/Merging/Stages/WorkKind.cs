using System.Text.Json;
using CryoMerge.Core.Merging.Pipeline;

namespace CryoMerge.Core.Merging.Stages;

/// <summary>
/// A kind of work item: its run takes a <typeparamref name="TParameters"/> and returns a
/// <typeparamref name="TResult"/>.
/// </summary>
/// <param name="run">The work: pure but for its output files; stateless and safe to call concurrently.</param>
public sealed class WorkKind<TParameters, TResult>(
    string name,
    WorkPlacement placement,
    Func<TParameters, WorkEnvironment, CancellationToken, WorkOutput<TResult>> run) : WorkKind(name, placement)
{
    public override Type ParameterType => typeof(TParameters);

    public override Type ResultType => typeof(TResult);

    /// <summary>A work item of this kind.</summary>
    public WorkItem Item(WorkItemId id, TParameters parameters) =>
        new(id, Name, JsonSerializer.Serialize(parameters, StageJson.Options));

    /// <summary>The result record of an item of this kind.</summary>
    public TResult ResultOf(WorkResult result) =>
        JsonSerializer.Deserialize<TResult>(result.Result, StageJson.Options)
        ?? throw new InvalidOperationException($"{result.Id}: no result");

    public override WorkResult Execute(WorkItem item, WorkEnvironment environment, CancellationToken cancellationToken)
    {
        if (item.Kind != Name) throw new InvalidOperationException($"{item.Id} is a '{item.Kind}' item, not '{Name}'");
        var parameters = JsonSerializer.Deserialize<TParameters>(item.Parameters, StageJson.Options)
            ?? throw new InvalidOperationException($"{item.Id}: no parameters");
        var output = run(parameters, environment, cancellationToken);
        string result = JsonSerializer.Serialize(output.Result, StageJson.Options);
        return new WorkResult(item.Id, result, output.Particles, output.BytesRead, output.Outputs);
    }
}
