namespace CryoMerge.Core.Merging.Pipeline;

/// <summary>
/// Which work item of a merge this is: its stage, the data set it belongs to ("" for an item of the whole job) and a
/// key that tells the items of one data set apart (a stack, a shard number; "" when the data set has one item).
/// Stable across runs of the same plan. Code reads the parts; the string form, <see cref="ToString"/>, is only
/// written (telemetry, checkpoints, grain keys) and never parsed back.
/// </summary>
public sealed record WorkItemId(string Stage, string DataSet = "", string Key = "")
{
    /// <summary>The parts that are not empty, joined by '/': "prepare/DS1", "extract/DS2/{stack}".</summary>
    public override string ToString() =>
        DataSet.Length == 0 && Key.Length == 0 ? Stage
        : DataSet.Length == 0 ? $"{Stage}/{Key}"
        : Key.Length == 0 ? $"{Stage}/{DataSet}"
        : $"{Stage}/{DataSet}/{Key}";
}
