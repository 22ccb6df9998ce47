using System.Text;

namespace CryoMerge.Core.Formats;

/// <summary>
/// Writes STAR text in RELION's layout: optional comments, "data_NAME", pairs, "loop_", numbered labels,
/// one row per line with columns right-aligned, a blank line after each block. Cells are written from their
/// stored bytes, so untouched values keep their text.
/// </summary>
internal static class StarWriter
{
    /// <summary>First line of every file we write. It must not contain "data_" or "# version ": RELION looks for both
    /// anywhere in a line.</summary>
    public const string Banner = "# Written by CryoMerge.Distributed";

    private const int MaxPadding = 40;

    public static void Write(StarFile file, Stream stream)
    {
        var output = new Utf8Output(stream);
        output.Line($"{Banner} {typeof(StarWriter).Assembly.GetName().Version?.ToString(3)}");
        foreach (var block in file.Blocks) WriteBlock(output, block);
        foreach (var comment in file.TrailingComments) output.Line(comment);
        output.Flush();
    }

    private static void WriteBlock(Utf8Output output, StarBlock block)
    {
        output.Line("");
        if (block.LeadingComments.Count > 0)
        {
            foreach (var c in block.LeadingComments) output.Line(c);
            output.Line("");
        }
        output.Line("data_" + block.Name);
        output.Line("");
        foreach (var c in block.InnerComments) output.Line(c);
        if (block.Pairs.Count > 0)
        {
            int width = block.Pairs.Items.Max(p => p.Name.Length) + 1;
            foreach (var p in block.Pairs.Items)
                output.Line($"_{p.Name.PadRight(width)} {p.RawValue}{(p.Comment is null ? "" : " " + p.Comment)}");
            output.Line("");
        }
        if (block.Table is { } table) WriteTable(output, table);
    }

    private static void WriteTable(Utf8Output output, StarTable table)
    {
        output.Line("loop_");
        var columns = table.Columns;
        for (int i = 0; i < columns.Count; i++)
        {
            var c = columns[i];
            string number = table.HasColumnNumbers ? $" #{i + 1}" : "";
            string comment = c.HeaderComment is null ? "" : " " + c.HeaderComment;
            output.Line($"_{c.Name}{number}{comment}");
        }
        var widths = new int[columns.Count];
        for (int i = 0; i < columns.Count; i++) widths[i] = Math.Min(columns[i].MaxWidth(), MaxPadding);
        // RELION skips comments among the labels but takes one among the rows for a short row, so all go here.
        foreach (var line in table.Comments) output.Line(line);
        int rows = table.RowCount;
        for (int r = 0; r < rows; r++)
        {
            for (int c = 0; c < columns.Count; c++)
            {
                var cell = columns[c].RawUtf8(r);
                if (c > 0) output.Byte((byte)' ');
                output.Spaces(widths[c] - cell.Length);
                output.Bytes(cell);
            }
            output.Byte((byte)'\n');
        }
        output.Line("");
    }

    /// <summary>A large byte buffer in front of the stream: writing a million rows must not go through
    /// strings.</summary>
    private sealed class Utf8Output(Stream stream)
    {
        private readonly byte[] _buffer = new byte[1 << 20];
        private int _used;

        public void Line(string text)
        {
            Bytes(Encoding.UTF8.GetBytes(text));
            Byte((byte)'\n');
        }

        public void Byte(byte b)
        {
            if (_used == _buffer.Length) Flush();
            _buffer[_used++] = b;
        }

        public void Spaces(int count)
        {
            for (int i = 0; i < count; i++) Byte((byte)' ');
        }

        public void Bytes(ReadOnlySpan<byte> bytes)
        {
            if (bytes.Length > _buffer.Length - _used)
            {
                Flush();
                if (bytes.Length > _buffer.Length) { stream.Write(bytes); return; }
            }
            bytes.CopyTo(_buffer.AsSpan(_used));
            _used += bytes.Length;
        }

        public void Flush()
        {
            stream.Write(_buffer, 0, _used);
            _used = 0;
        }
    }
}
