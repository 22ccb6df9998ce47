namespace CryoMerge.Core.Formats;

/// <summary>The key-value pairs of a data block ("_rlnFinalResolution 3.2"), in file order, values as raw
/// text.</summary>
public sealed class StarPairs
{
    private readonly List<StarPair> _pairs = [];

    public IReadOnlyList<StarPair> Items => _pairs;

    public int Count => _pairs.Count;

    public bool Has(string name) => IndexOf(name) >= 0;

    public string? GetRaw(string name) => IndexOf(name) is int i and >= 0 ? _pairs[i].RawValue : null;

    public string? GetString(string name) => GetRaw(name) is { } raw ? StarValues.Unquote(raw) : null;

    public double? GetDouble(string name) =>
        GetRaw(name) is { } raw && double.TryParse(raw, System.Globalization.NumberStyles.Float,
        System.Globalization.CultureInfo.InvariantCulture, out double v)
            ? v : null;

    /// <summary>Sets (or adds at the end) a pair with raw text.</summary>
    public void SetRaw(string name, string raw)
    {
        name = name.TrimStart('_');
        StarValues.CheckCell(raw, name);
        int i = IndexOf(name);
        if (i >= 0) _pairs[i] = _pairs[i] with { RawValue = raw };
        else _pairs.Add(new StarPair(name, raw, null));
    }

    public void SetString(string name, string value) => SetRaw(name, StarValues.Quote(value));

    public void SetDouble(string name, double value) => SetRaw(name, StarValues.FormatDouble(value));

    public bool Remove(string name)
    {
        int i = IndexOf(name);
        if (i < 0) return false;
        _pairs.RemoveAt(i);
        return true;
    }

    internal void AddParsed(StarPair pair) => _pairs.Add(pair);

    private int IndexOf(string name)
    {
        name = name.TrimStart('_');
        for (int i = 0; i < _pairs.Count; i++) if (_pairs[i].Name == name) return i;
        return -1;
    }
}

/// <summary>One key-value pair; <paramref name="Comment"/> is a trailing "# ..." comment on its line, kept as
/// is.</summary>
public sealed record StarPair(string Name, string RawValue, string? Comment);
