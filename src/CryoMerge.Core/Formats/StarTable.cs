namespace CryoMerge.Core.Formats;

/// <summary>
/// The <c>loop_</c> of a data block: named columns of equal length. Columns are found by name (without the
/// leading underscore); rows are indices 0..RowCount-1.
/// </summary>
public sealed class StarTable
{
    private readonly List<StarColumn> _columns = [];
    private readonly Dictionary<string, int> _index = new(StringComparer.Ordinal);

    /// <summary>Comment lines found among the labels or rows; written after the labels, where RELION skips
    /// them.</summary>
    public List<string> Comments { get; } = [];

    public IReadOnlyList<StarColumn> Columns => _columns;

    /// <summary>The file and block the table was read from (null if built in memory), for messages.</summary>
    internal StarSource? Source { get; set; }

    public int RowCount => _columns.Count == 0 ? _emptyRows : _columns[0].Count;
    private int _emptyRows;

    /// <summary>Whether the header numbers its columns ("_rlnX #1"); kept from the input, on for new tables.</summary>
    public bool HasColumnNumbers { get; set; } = true;

    public IEnumerable<string> ColumnNames => _columns.Select(c => c.Name);

    public bool Has(string name) => _index.ContainsKey(Strip(name));

    public int IndexOf(string name) => _index.TryGetValue(Strip(name), out int i) ? i : -1;

    /// <summary>The column of that name; a clear error when it is missing.</summary>
    public StarColumn Column(string name) =>
        _index.TryGetValue(Strip(name),
        out int i) ? _columns[i] : throw new KeyNotFoundException($"no column _{Strip(name)}");

    public StarColumn? TryColumn(string name) => _index.TryGetValue(Strip(name), out int i) ? _columns[i] : null;

    public StarColumn this[string name] => Column(name);

    public string GetString(int row, string column) => Column(column).GetString(row);

    public double GetDouble(int row, string column) => Column(column).GetDouble(row);

    public int GetInt(int row, string column) => Column(column).GetInt(row);

    /// <summary>Adds a column at the end (or at <paramref name="position"/>) with every cell set to <paramref
    /// name="fill"/> (raw text).</summary>
    public StarColumn AddColumn(string name, string fill, int? position = null) => AddColumn(name, _ => fill, position);

    /// <summary>Adds a column whose cells are computed from the row index (raw text).</summary>
    public StarColumn AddColumn(string name, Func<int, string> cell, int? position = null)
    {
        name = Strip(name);
        if (_index.ContainsKey(name)) throw new ArgumentException($"column _{name} exists already");
        int rows = RowCount;
        var column = new StarColumn(name, rows, rows * 8) { Source = Source };
        for (int i = 0; i < rows; i++)
        {
            string t = cell(i);
            StarValues.CheckCell(t, name);
            column.Append(t);
        }
        _columns.Insert(position ?? _columns.Count, column);
        Reindex();
        return column;
    }

    internal void AddParsedColumn(StarColumn column)
    {
        if (_index.ContainsKey(column.Name)) throw new ArgumentException($"column _{column.Name} appears twice");
        column.Source ??= Source;
        _index[column.Name] = _columns.Count;
        _columns.Add(column);
    }

    public void RemoveColumn(string name)
    {
        int i = IndexOf(name);
        if (i < 0) throw new KeyNotFoundException($"no column _{Strip(name)}");
        if (_columns.Count == 1) _emptyRows = RowCount;
        _columns.RemoveAt(i);
        Reindex();
    }

    public void RenameColumn(string oldName, string newName)
    {
        var column = Column(oldName);
        newName = Strip(newName);
        if (_index.ContainsKey(newName)) throw new ArgumentException($"column _{newName} exists already");
        column.Name = newName;
        Reindex();
    }

    /// <summary>Appends one row of raw cell texts, one per column in order.</summary>
    public void AddRow(params IReadOnlyList<string> cells)
    {
        if (cells.Count != _columns.Count)
            throw new ArgumentException($"a row needs {_columns.Count} values, not {cells.Count}");
        for (int c = 0; c < cells.Count; c++) StarValues.CheckCell(cells[c], _columns[c].Name);
        for (int c = 0; c < cells.Count; c++) _columns[c].Append(cells[c]);
    }

    /// <summary>Keeps only the given rows, in the given order (rows may repeat).</summary>
    public void KeepRows(ReadOnlySpan<int> rows)
    {
        for (int c = 0; c < _columns.Count; c++) _columns[c] = _columns[c].Select(rows);
        if (_columns.Count == 0) _emptyRows = rows.Length;
    }

    /// <summary>Removes every row for which <paramref name="remove"/> is true.</summary>
    public int RemoveRows(Func<int, bool> remove)
    {
        var keep = new List<int>(RowCount);
        for (int i = 0; i < RowCount; i++) if (!remove(i)) keep.Add(i);
        int removed = RowCount - keep.Count;
        if (removed > 0) KeepRows(keep.ToArray());
        return removed;
    }

    private void Reindex()
    {
        _index.Clear();
        for (int i = 0; i < _columns.Count; i++) _index[_columns[i].Name] = i;
    }

    private static string Strip(string name) => name.StartsWith('_') ? name[1..] : name;
}
