namespace CryoMerge.Grains;

/// <summary>One work item of a merge, sent from the coordinator to a worker grain.</summary>
/// <remarks>
/// <see cref="Parameters"/> is the JSON of the Core handler's parameter record (paths and numbers only), so that
/// the wire contract does not change when Core adds a parameter. <see cref="Threads"/> is how many threads the
/// item may use: 1 when many items run at once, 0 to let the node decide for a stage's single item.
/// <see cref="ItemId"/> is the item id's string form (for telemetry and messages); the worker rebuilds the typed id
/// from <see cref="Stage"/>, <see cref="DataSet"/> and <see cref="ItemKey"/>.
/// </remarks>
[GenerateSerializer, Immutable, Alias("cryomerge.WorkItemRequest")]
public sealed record WorkItemRequest(
    [property: Id(0)] string JobId,
    [property: Id(1)] string Stage,
    [property: Id(2)] string ItemId,
    [property: Id(3)] string Kind,
    [property: Id(4)] string Parameters,
    [property: Id(5)] string DataSet,
    [property: Id(6)] int Threads,
    [property: Id(7)] string ItemKey = "");
