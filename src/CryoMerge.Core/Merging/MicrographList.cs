using CryoMerge.Core.Formats;

namespace CryoMerge.Core.Merging;

/// <summary>The micrographs a data set's STAR file lists, resolved on disk, in file order.</summary>
internal static class MicrographList
{
    public sealed record Entry(int Row, string NameInStar, string Path);

    /// <param name="projectDirectory">Where relative names resolve first (see <see cref="ProjectDirectory"/>).</param>
    public static IReadOnlyList<Entry> Read(string starPath, string? projectDirectory = null)
    {
        var star = StarFile.Read(starPath);
        var block = PixelSizes.DataBlock(star) ?? throw new CryoMergeInputException(starPath, "no micrograph table");
        var table = block.RequireTable();
        var column = table.TryColumn(RelionLabels.MicrographName) ?? throw new CryoMergeInputException(starPath,
            "no rlnMicrographName column");
        var entries = new List<Entry>(table.RowCount);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (int r = 0; r < table.RowCount; r++)
        {
            string name = column.GetString(r);
            string path = RelionPaths.Resolve(name, starPath,
                projectDirectory) ?? throw new CryoMergeInputException(starPath,
                $"micrograph {name} (row {r + 1}) not found");
            if (!seen.Add(System.IO.Path.GetFileName(name)))
                throw new CryoMergeInputException(starPath,
                    $"two micrographs are called {System.IO.Path.GetFileName(name)}; outputs are named after the " +
                    $"file name");
            entries.Add(new Entry(r, name, path));
        }
        return entries;
    }

    /// <summary>
    /// The folder the STAR file's relative micrograph names are relative to (RELION's project folder), found from
    /// where its first micrograph resolves; null when names are absolute. A copy of the STAR file written elsewhere
    /// (the merge's output folder) resolves its names against this folder.
    /// </summary>
    public static string? ProjectDirectory(string starPath)
    {
        var first = Read(starPath).FirstOrDefault();
        if (first is null || System.IO.Path.IsPathRooted(RelionPaths.StripTypeSuffix(first.NameInStar))) return null;
        return RelionPaths.BaseOf(first.NameInStar,
            first.Path) ?? System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(starPath));
    }

    /// <summary>Pixel size of the micrographs of a data set according to its STAR file (first row).</summary>
    public static double PixelSize(string starPath)
    {
        var star = StarFile.Read(starPath);
        var block = PixelSizes.DataBlock(star) ?? throw new CryoMergeInputException(starPath, "no micrograph table");
        return PixelSizes.OfRow(star, block, 0)?.Value ?? throw new CryoMergeInputException(starPath,
            "the STAR file gives no pixel size");
    }
}
