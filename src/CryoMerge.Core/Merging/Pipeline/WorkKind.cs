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
/// grain placement that runs it and the function that runs it. Stages declare the typed
/// <c>Stages.WorkKind&lt;TParameters, TResult&gt;</c>; the runners see only this. The handler registry
/// (<c>MergeStages.Handlers</c>), the routing to grains and the serialiser test all enumerate <c>MergeStages.Kinds</c>,
/// so nothing else lists kinds.
/// </summary>
public abstract class WorkKind : IWorkHandler
{
    private protected WorkKind(string name, WorkPlacement placement)
    {
        Name = name;
        Placement = placement;
    }

    /// <summary>Unique name, the <see cref="WorkItem.Kind"/> that travels to the node
    /// ("extract-micrographs").</summary>
    public string Name { get; }

    /// <summary>Which worker grain a cluster runs it on.</summary>
    public WorkPlacement Placement { get; }

    /// <summary>The parameter record; it must be listed in <c>Stages.StageJsonContext</c>.</summary>
    public abstract Type ParameterType { get; }

    /// <summary>The result record; it must be listed in <c>Stages.StageJsonContext</c>.</summary>
    public abstract Type ResultType { get; }

    public abstract WorkResult Execute(WorkItem item, WorkEnvironment environment, CancellationToken cancellationToken);

    public override string ToString() => Name;
}
