namespace CryoMerge.Core.Formats;

/// <summary>
/// File names as RELION writes them in STAR files: "000012@Extract/job009/Movies/a.mrcs" for image 12 of a
/// stack, "map.map:mrc" to force the MRC reader, paths relative to the project directory (where RELION runs).
/// </summary>
public static class RelionPaths
{
    /// <summary>Splits "000012@stack.mrcs" into (12, "stack.mrcs"); a name without '@' has no index (null).</summary>
    public static (int? Index, string Path) SplitImageName(string name)
    {
        name = StripTypeSuffix(name);
        int at = name.IndexOf('@');
        if (at <= 0) return (null, name);
        if (!int.TryParse(name.AsSpan(0, at), out int index) || index < 1)
            throw new FormatException($"'{name}': the number before '@' must be a positive image index");
        return (index, name[(at + 1)..]);
    }

    /// <summary>Removes RELION's ":mrc" / ":mrcs" type suffix.</summary>
    public static string StripTypeSuffix(string path)
    {
        foreach (var suffix in new[] { ":mrcs", ":mrc" })
            if (path.EndsWith(suffix, StringComparison.Ordinal)) return path[..^suffix.Length];
        return path;
    }

    /// <summary>
    /// RELION's decomposePipelineFileName: "MotionCorr/job002/Movies/a.mrc" is ("MotionCorr/", "job002/",
    /// "Movies/a.mrc"); a name with no "/jobNNN" folder is all <c>Post</c>. RELION names extracted stacks and finds
    /// coordinate files by <c>Post</c>.
    /// </summary>
    public static (string Pre, string Job, string Post) DecomposePipelineName(string name)
    {
        for (int slash = name.IndexOf('/'); slash >= 0; slash = name.IndexOf('/', slash + 1))
        {
            int j = slash + 1;
            if (j + 6 <= name.Length && string.CompareOrdinal(name, j, "job", 0, 3) == 0
                && char.IsAsciiDigit(name[j + 3]) && char.IsAsciiDigit(name[j + 4]) && char.IsAsciiDigit(name[j + 5]))
            {
                int end = name.IndexOf('/', j + 5);
                if (end < 0) end = name.Length - 1;
                return (name[..j], name[j..(end + 1)], name[(end + 1)..]);
            }
        }
        return ("", "", name);
    }

    /// <summary>RELION's 6-digit image name, "000012@path".</summary>
    public static string ImageName(int index, string path) => $"{index:D6}@{path}";

    /// <summary>
    /// Finds a file named in a STAR file: as RELION does, relative to the current directory (the project), or
    /// to <paramref name="projectDirectory"/> when given; failing that, relative to the STAR file's folder and
    /// the folders above it, so that a STAR file inside a project (Extract/job009/particles.star naming
    /// Extract/job009/...) works from anywhere. Null when not found.
    /// </summary>
    public static string? Resolve(string pathInStar, string? starFile, string? projectDirectory = null)
    {
        string path = StripTypeSuffix(pathInStar);
        if (Path.IsPathRooted(path)) return File.Exists(path) ? path : null;
        string inProject = projectDirectory is null ? path : Path.Combine(projectDirectory, path);
        if (File.Exists(inProject)) return inProject;
        if (starFile is null) return null;
        string? dir = Path.GetDirectoryName(Path.GetFullPath(starFile));
        for (int up = 0; dir is not null && up < 6; up++, dir = Path.GetDirectoryName(dir))
        {
            string candidate = Path.Combine(dir, path);
            if (File.Exists(candidate)) return candidate;
        }
        return null;
    }

    /// <summary>
    /// The folder a name in a STAR file is relative to, given where it resolved (<see cref="Resolve"/>): RELION's
    /// project folder for "MotionCorr/job002/a.mrc" found at "/data/p/MotionCorr/job002/a.mrc" is "/data/p"; null for
    /// an absolute name, or when the name is not a suffix of the path (it climbs out with "..").
    /// </summary>
    public static string? BaseOf(string nameInStar, string resolvedPath)
    {
        string name = StripTypeSuffix(nameInStar);
        if (Path.IsPathRooted(name)) return null;
        string full = Path.GetFullPath(resolvedPath);
        string suffix = Path.DirectorySeparatorChar + Path.GetFullPath(name, "/").TrimStart('/');
        return full.EndsWith(suffix, StringComparison.Ordinal) ? full[..^suffix.Length] : null;
    }

    /// <summary>
    /// A file's name as RELION writes it in a project: relative to <paramref name="projectDirectory"/> (with '..'
    /// where it lies outside), '/' between folders.
    /// </summary>
    public static string RelativeName(string projectDirectory, string fullPath) =>
        Path.GetRelativePath(projectDirectory, fullPath).Replace(Path.DirectorySeparatorChar, '/');
}
