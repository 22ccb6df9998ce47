namespace CryoMerge.Core.Extraction;

/// <summary>
/// What tells cheaply that a file changed: its length and its last write time (to the 100 ns tick). A coordinate
/// index keeps the stamps of the files it was made from and is rebuilt, never trusted, when one differs.
/// </summary>
internal readonly record struct FileStamp(long Length, long WriteTicks)
{
    /// <summary>The stamp of <paramref name="path"/> now; (-1, -1) when it is not there.</summary>
    public static FileStamp Of(string path)
    {
        var info = new FileInfo(path);
        return info.Exists ? new FileStamp(info.Length, info.LastWriteTimeUtc.Ticks) : new FileStamp(-1, -1);
    }
}
