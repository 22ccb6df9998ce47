namespace CryoMerge.Grains;

/// <summary>
/// The files a work item wrote, summarised to a record of the same size however many there are (an extraction item
/// writes a stack per micrograph, and the job store keeps one of these per finished item): how many, their bytes in
/// all, one hash of their contents, and the first one's path.
/// </summary>
/// <remarks>
/// <see cref="ContentHash"/> is the lower-case hexadecimal XXH128 of every file's length and content in the item's
/// order (<c>FileHash.Contents</c>): it changes when any of them does. <see cref="FirstPath"/> is null when the item
/// wrote nothing.
/// </remarks>
[GenerateSerializer, Immutable, Alias("cryomerge.WorkItemOutputs")]
public sealed record WorkItemOutputs(
    [property: Id(0)] int Count,
    [property: Id(1)] long Bytes,
    [property: Id(2)] string ContentHash,
    [property: Id(3)] string? FirstPath)
{
    /// <summary>No files.</summary>
    public static readonly WorkItemOutputs None = new(0, 0, "", null);
}
