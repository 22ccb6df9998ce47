using CryoMerge.Core.Formats;

namespace CryoMerge.Core.Merging;

/// <summary>
/// The names a merged particle file gives RELION, as RELION itself writes them in a project:
/// <list type="bullet">
/// <item>every image and micrograph named relative to one project folder (where RELION runs), so that the project
/// can move;</item>
/// <item>each data set's optics groups named after it ("Krios"; "Krios_1", "Krios_2" when it has several);</item>
/// <item>no two data sets sharing a micrograph name, nor the part of it after its "jobNNN/" folder, by which
/// CtfRefine and Polish name their per-micrograph files: two projects' "MotionCorr/job002/Micrographs/mic001.mrc"
/// would overwrite each other's. A data set whose names clash with an earlier one's gets names of its own,
/// OUTPUT/DATASET/Micrographs/(part after jobNNN/), symbolic links to its micrographs.</item>
/// </list>
/// </summary>
public static class ProjectNames
{
    /// <summary>Folder of a data set's output that holds links to its micrographs (and method 1's rescaled
    /// ones).</summary>
    public const string MicrographFolder = "Micrographs";

    /// <summary>
    /// Rewrites the image and micrograph names of <paramref name="set"/>, relative to <paramref name="nameBase"/> or
    /// absolute, relative to <paramref name="project"/> ("000001@DS2/Extract/mic1.mrcs", "../krios/Movies/a.mrc").
    /// </summary>
    public static void Relocate(StarDataSet set, string nameBase, string project)
    {
        if (set.Data.TryColumn(RelionLabels.ImageName) is { } images)
            Rewrite(images, name => RelocateImage(name, nameBase, project));
        if (set.Data.TryColumn(RelionLabels.MicrographName) is { } micrographs)
            Rewrite(micrographs, name => RelocateFile(name, nameBase, project));
    }

    /// <summary>"000012@stack.mrcs:mrcs" with the stack's path relative to the project.</summary>
    public static string RelocateImage(string name, string nameBase, string project)
    {
        int at = name.IndexOf('@');
        return at > 0 ? name[..(at + 1)] + RelocateFile(name[(at + 1)..], nameBase, project) : RelocateFile(name,
            nameBase, project);
    }

    /// <summary>A file name (with RELION's ":mrc" suffix kept) relative to the project.</summary>
    public static string RelocateFile(string name, string nameBase, string project)
    {
        string path = RelionPaths.StripTypeSuffix(name);
        if (path.Length == 0) return name;
        string suffix = name[path.Length..];
        return RelionPaths.RelativeName(project, Path.GetFullPath(path, nameBase)) + suffix;
    }

    /// <summary>
    /// Names the data set's optics groups after it, in the order of its optics table: "Krios", or "Krios_1",
    /// "Krios_2" ... when it has several. The names stay unique in the merged file because data-set names are.
    /// </summary>
    public static void NameOpticsGroups(StarDataSet set, string dataSet)
    {
        var optics = set.Optics ?? throw new ArgumentException("a RELION 3.1 file is needed", nameof(set));
        int groups = optics.RowCount;
        var column = optics.TryColumn(RelionLabels.OpticsGroupName)
            ?? optics.AddColumn(RelionLabels.OpticsGroupName, "", 0);
        column.SetAll(r => groups == 1 ? dataSet : $"{dataSet}_{r + 1}");
    }

    /// <summary>
    /// Gives the data set's micrographs names of their own when one of its names, or the part after the name's
    /// jobNNN/ folder, is in <paramref name="taken"/> (the names and parts of the data sets before it), and adds its
    /// names to <paramref name="taken"/>. The names must already be relative to <paramref name="project"/>. Returns
    /// the links made (final name, micrograph), a note for the user and the new names, or nothing when nothing
    /// clashed; <see cref="Rename"/> gives the same data set read again the same names without making links.
    /// </summary>
    /// <param name="claim">Called with the links' paths before any is made (the output folder's record of what the
    /// merge writes, <see cref="OutputRecord"/>).</param>
    public static Separation Separate(StarDataSet set, string dataSet, string project, string output,
        HashSet<string> taken, Action<IReadOnlyList<string>>? claim = null)
    {
        if (set.Data.TryColumn(RelionLabels.MicrographName) is not { } column) return new([], null, null);
        var names = Distinct(column);
        string? clash = names.FirstOrDefault(n => taken.Contains(n) || taken.Contains(Post(n)));
        if (clash is null)
        {
            Take(taken, names);
            return new([], null, null);
        }
        string folder = Path.Combine(output, dataSet, MicrographFolder);
        var linkOf = new Dictionary<string, string>(StringComparer.Ordinal);
        var byLink = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (string name in names)
        {
            string link = OutputFiles.InsideFolder(folder, Post(name), set.Path);
            if (byLink.TryGetValue(link, out string? other))
                throw new CryoMergeInputException(set.Path,
                    $"micrographs {other} and {name} have the same name after their "
                    + "jobNNN/ folder, by which RELION names per-micrograph outputs; give them distinct names");
            byLink[link] = name;
            linkOf[name] = link;
        }
        claim?.Invoke([.. linkOf.Values]);
        var renamed = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, link) in linkOf)
        {
            OutputFiles.Link(link, Path.GetFullPath(name, project));
            renamed[name] = RelionPaths.RelativeName(project, Path.GetFullPath(link));
        }
        Rename(set, renamed);
        Take(taken, renamed.Values);
        return new([.. linkOf.Values], $"{dataSet}: micrograph {clash} has the name, or the part after jobNNN/ by "
            + $"which RELION's CtfRefine and Polish name their per-micrograph files, of a micrograph of another data "
            + $"set; {dataSet}'s micrographs are named {renamed[clash]} ... in the merged file (symbolic links to "
            + $"them)", renamed);
    }

    /// <summary>
    /// What <see cref="Separate"/> did: the links it made, its note, and each micrograph's new name (null when the
    /// names were kept).
    /// </summary>
    public sealed record Separation(IReadOnlyList<string> Links, string? Note,
        IReadOnlyDictionary<string, string>? Renamed);

    /// <summary>Gives the micrographs the names <see cref="Separate"/> chose (<see cref="Separation.Renamed"/>);
    /// nothing when it kept them.</summary>
    public static void Rename(StarDataSet set, IReadOnlyDictionary<string, string>? renamed)
    {
        if (renamed is null || set.Data.TryColumn(RelionLabels.MicrographName) is not { } column) return;
        column.SetAll(i => StarValues.Quote(renamed[column.GetString(i)]));
    }

    /// <summary>RELION's per-micrograph output name: the part after the jobNNN/ folder.</summary>
    private static string Post(string name) => RelionPaths.DecomposePipelineName(name).Post;

    private static void Take(HashSet<string> taken, IEnumerable<string> names)
    {
        foreach (string n in names)
        {
            taken.Add(n);
            taken.Add(Post(n));
        }
    }

    private static List<string> Distinct(StarColumn column)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var names = new List<string>();
        for (int r = 0; r < column.Count; r++)
        {
            string name = column.GetString(r);
            if (seen.Add(name)) names.Add(name);
        }
        return names;
    }

    /// <summary>Maps every cell's unquoted text; names repeat (a stack's images, a micrograph's particles), so once
    /// each.</summary>
    private static void Rewrite(StarColumn column, Func<string, string> map)
    {
        var done = new Dictionary<string, string>(StringComparer.Ordinal);
        column.SetAll(i =>
        {
            string raw = column.Raw(i);
            if (!done.TryGetValue(raw,
                out string? text)) done[raw] = text = StarValues.Quote(map(StarValues.Unquote(raw)));
            return text;
        });
    }
}
