using System.Globalization;

namespace CryoMerge.Core.Formats;

/// <summary>
/// Builds a STAR column cell by cell straight into its UTF-8 buffer (no string per cell), for converters that
/// write a million rows: numbers in their shortest exact form (the text parses back to the same float or double),
/// names quoted only when STAR needs it.
/// </summary>
internal sealed class StarColumnBuilder(string name, int rows)
{
    private readonly StarColumn _column = new(name, rows, rows * 10);
    private byte[] _buffer = new byte[64];

    public string Name => name;

    /// <summary>A float32 value (cryoSPARC's) in the shortest text that reads back as the same float32.</summary>
    public void Add(float value)
    {
        if (!value.TryFormat(_buffer, out int n, default,
            CultureInfo.InvariantCulture)) throw new InvalidOperationException("number too long");
        _column.Append(_buffer.AsSpan(0, n));
    }

    /// <summary>A double in the shortest text that reads back as the same double.</summary>
    public void Add(double value)
    {
        if (!value.TryFormat(_buffer, out int n, default,
            CultureInfo.InvariantCulture)) throw new InvalidOperationException("number too long");
        _column.Append(_buffer.AsSpan(0, n));
    }

    public void Add(long value)
    {
        if (!value.TryFormat(_buffer, out int n, default,
            CultureInfo.InvariantCulture)) throw new InvalidOperationException("number too long");
        _column.Append(_buffer.AsSpan(0, n));
    }

    /// <summary>RELION's image name "000012@path" (index padded to six digits), quoted when the path needs
    /// it.</summary>
    public void AddImageName(long index, ReadOnlySpan<byte> path)
    {
        if (_buffer.Length < path.Length + 24) _buffer = new byte[2 * (path.Length + 24)];
        index.TryFormat(_buffer, out int digits, "D6", CultureInfo.InvariantCulture);
        _buffer[digits] = (byte)'@';
        path.CopyTo(_buffer.AsSpan(digits + 1));
        var text = _buffer.AsSpan(0, digits + 1 + path.Length);
        if (NeedsQuotes(text)) AddString(System.Text.Encoding.UTF8.GetString(text));
        else _column.Append(text);
    }

    /// <summary>Cell text that is known to need no quoting (checked by the caller, e.g. with <see
    /// cref="NeedsQuotes"/>).</summary>
    public void AddRaw(ReadOnlySpan<byte> utf8) => _column.Append(utf8);

    /// <summary>A name, quoted when it is empty or holds blanks or starts with a quote or '#'.</summary>
    public void AddString(string value) => _column.Append(StarValues.Quote(value));

    public static bool NeedsQuotes(ReadOnlySpan<byte> utf8) =>
        utf8.Length == 0 || utf8[0] is (byte)'"' or (byte)'\'' or (byte)'#' || utf8.IndexOfAny((byte)' ',
            (byte)'\t') >= 0;

    /// <summary>
    /// Builds columns of <paramref name="rows"/> cells in parallel chunks of rows, in row order: <paramref
    /// name="addRow"/>
    /// appends row r's cell to each builder (one per name). <paramref name="addRow"/> must be safe to call from several
    /// threads for different rows.
    /// </summary>
    public static StarColumn[] Build(IReadOnlyList<string> names, int rows, Action<StarColumnBuilder[], int> addRow)
    {
        int chunks = rows < 50_000 ? 1 : Math.Min(64, 4 * Environment.ProcessorCount);
        int per = Math.Max(1, (rows + chunks - 1) / chunks);
        chunks = Math.Max(1, (rows + per - 1) / per);
        var parts = new StarColumnBuilder[chunks][];
        Parallel.For(0, chunks, c =>
        {
            int first = c * per, last = Math.Min(rows, first + per);
            var builders = names.Select(n => new StarColumnBuilder(n, last - first)).ToArray();
            for (int r = first; r < last; r++) addRow(builders, r);
            parts[c] = builders;
        });
        var result = new StarColumn[names.Count];
        for (int k = 0; k < names.Count; k++)
        {
            var column = parts[0][k].Build();
            for (int c = 1; c < chunks; c++) column.AppendColumn(parts[c][k].Build());
            result[k] = column;
        }
        return result;
    }

    /// <summary>One column built in parallel chunks (see <see cref="Build(IReadOnlyList{string}, int,
    /// Action{StarColumnBuilder[], int})"/>).</summary>
    public static StarColumn Build(string name, int rows, Action<StarColumnBuilder, int> addRow) =>
        Build([name], rows, (b, r) => addRow(b[0], r))[0];

    /// <summary>The finished column, to add to a table with <see cref="StarTable.AddParsedColumn"/>.</summary>
    public StarColumn Build()
    {
        if (_column.Count != rows) throw new InvalidOperationException($"column {name} has {_column.Count} cells, not "
            + $"{rows}");
        return _column;
    }
}
