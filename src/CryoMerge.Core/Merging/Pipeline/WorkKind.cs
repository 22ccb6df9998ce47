using System.Text.Json;

namespace CryoMerge.Core.Merging.Pipeline;

/// <summary>
/// Where a cluster runs a kind of work item. Each value is one worker grain interface; the grains project maps
/// them with a switch that does not build while a value is missing.
/// </summary>
public enum WorkPlacement
{
    /// <summary>A step over one data set or the whole job (prepare, fit, CTF scaling, gather, join, summary).</summary>
    DataSet,
    /// <summary>One micrograph: rescale it or extract its particles.</summary>
    Micrograph,
    /// <summary>One shard of an existing particle stack.</summary>
    ParticleShard,
    /// <summary>A few pixel-size candidates of a score profile.</summary>
    ScaleCandidate,
}

/// <summary>What a work kind's run returns: its result record and what it did, for telemetry.</summary>
/// <param name="Particles">Particles written.</param>
/// <param name="BytesRead">Bytes of input read.</param>
/// <param name="Outputs">Files written (final names).</param>
public sealed record WorkOutput<TResult>(
    TResult Result, long Particles = 0, long BytesRead = 0, IReadOnlyList<string>? Outputs = null);

/// <summary>
/// A kind of work item, declared once by the stage that plans it (see <see cref="IMergeStage"/>): its name, the
/// grain placement that runs it and the function that runs it. The handler registry
/// (<see cref="WorkHandlers.Default"/>), the routing to grains and the serialiser test all enumerate
/// <see cref="Merging.MergeStages.Kinds"/>, so nothing else lists kinds.
/// </summary>
public abstract class WorkKind : IWorkHandler
{
    private protected WorkKind(string name, WorkPlacement placement)
    {
        Name = name;
        Placement = placement;
    }

    /// <summary>Unique name, the <see cref="WorkItem.Kind"/> that travels to the node ("extract-micrographs").</summary>
    public string Name { get; }

    /// <summary>Which worker grain a cluster runs it on.</summary>
    public WorkPlacement Placement { get; }

    /// <summary>The parameter record; it must be listed in <see cref="WorkJsonContext"/>.</summary>
    public abstract Type ParameterType { get; }

    /// <summary>The result record; it must be listed in <see cref="WorkJsonContext"/>.</summary>
    public abstract Type ResultType { get; }

    public abstract WorkResult Execute(WorkItem item, WorkEnvironment environment, CancellationToken cancellationToken);

    public override string ToString() => Name;
}

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
        new(id, Name, JsonSerializer.Serialize(parameters, WorkJson.Options));

    /// <summary>The result record of an item of this kind.</summary>
    public TResult ResultOf(WorkResult result) =>
        JsonSerializer.Deserialize<TResult>(result.Result, WorkJson.Options)
        ?? throw new InvalidOperationException($"{result.Id}: no result");

    public override WorkResult Execute(WorkItem item, WorkEnvironment environment, CancellationToken cancellationToken)
    {
        if (item.Kind != Name) throw new InvalidOperationException($"{item.Id} is a '{item.Kind}' item, not '{Name}'");
        var parameters = JsonSerializer.Deserialize<TParameters>(item.Parameters, WorkJson.Options)
            ?? throw new InvalidOperationException($"{item.Id}: no parameters");
        var output = run(parameters, environment, cancellationToken);
        string result = JsonSerializer.Serialize(output.Result, WorkJson.Options);
        return new WorkResult(item.Id, result, output.Particles, output.BytesRead, output.Outputs);
    }
}
