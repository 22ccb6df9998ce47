namespace CryoMerge.Core;

/// <summary>
/// The file a .NET program opens for a path: .NET first makes the path absolute and applies "." and ".." to its text
/// (Path.GetFullPath, inside every File and Directory call), then the kernel follows each symbolic link, where a
/// ".." inside a link's target is applied after the link. Comparing Path.GetFullPath alone with a folder can be
/// escaped by a link; applying ".." after links (as a shell would) can be escaped by "inside-link/../../etc".
/// Parts that do not exist yet (an output folder to be created) are kept as written.
/// </summary>
public static class RealPath
{
    /// <summary>Linux gives up after 40 links (ELOOP); so do we.</summary>
    public const int MaxLinks = 40;

    private static readonly char[] Separators = ['/', Path.DirectorySeparatorChar];

    public static string Resolve(string path)
    {
        if (string.IsNullOrEmpty(path)) throw new ArgumentException("empty path", nameof(path));
        string absolute = Path.GetFullPath(path);
        var pending = new Stack<string>();
        Push(pending, absolute);
        string current = Path.GetPathRoot(absolute) ?? "/";
        string root = current;
        int links = 0;
        while (pending.Count > 0)
        {
            string part = pending.Pop();
            if (part is "" or ".") continue;
            if (part == "..")
            {
                current = Path.GetDirectoryName(current) ?? root;
                continue;
            }
            string next = Path.Join(current, part);
            if (LinkTarget(next) is { } target)
            {
                if (++links > MaxLinks)
                    throw new CryoMergeInputException(path, $"more than {MaxLinks} symbolic links in it (a loop?)");
                Push(pending, target);
                // A relative target is relative to the link's folder, where we are; an absolute one starts at the root.
                if (Path.IsPathRooted(target)) current = Path.GetPathRoot(target) ?? root;
                continue;
            }
            current = next;
        }
        return current;
    }

    /// <summary>True when <paramref name="path"/> is <paramref name="folder"/> or inside it; both resolved.</summary>
    public static bool IsWithin(string path, string folder)
    {
        string f = Path.TrimEndingDirectorySeparator(folder);
        if (f.Length == 0 || f == Path.GetPathRoot(f)) return true;
        return path == f || path.StartsWith(f + Path.DirectorySeparatorChar, StringComparison.Ordinal);
    }

    private static void Push(Stack<string> pending, string path)
    {
        var parts = path.Split(Separators, StringSplitOptions.RemoveEmptyEntries);
        for (int i = parts.Length - 1; i >= 0; i--) pending.Push(parts[i]);
    }

    /// <summary>A symbolic link's target as stored; null when the path is no link (or missing, unreadable).</summary>
    private static string? LinkTarget(string path)
    {
        try
        {
            return new FileInfo(path).LinkTarget;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
