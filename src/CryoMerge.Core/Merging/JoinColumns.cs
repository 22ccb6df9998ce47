using System.Text;
using CryoMerge.Core.Formats;

namespace CryoMerge.Core.Merging;

/// <summary>
/// Concatenates the same table (optics or data) of several inputs column by column. Every label of any input is
/// kept when all inputs have it or RELION has a neutral value for it (filled where missing); otherwise it is left
/// out, as relion_star_handler --combine does, and reported. Cells are copied as raw bytes, so untouched values keep
/// their text and a million rows join in a fraction of a second.
/// </summary>
internal sealed class JoinColumns
{
    /// <summary>The new raw text (UTF-8) of one input's cell of a given label, or null to copy it unchanged.</summary>
    public delegate byte[]? CellRewrite(int input, int row);

    private readonly IReadOnlyList<StarTable> _tables;
    private readonly IReadOnlyList<string> _names;

    public JoinColumns(IReadOnlyList<StarTable> tables, IReadOnlyList<string> inputNames)
    {
        _tables = tables;
        _names = inputNames;
    }

    /// <summary>Labels filled with a neutral value in some input ("_rlnBeamTiltX (0.000000) in b.star").</summary>
    public List<string> Filled { get; } = [];

    /// <summary>Labels left out because some input lacks them and RELION has no neutral value.</summary>
    public List<string> Dropped { get; } = [];

    /// <summary>
    /// The joined table. <paramref name="rewrites"/> replaces cells of some labels; <paramref name="always"/> lists
    /// labels written for every input even where missing (the rewrite must then supply every cell);
    /// <paramref name="leaveOut"/> lists labels never written.
    /// </summary>
    public StarTable Build(IReadOnlyDictionary<string, CellRewrite> rewrites, IReadOnlyCollection<string> always, IReadOnlyCollection<string> leaveOut, string tableName)
    {
        var labels = new List<string>();
        foreach (var label in always) if (!labels.Contains(label)) labels.Add(label);
        foreach (var table in _tables)
            foreach (var name in table.ColumnNames)
                if (!labels.Contains(name) && !leaveOut.Contains(name)) labels.Add(name);

        int rows = _tables.Sum(t => t.RowCount);
        var kept = new List<string>();
        foreach (var label in labels)
        {
            var missing = Enumerable.Range(0, _tables.Count).Where(k => !_tables[k].Has(label)).ToList();
            string? neutral = RelionLabels.NeutralOf(label);
            bool isAlways = always.Contains(label);
            if (missing.Count > 0 && neutral is null && !isAlways)
            {
                Dropped.Add($"_{label} ({tableName}; missing from {string.Join(", ", missing.Select(k => _names[k]))})");
                continue;
            }
            if (missing.Count > 0 && !isAlways)
                Filled.Add($"_{label} = {neutral} ({tableName}; in {string.Join(", ", missing.Select(k => _names[k]))})");
            kept.Add(label);
        }
        // Output columns are independent: build them in parallel.
        var columns = new StarColumn[kept.Count];
        try { Parallel.For(0, kept.Count, c => columns[c] = BuildColumn(kept[c], rows, rewrites.GetValueOrDefault(kept[c]))); }
        catch (AggregateException e) { System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(e.InnerExceptions[0]); }
        var output = new StarTable();
        foreach (var column in columns) output.AddParsedColumn(column);
        return output;
    }

    private StarColumn BuildColumn(string label, int rows, CellRewrite? rewrite)
    {
        string? neutral = RelionLabels.NeutralOf(label);
        byte[]? neutralBytes = neutral is null ? null : Encoding.UTF8.GetBytes(neutral);
        var column = new StarColumn(label, rows, rows * 8);
        for (int k = 0; k < _tables.Count; k++)
        {
            var source = _tables[k].TryColumn(label);
            if (source is not null && column.HeaderComment is null) column.HeaderComment = source.HeaderComment;
            int n = _tables[k].RowCount;
            for (int r = 0; r < n; r++)
            {
                if (rewrite?.Invoke(k, r) is { } text) column.Append(text);
                else if (source is not null) column.Append(source.RawUtf8(r));
                else column.Append(neutralBytes ?? throw new InvalidOperationException($"no value for _{label} in input {k + 1}"));
            }
        }
        return column;
    }
}
