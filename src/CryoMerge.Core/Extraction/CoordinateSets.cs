using CryoMerge.Core.Formats;

namespace CryoMerge.Core.Extraction;

/// <summary>The particles of one micrograph: rows of a coordinate table.</summary>
internal sealed class CoordinateSet(string source, StarTable table, List<int> rows)
{
    /// <summary>The file the coordinates came from (for messages).</summary>
    public string Source { get; } = source;

    public StarTable Table { get; } = table;

    public List<int> Rows { get; } = rows;

    public (double X, double Y) Coordinate(int k)
    {
        try
        {
            int r = Rows[k];
            return (Table.GetDouble(r, RelionLabels.CoordinateX), Table.GetDouble(r, RelionLabels.CoordinateY));
        }
        catch (FormatException e)
        {
            throw new CryoMergeInputException(Source, e.Message, e);
        }
    }
}

/// <summary>Coordinates grouped by micrograph (one set per row of the micrographs table, null where there are
/// none).</summary>
internal sealed class CoordinateSets(string description, CoordinateSet?[] sets, IReadOnlyList<string> columns)
{
    public string Description { get; } = description;

    public CoordinateSet?[] Sets { get; } = sets;

    /// <summary>Columns of the coordinate tables, in order of first appearance.</summary>
    public IReadOnlyList<string> Columns { get; } = columns;

    /// <summary>RELION's per-micrograph coordinate files; micrographs without a file have no particles, as in
    /// relion_preprocess.</summary>
    public static CoordinateSets FromDirectory(string directory, string suffix, MicrographTable mics,
        string micrographsStar, ICollection<string> notes)
    {
        if (suffix.Length == 0) throw new CryoMergeInputException("--coord-suffix",
            "is empty; give the end of the coordinate file names, e.g. _autopick.star");
        var sets = new CoordinateSet?[mics.Count];
        var columns = new List<string>();
        var missing = new List<string>();
        for (int m = 0; m < mics.Count; m++)
        {
            string wanted = CoordinateFiles.PathFor(mics.Name(m), directory, suffix);
            string? path = File.Exists(wanted) ? wanted : RelionPaths.Resolve(wanted, micrographsStar);
            if (path is null)
            {
                missing.Add(wanted);
                continue;
            }
            var table = CoordinateFiles.Read(path);
            foreach (var c in table.ColumnNames) if (!columns.Contains(c)) columns.Add(c);
            sets[m] = new CoordinateSet(path, table, Enumerable.Range(0, table.RowCount).ToList());
        }
        if (missing.Count == mics.Count)
            throw new CryoMergeInputException(directory,
                $"has no coordinate files ending in {suffix} for the micrographs of {micrographsStar} (looked for " +
                $"{missing[0]})");
        if (missing.Count > 0)
            notes.Add(
                $"{missing.Count} micrographs have no coordinate file and are skipped, as relion_preprocess does " +
                $"(first: {missing[0]})");
        return new CoordinateSets($"{directory} (*{suffix})", sets, columns);
    }
}
