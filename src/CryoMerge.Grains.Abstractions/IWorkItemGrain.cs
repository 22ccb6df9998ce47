namespace CryoMerge.Grains;

/// <summary>
/// Runs one work item of a merge on the silo where the grain is placed. Items are idempotent (deterministic
/// output names, atomic writes), so the coordinator may retry one on another activation after a failure.
/// </summary>
public interface IWorkItemGrain : IGrainWithStringKey
{
    /// <summary>Runs the item on this silo's bounded worker pool; seconds to a few minutes for the largest
    /// items.</summary>
    [ResponseTimeout("00:30:00")]
    [Alias("RunAsync")]
    Task<WorkItemResponse> RunAsync(WorkItemRequest request, CancellationToken cancellationToken = default);
}

/// <summary>Rescales one micrograph or movie, or extracts its particles. Key: "job/item".</summary>
[Alias("cryomerge.IMicrographGrain")]
public interface IMicrographGrain : IWorkItemGrain;

/// <summary>Rescales or windows one shard of an existing particle stack. Key: "job/item".</summary>
[Alias("cryomerge.IParticleShardGrain")]
public interface IParticleShardGrain : IWorkItemGrain;

/// <summary>Scores one pixel-size candidate of the relative pixel-size search. Key: "job/item".</summary>
[Alias("cryomerge.IScaleCandidateGrain")]
public interface IScaleCandidateGrain : IWorkItemGrain;

/// <summary>Runs a data-set-level step: CTF scaling, relabelling, gathering a data set's rows, joining. Key:
/// "job/item".</summary>
[Alias("cryomerge.IDataSetGrain")]
public interface IDataSetGrain : IWorkItemGrain;
