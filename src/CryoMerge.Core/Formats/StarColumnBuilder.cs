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
    private readonly byte[] _buffer = new byte[64];

    public string Name => name;

    /// <summary>A float32 value (cryoSPARC's) in the shortest text that reads back as the same float32.</summary>
    public void Add(float value)
    {
        if (!value.TryFormat(_buffer, out int n, default, CultureInfo.InvariantCulture)) throw new InvalidOperationException("number too long");
        _column.Append(_buffer.AsSpan(0, n));
    }

    /// <summary>A double in the shortest text that reads back as the same double.</summary>
    public void Add(double value)
    {
        if (!value.TryFormat(_buffer, out int n, default, CultureInfo.InvariantCulture)) throw new InvalidOperationException("number too long");
        _column.Append(_buffer.AsSpan(0, n));
    }

    public void Add(long value)
    {
        if (!value.TryFormat(_buffer, out int n, default, CultureInfo.InvariantCulture)) throw new InvalidOperationException("number too long");
        _column.Append(_buffer.AsSpan(0, n));
    }

    /// <summary>Cell text that is known to need no quoting (checked by the caller, e.g. with <see cref="NeedsQuotes"/>).</summary>
    public void AddRaw(ReadOnlySpan<byte> utf8) => _column.Append(utf8);

    /// <summary>A name, quoted when it is empty or holds blanks or starts with a quote or '#'.</summary>
    public void AddString(string value) => _column.Append(StarValues.Quote(value));

    public static bool NeedsQuotes(ReadOnlySpan<byte> utf8) =>
        utf8.Length == 0 || utf8[0] is (byte)'"' or (byte)'\'' or (byte)'#' || utf8.IndexOfAny((byte)' ', (byte)'\t') >= 0;

    /// <summary>The finished column, to add to a table with <see cref="StarTable.AddParsedColumn"/>.</summary>
    public StarColumn Build()
    {
        if (_column.Count != rows) throw new InvalidOperationException($"column {name} has {_column.Count} cells, not {rows}");
        return _column;
    }
}
