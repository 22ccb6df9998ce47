using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace CryoMerge.Core.Merging.Pipeline;

/// <summary>
/// One unit of a merge: a pure function of its parameters and input files (one micrograph to extract, one
/// stack shard to window, one pixel-size candidate to score). Its outputs have deterministic names and are
/// written atomically, so running it twice (a retry after a node failure) gives the same files, neither lost
/// nor duplicated. Parameters travel as JSON so that the contract between nodes does not change with Core.
/// Made by <see cref="WorkKind{TParameters, TResult}.Item"/>.
/// </summary>
/// <param name="Kind">The <see cref="WorkKind.Name"/> of the kind that runs it.</param>
/// <param name="Parameters">JSON of the kind's parameter record.</param>
public sealed record WorkItem(WorkItemId Id, string Kind, string Parameters)
{
    /// <summary>The data set it belongs to, for telemetry and reports ("" for an item of the whole job).</summary>
    public string DataSet => Id.DataSet;
}

/// <summary>What a work item produced: a small record, never image data.</summary>
/// <param name="Result">JSON of the kind's result record (<see cref="WorkKind{P, R}.ResultOf"/>).</param>
/// <param name="Outputs">Files written (final names).</param>
public sealed record WorkResult(
    WorkItemId Id, string Result, long Particles = 0, long BytesRead = 0, IReadOnlyList<string>? Outputs = null)
{
    public IReadOnlyList<string> OutputFiles => Outputs ?? [];
}

/// <summary>JSON settings shared by work parameters, results and the persisted merge state.</summary>
public static class WorkJson
{
    public static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        WriteIndented = false,
        NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals,
        TypeInfoResolver = JsonTypeInfoResolver.Combine(WorkJsonContext.Default, new DefaultJsonTypeInfoResolver()),
    };
}
