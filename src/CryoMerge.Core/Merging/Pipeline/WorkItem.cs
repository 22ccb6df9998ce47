using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace CryoMerge.Core.Merging.Pipeline;

/// <summary>
/// One unit of a merge: a pure function of its parameters and input files (one micrograph to extract, one
/// stack shard to window, one pixel-size candidate to score). Its outputs have deterministic names and are
/// written atomically, so running it twice (a retry after a node failure) gives the same files, neither lost
/// nor duplicated. Parameters travel as JSON so that the contract between nodes does not change with Core.
/// </summary>
/// <param name="Id">Unique within the job and stable across runs, e.g. "extract/DS2/mic000012".</param>
/// <param name="Kind">Which <see cref="IWorkHandler"/> runs it.</param>
/// <param name="Parameters">JSON of the handler's parameter record.</param>
/// <param name="DataSet">The data set it belongs to, for telemetry and reports.</param>
public sealed record WorkItem(string Id, string Kind, string Parameters, string DataSet = "")
{
    public static WorkItem Create<T>(string id, string kind, T parameters, string dataSet = "") =>
        new(id, kind, JsonSerializer.Serialize(parameters, WorkJson.Options), dataSet);

    public T ParametersAs<T>() =>
        JsonSerializer.Deserialize<T>(Parameters, WorkJson.Options) ?? throw new InvalidOperationException($"{Id}: no parameters");
}

/// <summary>What a work item produced: a small record, never image data.</summary>
/// <param name="Result">JSON of the handler's result record.</param>
/// <param name="Outputs">Files written (final names).</param>
public sealed record WorkResult(string Id, string Kind, string Result, long Particles = 0, long BytesRead = 0, IReadOnlyList<string>? Outputs = null)
{
    public IReadOnlyList<string> OutputFiles => Outputs ?? [];

    public static WorkResult Create<T>(WorkItem item, T result, long particles = 0, long bytesRead = 0, IReadOnlyList<string>? outputs = null) =>
        new(item.Id, item.Kind, JsonSerializer.Serialize(result, WorkJson.Options), particles, bytesRead, outputs);

    public T ResultAs<T>() =>
        JsonSerializer.Deserialize<T>(Result, WorkJson.Options) ?? throw new InvalidOperationException($"{Id}: no result");
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
