using Orleans.Concurrency;

namespace CryoMerge.Grains;

/// <summary>
/// The coordinator of one merge job (key: job id). It persists its plan and progress, returns from
/// <see cref="StartAsync"/> at once and runs the stages in the background, fanning each stage's items out to
/// worker grains spread over the silos, checkpointing every result and retrying items whose silo died. After a
/// failure of its own silo it resumes from the last checkpoint on its next activation.
/// </summary>
[Alias("cryomerge.IMergeJobGrain")]
public interface IMergeJobGrain : IGrainWithStringKey
{
    /// <summary>Starts (or, for the same plan, resumes or reports) the job; returns immediately.</summary>
    [Alias("StartAsync")]
    Task<JobStatus> StartAsync(MergeJobRequest request);

    /// <summary>Current progress; answered even while the job's loop is busy.</summary>
    [AlwaysInterleave, Alias("GetStatusAsync")]
    Task<JobStatus> GetStatusAsync();

    /// <summary>
    /// Progress once it differs from <paramref name="known"/> (another state, stage or count of items done), or after
    /// <paramref name="maxWait"/>: a follower learns of each step, and of the end, as it happens instead of polling.
    /// </summary>
    [AlwaysInterleave, Alias("WaitForChangeAsync")]
    Task<JobStatus> WaitForChangeAsync(JobStatus known, TimeSpan maxWait);

    /// <summary>Stops the job: running items are cancelled, no partial output is left under a final name.</summary>
    [AlwaysInterleave, Alias("CancelAsync")]
    Task<JobStatus> CancelAsync();
}
