using Orleans.Concurrency;

namespace CryoMerge.Grains;

/// <summary>
/// The coordinator of one merge job (key: job id). It persists its plan and progress, returns from
/// <see cref="StartAsync"/> at once and runs the stages in the background, fanning each stage's items out to
/// worker grains spread over the silos, recording every result as it comes and retrying items whose silo died. A
/// reminder wakes it on a surviving silo when its own silo dies (or when the only silo comes back), and it resumes
/// from its record without anyone touching it.
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
    /// Items that finish close together are answered together (at most about ten answers a second); a new stage and
    /// the end are answered at once.
    /// </summary>
    [AlwaysInterleave, Alias("WaitForChangeAsync")]
    Task<JobStatus> WaitForChangeAsync(JobStatus known, TimeSpan maxWait);

    /// <summary>
    /// The job's items running now, by the name of the silo that runs them (silos with none are left out); one call to
    /// every silo, for a person or a script asking, not for polling.
    /// </summary>
    [AlwaysInterleave, Alias("GetRunningItemsAsync")]
    Task<IReadOnlyDictionary<string, IReadOnlyList<string>>> GetRunningItemsAsync();

    /// <summary>Stops the job: running items are cancelled, no partial output is left under a final name.</summary>
    [AlwaysInterleave, Alias("CancelAsync")]
    Task<JobStatus> CancelAsync();
}
