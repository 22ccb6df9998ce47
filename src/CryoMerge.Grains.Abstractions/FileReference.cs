namespace CryoMerge.Grains;

/// <summary>A file on shared storage, by path and content, as work results name their outputs.</summary>
/// <remarks>Length in bytes; ContentHash the lower-case hexadecimal XXH128 of the content
/// (<c>FileHash.Content</c>).</remarks>
[GenerateSerializer, Immutable, Alias("cryomerge.FileReference")]
public sealed record FileReference(
    [property: Id(0)] string Path,
    [property: Id(1)] long Length,
    [property: Id(2)] string ContentHash);
