namespace CryoMerge.Core;

/// <summary>
/// Outputs appear atomically: each is written under a hidden temporary name in the same folder and renamed
/// over the final name only when complete, so an interrupted run never leaves a partial file under the name
/// a user (or RELION) would open. Inputs are never written.
/// </summary>
public static class OutputFiles
{
    /// <summary>Suffix of temporary files; a crashed run may leave such files, never a partial output.</summary>
    public const string TemporarySuffix = ".cryomerge-tmp";

    private static readonly AsyncLocal<string?> CurrentWriter = new();

    /// <summary>
    /// Who writes in the current flow of work (a silo's token, set around a work item), or null. Temporary names
    /// carry it, so that once that writer is known to be dead its leftovers can be told from files still being
    /// written (<see cref="TemporaryFileSweep"/>). Letters, digits, '-' and '_' only; other characters become '_'.
    /// </summary>
    public static string? Writer
    {
        get => CurrentWriter.Value;
        set => CurrentWriter.Value = value is null ? null : TemporaryFileSweep.SafeWriter(value);
    }

    /// <summary>
    /// A fresh temporary path next to <paramref name="path"/> (same file system, so the rename is atomic):
    /// <c>.NAME.GUID[.WRITER].cryomerge-tmp</c>.
    /// </summary>
    public static string TemporaryPathFor(string path)
    {
        string full = Path.GetFullPath(path);
        string dir = Path.GetDirectoryName(full) ?? ".";
        Directory.CreateDirectory(dir);
        string writer = Writer is { } w ? "." + w : "";
        return Path.Combine(dir, $".{Path.GetFileName(full)}.{Guid.NewGuid():N}{writer}{TemporarySuffix}");
    }

    /// <summary>Moves a finished temporary file over the final name in one step.</summary>
    public static void Commit(string temporaryPath, string finalPath) => File.Move(temporaryPath, finalPath,
        overwrite: true);

    /// <summary>Deletes a temporary file if it is still there; never throws.</summary>
    public static void Discard(string temporaryPath)
    {
        try { File.Delete(temporaryPath); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }

    /// <summary>Refuses an output that is one of the inputs (same path after resolving links).</summary>
    public static void EnsureNotInput(string output, params IEnumerable<string> inputs)
    {
        string o = Canonical(output);
        foreach (var input in inputs)
            if (string.Equals(o, Canonical(input), StringComparison.Ordinal))
                throw new CryoMergeInputException(output,
                    $"output would overwrite the input {input}; choose another output name");
    }

    /// <summary>
    /// Maps a name taken from an input (a micrograph, stack or data-set name) to a path inside
    /// <paramref name="folder"/>: empty, "." and ".." parts are dropped, so an absolute name lands below the folder
    /// ("/data/a.mrc" becomes "folder/data/a.mrc") and "../../x" becomes "folder/x"; '/' separates parts. A name with
    /// nothing left (empty, "/", "..") is refused, naming <paramref name="source"/>, the input it came from. The result
    /// keeps <paramref name="folder"/> as given (relative stays relative), so it can also be written into a STAR file.
    /// </summary>
    public static string InsideFolder(string folder, string name, string source)
    {
        if (name.Contains('\0')) throw new CryoMergeInputException(source, "a file name contains a NUL character");
        var parts = name.Split('/', StringSplitOptions.RemoveEmptyEntries).Where(p => p is not ("." or "..")).ToArray();
        if (parts.Length == 0)
            throw new CryoMergeInputException(source,
                $"the name '{name}' leaves no file name inside the output folder "
                + (folder.Length == 0 ? "." : folder));
        string inside = string.Join('/', parts);
        return folder.Length == 0 ? inside : folder.EndsWith('/') ? folder + inside : folder + "/" + inside;
    }

    /// <summary>Writes a text file atomically.</summary>
    public static void WriteAllText(string path, string text)
    {
        string tmp = TemporaryPathFor(path);
        try
        {
            File.WriteAllText(tmp, text);
            Commit(tmp, path);
        }
        catch
        {
            Discard(tmp);
            throw;
        }
    }

    /// <summary>
    /// Makes <paramref name="path"/> a symbolic link to <paramref name="target"/> atomically (replacing a link of a
    /// previous run); the link holds the target relative to its folder, so that a moved project keeps working.
    /// </summary>
    public static void Link(string path, string target)
    {
        string tmp = TemporaryPathFor(path);
        string relative = Path.GetRelativePath(Path.GetDirectoryName(Path.GetFullPath(path))!,
            Path.GetFullPath(target));
        try
        {
            File.CreateSymbolicLink(tmp, relative);
            Commit(tmp, path);
        }
        catch
        {
            Discard(tmp);
            throw;
        }
    }

    private static string Canonical(string path)
    {
        string full = Path.GetFullPath(path);
        try
        {
            var target = new FileInfo(full).ResolveLinkTarget(returnFinalTarget: true);
            if (target is not null) return Path.GetFullPath(target.FullName);
        }
        catch (IOException) { }
        return full;
    }
}
