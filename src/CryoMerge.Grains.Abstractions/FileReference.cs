namespace CryoMerge.Grains;

/// <summary>A file on shared storage, by path and content, as work results name their outputs.</summary>
/// <remarks>Length in bytes; Sha256 lower-case hexadecimal of the content.</remarks>
[GenerateSerializer, Immutable, Alias("cryomerge.FileReference")]
public sealed record FileReference(
    [property: Id(0)] string Path,
    [property: Id(1)] long Length,
    [property: Id(2)] string Sha256);
