namespace CryoMerge.Grains.Jobs;

/// <summary>
/// What the coordinator persists after every checkpoint: the plan, the merge state between stages, the stage
/// it is in and the items of that stage already done, so that a new activation resumes where the last stopped.
/// </summary>
public sealed class MergeJobState
{
    public string JobId { get; set; } = "";
    public JobState State { get; set; } = JobState.Pending;
    public string PlanJson { get; set; } = "";
    public string PlanSource { get; set; } = "";
    /// <summary>JSON of Core's MergeState after the last completed stage.</summary>
    public string MergeStateJson { get; set; } = "";
    public int StageIndex { get; set; }
    public int StageCount { get; set; }
    public string StageName { get; set; } = "";
    public long StageItemsTotal { get; set; }
    /// <summary>Results of the current stage's finished items, by item id.</summary>
    public Dictionary<string, WorkItemResponse> DoneItems { get; set; } = [];
    public Dictionary<string, long> WorkBySilo { get; set; } = [];
    public string? Message { get; set; }
    /// <summary>W3C trace parent of the request that started the job, so that a resumed job stays in the same trace.</summary>
    public string? TraceParent { get; set; }
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
}
