namespace CryoMerge.Core;

/// <summary>
/// The rule that keeps a run from replacing files it did not make. Commands that write many files into an output
/// folder, named after their inputs (extract, window, rescale of a STAR file, the merge's stacks and micrographs),
/// first claim those paths: a path that exists already is replaced only when the folder's record
/// (<see cref="FileName"/>, one path per line relative to the folder) lists it, i.e. cryomerge wrote it there
/// before, or when the user gave --overwrite; otherwise the run stops before writing anything, naming the file.
/// The claim adds the paths to the record, so rerunning a command, or a merge resuming its own plan, replaces its
/// own files. A command that fails can <see cref="Rollback"/>: the files it created and the record are removed
/// again, so bad input leaves nothing behind.
/// </summary>
public sealed class OutputRecord
{
    /// <summary>The record's file name inside an output folder.</summary>
    public const string FileName = ".cryomerge-outputs";

    private const string Header = "# Files cryomerge wrote into this folder (paths relative to it); cryomerge\n"
        + "# replaces an existing file here only if it is listed, or with --overwrite.\n";

    private readonly string _recordPath;
    private readonly string? _previousRecord;
    private readonly IReadOnlyList<string> _created;
    private readonly IReadOnlyList<string> _createdFolders;

    private OutputRecord(string recordPath, string? previousRecord, IReadOnlyList<string> created,
        IReadOnlyList<string> createdFolders)
    {
        _recordPath = recordPath;
        _previousRecord = previousRecord;
        _created = created;
        _createdFolders = createdFolders;
    }

    /// <summary>
    /// Checks and records that this run will write <paramref name="paths"/> (each inside <paramref name="folder"/>).
    /// Throws a <see cref="CryoMergeInputException"/> naming the first path that exists, is not listed and may not be
    /// replaced (<paramref name="overwrite"/> false); nothing is written then. Creates the folder, writes the record.
    /// </summary>
    public static OutputRecord Claim(string folder, IEnumerable<string> paths, bool overwrite)
    {
        string root = Path.GetFullPath(folder);
        string recordPath = Path.Combine(root, FileName);
        string? previous = File.Exists(recordPath) ? File.ReadAllText(recordPath) : null;
        var listed = new HashSet<string>(Entries(previous), StringComparer.Ordinal);
        var claimed = new SortedSet<string>(StringComparer.Ordinal);
        var created = new List<string>();
        var conflicts = new List<string>();
        foreach (var path in paths)
        {
            string full = Path.GetFullPath(path);
            string relative = Path.GetRelativePath(root, full).Replace(Path.DirectorySeparatorChar, '/');
            if (relative is "." or ".." || relative.StartsWith("../", StringComparison.Ordinal)
                || Path.IsPathRooted(relative))
                throw new ArgumentException($"{path} is not inside the output folder {folder}", nameof(paths));
            if (!claimed.Add(relative)) continue;
            if (Directory.Exists(full))
                throw new CryoMergeInputException(path,
                    "is a folder where an output file would be written; nothing was written");
            if (!File.Exists(full)) created.Add(full);
            else if (!overwrite && !listed.Contains(relative)) conflicts.Add(path);
        }
        if (conflicts.Count > 0)
            throw new CryoMergeInputException(conflicts[0],
                $"exists and was not written by cryomerge into {folder}"
                + (conflicts.Count > 1 ? $" (nor were {conflicts.Count - 1} other outputs)" : "") + "; "
                + "nothing was written: move it away, choose another output folder, or give --overwrite to replace it");

        var newFolders = new List<string>();
        foreach (var dir in created.Select(Path.GetDirectoryName).Append(root).Distinct())
        {
            for (var d = dir; d is not null && !Directory.Exists(d) && !newFolders.Contains(d);
                 d = Path.GetDirectoryName(d))
                newFolders.Add(d);
        }
        newFolders.Sort((a, b) => b.Length.CompareTo(a.Length));   // deepest first, for removal
        Directory.CreateDirectory(root);
        listed.UnionWith(claimed);
        OutputFiles.WriteAllText(recordPath, Header + string.Join('\n', listed.Order(StringComparer.Ordinal)) + "\n");
        return new OutputRecord(recordPath, previous, created, newFolders);
    }

    /// <summary>Whether <paramref name="path"/> is listed in the record of <paramref name="folder"/>.</summary>
    public static bool Lists(string folder, string path)
    {
        string root = Path.GetFullPath(folder), recordPath = Path.Combine(root, FileName);
        if (!File.Exists(recordPath)) return false;
        string relative = Path.GetRelativePath(root, Path.GetFullPath(path)).Replace(Path.DirectorySeparatorChar, '/');
        return Entries(File.ReadAllText(recordPath)).Contains(relative);
    }

    /// <summary>
    /// Undoes the claim after a failed run: deletes the claimed files that did not exist before it (finished ones and
    /// temporary leftovers are the run's own), restores the record, and removes the folders the claim created if empty.
    /// Never throws.
    /// </summary>
    public void Rollback()
    {
        foreach (var file in _created) Delete(file);
        try
        {
            if (_previousRecord is null) File.Delete(_recordPath);
            else OutputFiles.WriteAllText(_recordPath, _previousRecord);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
        foreach (var dir in _createdFolders)
        {
            try
            {
                if (Directory.Exists(dir) && !Directory.EnumerateFileSystemEntries(dir).Any()) Directory.Delete(dir);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
        }
    }

    /// <summary>Runs <paramref name="work"/>; when it throws, rolls the claim back and rethrows.</summary>
    public T Guard<T>(Func<T> work)
    {
        try
        {
            return work();
        }
        catch
        {
            Rollback();
            throw;
        }
    }

    private static IEnumerable<string> Entries(string? record) =>
        (record ?? "").Split('\n').Select(l => l.TrimEnd('\r')).Where(l => l.Length > 0 && l[0] != '#');

    private static void Delete(string file)
    {
        try { File.Delete(file); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
    }
}
