using System.Globalization;
using CryoMerge.Core.Formats;

namespace CryoMerge.Core.Assessment;

/// <summary>A run of rows of a particle table: rows <see cref="Start"/> to Start + Count - 1 (0-based).</summary>
public sealed record RowRange(int Start, int Count)
{
    public bool Contains(int row) => row >= Start && row < Start + Count;
}

/// <summary>
/// The particle file the assessment reconstructs from, and which optics groups of it are each data set's.
/// </summary>
/// <param name="Particles">The merged particles, or a copy beside them with halves given to rows that had none.</param>
/// <param name="OpticsGroups">Each data set's optics groups (numbers, as text) in that file.</param>
/// <param name="SubsetsFromFile">False when some rows had no rlnRandomSubset 1 or 2 and were given one by row
/// number.</param>
public sealed record AssessmentSource(string Particles, IReadOnlyDictionary<string, IReadOnlyList<string>> OpticsGroups,
    bool SubsetsFromFile);

/// <summary>Finds each data set's optics groups in the merged file and makes sure every row has a half.</summary>
public static class AssessmentSources
{
    /// <summary>The copy of the merged particles with a half for every row, written beside them when needed.</summary>
    public const string HalvesName = "particles_assessment_halves.star";

    /// <summary>
    /// The half of a row without rlnRandomSubset 1 or 2: odd and even rows of the file alternate (1, 2, 1, ...), which
    /// is deterministic, splits every micrograph's particles between the halves and gives halves of equal size.
    /// </summary>
    public static int HalfOfRow(int row) => row % 2 + 1;

    /// <summary>
    /// Reads the merged particles: each data set's optics groups are those of its rows (<paramref name="rows"/>; the
    /// join gives every data set its own groups). When a row has no rlnRandomSubset 1 or 2, a copy with every row's
    /// half (<see cref="HalfOfRow"/> where it had none) is written beside the file, so that relative image names
    /// still resolve, and the assessment reads that.
    /// </summary>
    public static AssessmentSource Prepare(string merged, IReadOnlyDictionary<string, RowRange> rows)
    {
        var file = StarFile.Read(merged);
        var table = file.Block("particles").RequireTable();
        var groups = table.TryColumn(RelionLabels.OpticsGroup)
            ?? throw new CryoMergeInputException(merged,
                "has no rlnOpticsGroup column: cannot tell the data sets apart");
        var byDataSet = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        foreach (var (name, range) in rows)
        {
            if (range.Start + range.Count > table.RowCount)
                throw new CryoMergeInputException(merged,
                    $"has {table.RowCount} rows, fewer than the data sets' particles");
            var set = new SortedSet<int>();
            for (int r = range.Start; r < range.Start + range.Count; r++) set.Add(groups.GetInt(r));
            byDataSet[name] = set.Select(g => g.ToString(CultureInfo.InvariantCulture)).ToList();
        }
        foreach (var (name, list) in byDataSet)
            foreach (var (other, others) in byDataSet)
                if (string.CompareOrdinal(name, other) < 0 && list.Intersect(others).Any())
                    throw new CryoMergeInputException(merged,
                        $"data sets {name} and {other} share an optics group: cannot tell them apart");
        var subsets = table.TryColumn("rlnRandomSubset");
        bool complete = subsets is not null && Enumerable.Range(0, table.RowCount).All(r => IsHalf(subsets.Raw(r)));
        if (complete) return new AssessmentSource(merged, byDataSet, true);
        var halves = subsets ?? table.AddColumn("rlnRandomSubset", "0");
        halves.SetAll(r => IsHalf(halves.Raw(r))
            ? halves.Raw(r).Trim() : HalfOfRow(r).ToString(CultureInfo.InvariantCulture));
        string copy = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(merged))!, HalvesName);
        OutputFiles.EnsureNotInput(copy, merged);
        file.Write(copy);
        return new AssessmentSource(copy, byDataSet, false);
    }

    private static bool IsHalf(string cell) => cell.Trim() is "1" or "2";
}
