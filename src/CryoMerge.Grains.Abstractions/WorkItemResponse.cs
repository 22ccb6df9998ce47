namespace CryoMerge.Grains;

/// <summary>What a worker grain reports for one item: a small record, never image data.</summary>
/// <remarks>
/// <see cref="Error"/> is null on success. <see cref="IsInputError"/> marks a problem with the user's data, which
/// a retry cannot fix (the job stops with that message); any other error is retried on another activation.
/// <see cref="Seconds"/> is the wall time of the work on the node. Its size does not grow with what the item holds
/// (the job store keeps one per finished item): <see cref="Result"/> is the kind's small result record and
/// <see cref="Outputs"/> a summary of the files written. Id 5 (a list of every output's path, length and hash until
/// the outputs were summarised) is not reused.
/// </remarks>
[GenerateSerializer, Immutable, Alias("cryomerge.WorkItemResponse")]
public sealed record WorkItemResponse(
    [property: Id(0)] string ItemId,
    [property: Id(1)] string Kind,
    [property: Id(2)] string Result,
    [property: Id(3)] long Particles,
    [property: Id(4)] long BytesRead,
    [property: Id(10)] WorkItemOutputs Outputs,
    [property: Id(6)] string Silo,
    [property: Id(7)] double Seconds,
    [property: Id(8)] string? Error = null,
    [property: Id(9)] bool IsInputError = false);
