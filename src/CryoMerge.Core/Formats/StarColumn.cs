using System.Globalization;
using System.Text;

namespace CryoMerge.Core.Formats;

/// <summary>
/// One column of a STAR loop. Cells are kept as their original UTF-8 text (quotes included), packed in one
/// buffer, so a million-row file costs about its own size in memory, untouched values are written back byte
/// for byte, and typed values are parsed only when asked for.
/// </summary>
public sealed class StarColumn
{
    private byte[] _data;
    private int _length;
    private int[] _ends;
    private int _count;
    private Dictionary<int, byte[]>? _overrides;

    internal StarColumn(string name, int capacityRows = 16, int capacityBytes = 256)
    {
        Name = name;
        _data = new byte[Math.Max(16, capacityBytes)];
        _ends = new int[Math.Max(4, capacityRows)];
    }

    /// <summary>Label without the leading underscore, e.g. "rlnDefocusU".</summary>
    public string Name { get; internal set; }

    /// <summary>The file and block this column was read from, for messages; null for columns built in memory.</summary>
    internal StarSource? Source { get; set; }

    /// <summary>Text after the "#N" column number in the loop header (e.g. "[Modulation Transfer Function]"), kept as
    /// is.</summary>
    public string? HeaderComment { get; set; }

    public int Count => _count;

    /// <summary>The cell's text exactly as in the file, quotes included.</summary>
    public ReadOnlySpan<byte> RawUtf8(int row)
    {
        if ((uint)row >= (uint)_count) throw new ArgumentOutOfRangeException(nameof(row), row,
            $"column {Name} has {_count} rows");
        if (_overrides is not null && _overrides.TryGetValue(row, out var bytes)) return bytes;
        int start = row == 0 ? 0 : _ends[row - 1];
        return _data.AsSpan(start, _ends[row] - start);
    }

    /// <summary>The cell's text as in the file, quotes included.</summary>
    public string Raw(int row) => Encoding.UTF8.GetString(RawUtf8(row));

    /// <summary>The cell as a string, with STAR quotes removed.</summary>
    public string GetString(int row) => StarValues.Unquote(Raw(row));

    /// <summary>
    /// The cell as a number ("nan" and "inf" included: RELION writes them); a one-line
    /// <see cref="CryoMergeInputException"/> naming the file, block, column and row when it is not one.
    /// </summary>
    public double GetDouble(int row)
    {
        var raw = RawUtf8(row);
        if (double.TryParse(raw, NumberStyles.Float, CultureInfo.InvariantCulture, out double value)) return value;
        throw ValueError(row, raw, "a number");
    }

    /// <summary>
    /// The cell as an integer (RELION also writes integers such as optics group numbers as "1.000000" sometimes);
    /// NaN, infinite, fractional or out-of-range values are a one-line <see cref="CryoMergeInputException"/>.
    /// </summary>
    public int GetInt(int row)
    {
        var raw = RawUtf8(row);
        if (int.TryParse(raw, NumberStyles.Integer, CultureInfo.InvariantCulture, out int value)) return value;
        if (double.TryParse(raw, NumberStyles.Float, CultureInfo.InvariantCulture, out double d)
            && double.IsFinite(d) && d == Math.Round(d) && Math.Abs(d) <= int.MaxValue) return (int)d;
        throw ValueError(row, raw, "an integer");
    }

    /// <summary>"data_optics, column _rlnOpticsGroup, row 1: 'nan' is not an integer", for the file if known.</summary>
    private CryoMergeInputException ValueError(int row, ReadOnlySpan<byte> raw, string expected)
    {
        string text = Encoding.UTF8.GetString(raw);
        if (text.Length > 40) text = text[..37] + "...";
        string block = Source is { } s ? $"data_{s.Block}, " : "";
        return new CryoMergeInputException(Source?.File ?? "",
            $"{block}column _{Name}, row {row + 1}: '{text}' is not {expected}");
    }

    public bool TryGetDouble(int row, out double value) =>
        double.TryParse(RawUtf8(row), NumberStyles.Float, CultureInfo.InvariantCulture, out value);

    /// <summary>All cells as numbers.</summary>
    public double[] GetDoubles()
    {
        var values = new double[_count];
        for (int i = 0; i < values.Length; i++) values[i] = GetDouble(i);
        return values;
    }

    /// <summary>Replaces one cell with raw text (quote it first with <see cref="StarValues.Quote"/> if it may contain
    /// blanks).</summary>
    public void SetRaw(int row, string text)
    {
        if ((uint)row >= (uint)_count) throw new ArgumentOutOfRangeException(nameof(row), row,
            $"column {Name} has {_count} rows");
        StarValues.CheckCell(text, Name);
        _overrides ??= new Dictionary<int, byte[]>();
        _overrides[row] = Encoding.UTF8.GetBytes(text);
        if (_overrides.Count > 1024 && _overrides.Count > _count / 8) Compact();
    }

    /// <summary>Sets a string cell, quoting it when needed.</summary>
    public void SetString(int row, string value) => SetRaw(row, StarValues.Quote(value));

    /// <summary>Sets a numeric cell in RELION's format (%12.6f, or %12.6e outside 0.001-100000).</summary>
    public void SetDouble(int row, double value) => SetRaw(row, StarValues.FormatDouble(value));

    public void SetInt(int row, long value) => SetRaw(row, value.ToString(CultureInfo.InvariantCulture));

    /// <summary>Rewrites every cell from a function of the row (fast path for whole-column changes).</summary>
    public void SetAll(Func<int, string> text)
    {
        var rebuilt = new StarColumn(Name, _count, _length) { HeaderComment = HeaderComment };
        for (int i = 0; i < _count; i++)
        {
            string t = text(i);
            StarValues.CheckCell(t, Name);
            rebuilt.Append(t);
        }
        TakeStorage(rebuilt);
    }

    /// <summary>
    /// Rewrites the cells for which <paramref name="newValue"/> gives a number (RELION-formatted) and keeps the text of
    /// the others (null), in one pass: the fast path for changing some rows of a million-row column.
    /// </summary>
    public void RewriteDoubles(Func<int, double?> newValue)
    {
        var rebuilt = new StarColumn(Name, _count, _length + 16) { HeaderComment = HeaderComment };
        Span<byte> buffer = stackalloc byte[32];
        for (int i = 0; i < _count; i++)
        {
            if (newValue(i) is double v)
            {
                int n = StarValues.FormatDouble(v, buffer);
                rebuilt.Append(buffer[..n]);
            }
            else rebuilt.Append(RawUtf8(i));
        }
        TakeStorage(rebuilt);
    }

    internal void Append(ReadOnlySpan<byte> utf8)
    {
        if (_length + utf8.Length > _data.Length)
        {
            long wanted = Math.Max((long)_data.Length * 2, (long)_length + utf8.Length);
            if (wanted > Array.MaxLength) wanted = Array.MaxLength;
            if (wanted < _length
                + utf8.Length) throw new InvalidOperationException($"column {Name} holds more than 2 GB of text");
            Array.Resize(ref _data, (int)wanted);
        }
        utf8.CopyTo(_data.AsSpan(_length));
        _length += utf8.Length;
        if (_count == _ends.Length) Array.Resize(ref _ends, _ends.Length * 2);
        _ends[_count++] = _length;
    }

    internal void Append(string text) => Append(Encoding.UTF8.GetBytes(text));

    /// <summary>Appends every cell of <paramref name="other"/> in one copy (columns built in chunks).</summary>
    internal void AppendColumn(StarColumn other)
    {
        if (other._overrides is not null)
        {
            for (int i = 0; i < other._count; i++) Append(other.RawUtf8(i));
            return;
        }
        long length = (long)_length + other._length;
        if (length > Array.MaxLength)
            throw new InvalidOperationException($"column {Name} holds more than 2 GB of text");
        if (length > _data.Length)
            Array.Resize(ref _data, (int)Math.Min(Array.MaxLength, Math.Max(length, 2L * _data.Length)));
        if (_count + other._count > _ends.Length)
            Array.Resize(ref _ends, Math.Max(_count + other._count, 2 * _ends.Length));
        other._data.AsSpan(0, other._length).CopyTo(_data.AsSpan(_length));
        for (int i = 0; i < other._count; i++) _ends[_count + i] = _length + other._ends[i];
        _count += other._count;
        _length = (int)length;
    }

    /// <summary>A new column holding the given rows of this one, in that order.</summary>
    internal StarColumn Select(ReadOnlySpan<int> rows)
    {
        var result = new StarColumn(Name, rows.Length, Math.Max(16, (int)Math.Min(Array.MaxLength,
            (long)_length * rows.Length / Math.Max(1, _count) + 16)))
        {
            HeaderComment = HeaderComment,
            Source = Source,
        };
        foreach (int r in rows) result.Append(RawUtf8(r));
        return result;
    }

    /// <summary>Widest cell in bytes, for aligned output.</summary>
    internal int MaxWidth()
    {
        int max = 0, start = 0;
        for (int i = 0; i < _count; i++)
        {
            int w = _ends[i] - start;
            if (w > max) max = w;
            start = _ends[i];
        }
        if (_overrides is not null) foreach (var o in _overrides.Values) max = Math.Max(max, o.Length);
        return max;
    }

    private void Compact()
    {
        var rebuilt = new StarColumn(Name, _count, _length) { HeaderComment = HeaderComment };
        for (int i = 0; i < _count; i++) rebuilt.Append(RawUtf8(i));
        TakeStorage(rebuilt);
    }

    private void TakeStorage(StarColumn other)
    {
        _data = other._data;
        _length = other._length;
        _ends = other._ends;
        _count = other._count;
        _overrides = null;
    }
}

/// <summary>Where a table was read from: the file as the user named it and the block (without "data_").</summary>
internal sealed record StarSource(string File, string Block);
