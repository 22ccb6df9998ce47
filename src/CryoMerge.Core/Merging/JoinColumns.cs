using System.Text;
using CryoMerge.Core.Formats;

namespace CryoMerge.Core.Merging;

/// <summary>
/// Concatenates the same table (optics or data) of several inputs column by column. Every label of any input is
/// kept when all inputs have it or RELION has a neutral value for it (filled where missing); otherwise it is left
/// out, as relion_star_handler --combine does, and reported. Cells are copied as raw bytes, so untouched values keep
/// their text and a million rows join in a fraction of a second. The layout needs only each input's headings, so
/// that a streamed join can decide it without holding the inputs' rows (<see cref="Headings(StarTable)"/>).
/// </summary>
internal sealed class JoinColumns
{
    /// <summary>The new raw text (UTF-8) of one input's cell of a given label, or null to copy it unchanged.</summary>
    public delegate byte[]? CellRewrite(int input, int row);

    /// <summary>A column's label and the comment after it in the header.</summary>
    public readonly record struct Heading(string Label, string? Comment);

    private readonly IReadOnlyList<StarTable>? _tables;
    private readonly IReadOnlyList<IReadOnlyList<Heading>> _headings;
    private readonly IReadOnlyList<string> _names;

    /// <summary>Joins tables held in memory.</summary>
    public JoinColumns(IReadOnlyList<StarTable> tables, IReadOnlyList<string> inputNames)
        : this(tables.Select(Headings).ToList(), inputNames) => _tables = tables;

    /// <summary>Lays out a join from the inputs' headings alone; rows are written input by input
    /// (<see cref="WriteRows(Layout, int, StarTable, IStarRowSink)"/>).</summary>
    public JoinColumns(IReadOnlyList<IReadOnlyList<Heading>> headings, IReadOnlyList<string> inputNames)
    {
        _headings = headings;
        _names = inputNames;
    }

    /// <summary>A table's columns' headings, in order.</summary>
    public static IReadOnlyList<Heading> Headings(StarTable table) =>
        table.Columns.Select(c => new Heading(c.Name, c.HeaderComment)).ToList();

    /// <summary>Labels filled with a neutral value in some input ("_rlnBeamTiltX (0.000000) in b.star").</summary>
    public List<string> Filled { get; } = [];

    /// <summary>Labels left out because some input lacks them and RELION has no neutral value.</summary>
    public List<string> Dropped { get; } = [];

    /// <summary>
    /// The joined table's labels. <paramref name="rewrites"/> replaces cells of some labels; <paramref name="always"/>
    /// lists labels written for every input even where missing (the rewrite must then supply every cell);
    /// <paramref name="leaveOut"/> lists labels never written. Records what is filled and dropped.
    /// </summary>
    public Layout Select(IReadOnlyDictionary<string, CellRewrite> rewrites, IReadOnlyCollection<string> always,
        IReadOnlyCollection<string> leaveOut, string tableName)
    {
        var labels = new List<string>();
        foreach (var label in always) if (!labels.Contains(label)) labels.Add(label);
        foreach (var headings in _headings)
            foreach (var (name, _) in headings)
                if (!labels.Contains(name) && !leaveOut.Contains(name)) labels.Add(name);

        var kept = new List<string>();
        foreach (var label in labels)
        {
            var missing = Enumerable.Range(0, _headings.Count).Where(k => !Has(k, label)).ToList();
            string? neutral = RelionLabels.NeutralOf(label);
            bool isAlways = always.Contains(label);
            if (missing.Count > 0 && neutral is null && !isAlways)
            {
                Dropped.Add(
                    $"_{label} ({tableName}; missing from {string.Join(", ", missing.Select(k => _names[k]))})");
                continue;
            }
            if (missing.Count > 0 && !isAlways)
                Filled.Add(
                    $"_{label} = {neutral} ({tableName}; in {string.Join(", ", missing.Select(k => _names[k]))})");
            kept.Add(label);
        }
        var comments = kept.Select(label => _headings.SelectMany(h => h).Where(h => h.Label == label)
            .Select(h => h.Comment).FirstOrDefault(c => c is not null)).ToArray();
        var neutrals = kept.Select(l => RelionLabels.NeutralOf(l) is { } n ? Encoding.UTF8.GetBytes(n)
            : null).ToArray();
        return new Layout(kept, comments, neutrals, kept.Select(l => rewrites.GetValueOrDefault(l)).ToArray());
    }

    /// <summary>
    /// The joined table's columns: by column, its label, its header comment (the first input's that has one), the
    /// neutral value filling it where missing and its rewrite.
    /// </summary>
    public sealed record Layout(IReadOnlyList<string> Labels, string?[] Comments, byte[]?[] Neutrals,
        CellRewrite?[] Rewrites);

    private bool Has(int input, string label) => _headings[input].Any(h => h.Label == label);

    private IReadOnlyList<StarTable> Tables =>
        _tables ?? throw new InvalidOperationException("a join laid out from headings holds no rows");

    /// <summary>By column of <paramref name="layout"/>, its source column in <paramref name="table"/>, or
    /// null.</summary>
    private static StarColumn?[] Sources(Layout layout, StarTable table) =>
        layout.Labels.Select(table.TryColumn).ToArray();

    /// <summary>The joined table in memory.</summary>
    public StarTable Build(Layout layout)
    {
        int rows = Tables.Sum(t => t.RowCount);
        var sources = Tables.Select(t => Sources(layout, t)).ToArray();
        // Output columns are independent: build them in parallel.
        var columns = new StarColumn[layout.Labels.Count];
        try { Parallel.For(0, columns.Length, c => columns[c] = BuildColumn(layout, sources, c, rows)); }
        catch (AggregateException e) { System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(
            e.InnerExceptions[0]); }
        var output = new StarTable();
        foreach (var column in columns) output.AddParsedColumn(column);
        return output;
    }

    /// <summary>
    /// The joined table's rows, input after input, cell by cell into <paramref name="sink"/>: the same cells as
    /// <see cref="Build"/>, without holding them.
    /// </summary>
    public void WriteRows(Layout layout, IStarRowSink sink)
    {
        for (int k = 0; k < Tables.Count; k++) WriteRows(layout, k, Tables[k], sink);
    }

    /// <summary>The rows of input <paramref name="input"/>, <paramref name="table"/>, as the joined table has
    /// them.</summary>
    public static void WriteRows(Layout layout, int input, StarTable table, IStarRowSink sink)
    {
        var sources = Sources(layout, table);
        int columns = layout.Labels.Count, n = table.RowCount;
        for (int r = 0; r < n; r++)
        {
            for (int c = 0; c < columns; c++) sink.Raw(Cell(layout, sources, c, input, r));
            sink.EndRow();
        }
    }

    private StarColumn BuildColumn(Layout layout, StarColumn?[][] sources, int c, int rows)
    {
        var column = new StarColumn(layout.Labels[c], rows, rows * 8) { HeaderComment = layout.Comments[c] };
        for (int k = 0; k < Tables.Count; k++)
        {
            int n = Tables[k].RowCount;
            for (int r = 0; r < n; r++) column.Append(Cell(layout, sources[k], c, k, r));
        }
        return column;
    }

    /// <summary>Column <paramref name="c"/>'s cell of row <paramref name="r"/> of input <paramref name="k"/>, whose
    /// columns are <paramref name="sources"/>.</summary>
    private static ReadOnlySpan<byte> Cell(Layout layout, StarColumn?[] sources, int c, int k, int r)
    {
        if (layout.Rewrites[c]?.Invoke(k, r) is { } text) return text;
        if (sources[c] is { } source) return source.RawUtf8(r);
        return layout.Neutrals[c]
            ?? throw new InvalidOperationException($"no value for _{layout.Labels[c]} in input {k + 1}");
    }
}
