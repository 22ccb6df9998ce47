using System.Globalization;
using System.Text;

namespace CryoMerge.Core.Formats;

/// <summary>Receives the cells of a loop, row after row, in column order.</summary>
public interface IStarRowSink
{
    /// <summary>A number as RELION writes it (<see cref="StarValues.FormatDouble(double)"/>).</summary>
    void Number(double value);

    /// <summary>An integer.</summary>
    void Integer(long value);

    /// <summary>A cell's text as written (<see cref="StarValues.Quote"/> it if it may hold blanks).</summary>
    void Text(string raw);

    /// <summary>A cell's text as written, in UTF-8 (a cell copied from another table as it is).</summary>
    void Raw(ReadOnlySpan<byte> utf8);

    /// <summary>Ends the row; it must have had one cell per column.</summary>
    void EndRow();
}

/// <summary>
/// Writes a STAR file whose last block is a loop too long to hold in memory (a million particles): the rows are
/// produced twice, once to measure each column's width and once to write them, so the file is laid out exactly as
/// <see cref="StarFile.Write"/> lays out the same rows held in a <see cref="StarTable"/>, with the same bytes, and
/// memory stays at one row. The file appears atomically.
/// </summary>
public static class StarLoopStream
{
    private const int MaxPadding = 40;

    /// <summary>
    /// Writes <paramref name="head"/>'s blocks, then block <paramref name="blockName"/> with the rows
    /// <paramref name="rows"/> produces.
    /// </summary>
    /// <param name="rows">Called twice; must produce the same rows both times.</param>
    /// <param name="headerComments">A comment after each column's label ("_rlnX #1 # comment"), or null; as
    /// <see cref="StarColumn.HeaderComment"/>.</param>
    /// <returns>The number of rows written.</returns>
    public static long Write(string path, StarFile head, string blockName, int? version, IReadOnlyList<string> columns,
        Action<IStarRowSink> rows, IReadOnlyList<string?>? headerComments = null)
    {
        var widths = new WidthSink(columns.Count);
        rows(widths);
        return Write(path, head, blockName, version, columns, widths.Widths(), widths.Rows, rows, headerComments);
    }

    /// <summary>
    /// As <see cref="Write(string, StarFile, string, int?, IReadOnlyList{string}, Action{IStarRowSink},
    /// IReadOnlyList{string?}?)"/> when the caller has measured the rows already: <paramref name="rows"/> is called
    /// once.
    /// </summary>
    /// <param name="widths">By column, the length in bytes of its longest cell as written.</param>
    /// <param name="rowCount">The number of rows <paramref name="rows"/> produces.</param>
    public static long Write(string path, StarFile head, string blockName, int? version, IReadOnlyList<string> columns,
        IReadOnlyList<int> widths, long rowCount, Action<IStarRowSink> rows,
        IReadOnlyList<string?>? headerComments = null)
    {
        if (head.TrailingComments.Count > 0)
            throw new ArgumentException("the head's trailing comments would land before the loop", nameof(head));
        if (widths.Count != columns.Count)
            throw new ArgumentException($"{widths.Count} widths for {columns.Count} columns", nameof(widths));
        string tmp = OutputFiles.TemporaryPathFor(path);
        try
        {
            using (var file = new FileStream(tmp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1))
            {
                head.WriteTo(file);
                using var output = new BufferedStream(file, 1 << 20);
                var text = new StringBuilder("\n");
                if (version is int v) text.Append(CultureInfo.InvariantCulture, $"# version {v}\n\n");
                text.Append("data_").Append(blockName).Append("\n\nloop_\n");
                for (int i = 0; i < columns.Count; i++)
                {
                    string? comment = headerComments?[i];
                    text.Append(CultureInfo.InvariantCulture,
                        $"_{columns[i]} #{i + 1}{(comment is null ? "" : " " + comment)}\n");
                }
                output.Write(Encoding.UTF8.GetBytes(text.ToString()));
                var writer = new WritingSink(output, widths.Select(w => Math.Min(w, MaxPadding)).ToArray());
                rows(writer);
                if (writer.Rows != rowCount)
                    throw new InvalidOperationException($"rows changed between passes: {rowCount}, {writer.Rows}");
                output.WriteByte((byte)'\n');
            }
            OutputFiles.Commit(tmp, path);
            return rowCount;
        }
        catch
        {
            OutputFiles.Discard(tmp);
            throw;
        }
    }

    /// <summary>Formats cells into one reusable buffer and hands each to <see cref="Cell"/>.</summary>
    private abstract class CellSink(int columns) : IStarRowSink
    {
        private readonly byte[] _cell = new byte[64];
        private int _column;

        public long Rows { get; private set; }

        protected int Columns { get; } = columns;

        public void Number(double value) => Cell(_column++, _cell.AsSpan(0, StarValues.FormatDouble(value, _cell)));

        public void Integer(long value)
        {
            value.TryFormat(_cell, out int n, provider: CultureInfo.InvariantCulture);
            Cell(_column++, _cell.AsSpan(0, n));
        }

        public void Text(string raw) => Cell(_column++, Encoding.UTF8.GetBytes(raw));

        public void Raw(ReadOnlySpan<byte> utf8) => Cell(_column++, utf8);

        public void EndRow()
        {
            if (_column != Columns)
                throw new InvalidOperationException($"row {Rows + 1} has {_column} cells for {Columns} columns");
            _column = 0;
            Rows++;
            RowEnded();
        }

        protected abstract void Cell(int column, ReadOnlySpan<byte> text);

        protected virtual void RowEnded() { }
    }

    private sealed class WidthSink(int columns) : CellSink(columns)
    {
        private readonly int[] _max = new int[columns];

        protected override void Cell(int column, ReadOnlySpan<byte> text)
        {
            if (column >= Columns) throw new InvalidOperationException($"row {Rows + 1} has more than {Columns} cells");
            _max[column] = Math.Max(_max[column], text.Length);
        }

        public int[] Widths() => _max;
    }

    private sealed class WritingSink(Stream output, int[] widths) : CellSink(widths.Length)
    {
        private static readonly byte[] Blanks = Enumerable.Repeat((byte)' ', MaxPadding).ToArray();

        protected override void Cell(int column, ReadOnlySpan<byte> text)
        {
            if (column >= Columns) throw new InvalidOperationException($"row {Rows + 1} has more than {Columns} cells");
            if (column > 0) output.WriteByte((byte)' ');
            int pad = widths[column] - text.Length;
            if (pad > 0) output.Write(Blanks, 0, pad);
            output.Write(text);
        }

        protected override void RowEnded() => output.WriteByte((byte)'\n');
    }
}
