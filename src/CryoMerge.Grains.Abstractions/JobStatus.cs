namespace CryoMerge.Grains;

/// <summary>Where a merge job is.</summary>
[GenerateSerializer, Alias("cryomerge.JobState")]
public enum JobState
{
    Pending = 0,
    Running = 1,
    Completed = 2,
    Failed = 3,
    Cancelled = 4,
}

/// <summary>Progress of a merge job, readable at any time while it runs.</summary>
/// <remarks>
/// Stage is the running stage's name; ItemsDone/ItemsTotal count that stage's items. WorkBySilo counts items
/// done per silo name over the whole job. Summary is the final merge summary as JSON once completed.
/// UpdatedUtc is the time of the job's last progress (an item done, a stage started, the end). CoordinatorSilo names
/// the silo whose activation answered. Resuming is true while a coordinator that took the job over after its silo
/// stopped has not made progress yet; done counts never go below what an earlier answer said.
/// </remarks>
[GenerateSerializer, Immutable, Alias("cryomerge.JobStatus")]
public sealed record JobStatus(
    [property: Id(0)] string JobId,
    [property: Id(1)] JobState State,
    [property: Id(2)] string Stage,
    [property: Id(3)] int StageIndex,
    [property: Id(4)] int StageCount,
    [property: Id(5)] long ItemsDone,
    [property: Id(6)] long ItemsTotal,
    [property: Id(7)] string? Message,
    [property: Id(8)] IReadOnlyDictionary<string, long> WorkBySilo,
    [property: Id(9)] string? Summary,
    [property: Id(10)] DateTimeOffset UpdatedUtc,
    [property: Id(11)] string? CoordinatorSilo = null,
    [property: Id(12)] bool Resuming = false)
{
    public bool IsFinished => State is JobState.Completed or JobState.Failed or JobState.Cancelled;
}

/// <summary>A request to run a merge plan.</summary>
/// <remarks>
/// PlanJson is the validated plan (absolute paths); Restart forgets any earlier progress of the same job. RequestId
/// identifies one submission: a client that sends the same request again (its answer was lost with a gateway) does not
/// restart the job a second time.
/// </remarks>
[GenerateSerializer, Immutable, Alias("cryomerge.MergeJobRequest")]
public sealed record MergeJobRequest(
    [property: Id(0)] string PlanJson,
    [property: Id(1)] string PlanSource,
    [property: Id(2)] bool Restart,
    [property: Id(3)] string? RequestId = null);
