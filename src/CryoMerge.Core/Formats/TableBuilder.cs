namespace CryoMerge.Core.Formats;

/// <summary>Builds STAR tables column by column from raw cell text, without going through rows.</summary>
internal static class TableBuilder
{
    /// <summary>A table of <paramref name="rows"/> rows whose columns are given by a cell function each.</summary>
    public static StarTable Create(int rows, IEnumerable<(string Label, Func<int, string> Cell)> columns)
    {
        var table = new StarTable();
        foreach (var (label, cell) in columns)
        {
            var column = new StarColumn(label, rows);
            for (int r = 0; r < rows; r++)
            {
                string text = cell(r);
                StarValues.CheckCell(text, label);
                column.Append(text);
            }
            table.AddParsedColumn(column);
        }
        return table;
    }
}
