namespace CryoMerge.Grains.Jobs;

/// <summary>
/// What the coordinator persists when a job starts, when each stage starts and when it ends: the plan, the merge state
/// after the last completed stage and the stage it is in. The running stage's finished items are not here but in the
/// job's journal (<see cref="IJobJournal"/>), so that this file does not grow with the job; a new activation reads both
/// and resumes where the last stopped.
/// </summary>
public sealed class MergeJobState
{
    public string JobId { get; set; } = "";
    public JobState State { get; set; } = JobState.Pending;
    public string PlanJson { get; set; } = "";
    public string PlanSource { get; set; } = "";
    /// <summary>One start of the job: the journal's lines belong to a run; a restart begins a new one.</summary>
    public string RunId { get; set; } = "";
    /// <summary>
    /// The request that began this run, so that a request sent again after a lost answer does not restart twice.
    /// </summary>
    public string? RequestId { get; set; }
    /// <summary>
    /// The plan's input files as they were when this run started (<c>PlanFiles.InputStamps</c>): a finished job whose
    /// inputs changed since is run again, and a running one is not resumed on different inputs. Empty in states
    /// written before it was kept: not checked then.
    /// </summary>
    public string InputStamps { get; set; } = "";
    /// <summary>JSON of Core's MergeState after the last completed stage.</summary>
    public string MergeStateJson { get; set; } = "";
    /// <summary>The running stage (the next to run until it is planned).</summary>
    public int StageIndex { get; set; }
    public int StageCount { get; set; }
    /// <summary>
    /// Name and item count of stage <see cref="StageIndex"/> once planned ("" before), or "done" at the end.
    /// </summary>
    public string StageName { get; set; } = "";
    public long StageItemsTotal { get; set; }
    /// <summary>
    /// Finished items of the running stage, by item id, as versions before the journal recorded them; read when such
    /// a job resumes, never written any more.
    /// </summary>
    public Dictionary<string, WorkItemResponse> DoneItems { get; set; } = [];
    /// <summary>
    /// Items done per silo in the stages before <see cref="StageIndex"/> (the journal counts the running stage's).
    /// </summary>
    public Dictionary<string, long> WorkBySilo { get; set; } = [];
    public string? Message { get; set; }
    /// <summary>
    /// W3C trace parent of the request that started the job, so that a resumed job stays in the same trace.
    /// </summary>
    public string? TraceParent { get; set; }
    /// <summary>When this state was written: the start of the running stage, or the end of the job.</summary>
    public DateTimeOffset UpdatedUtc { get; set; }
    /// <summary>Times the job's loop has (re)started; above 1 after a resume.</summary>
    public int Activations { get; set; }
}

/// <summary>Names shared by the grains and the hosts that configure them.</summary>
public static class StorageNames
{
    /// <summary>The grain storage provider holding coordinator state (a folder on shared storage).</summary>
    public const string JobStore = "cryomerge-jobs";

    /// <summary>The state name of a merge job.</summary>
    public const string JobState = "merge-job";

    /// <summary>The folder (beside the job states) of the jobs' journals and heartbeats.</summary>
    public const string JobJournal = "merge-job-journal";
}
