using System.Text;

namespace CryoMerge.Core.Formats;

/// <summary>
/// Reads STAR text the way RELION does (<c>MetaDataTable::readStar*</c>), line by line over UTF-8 bytes:
/// a loop row is one line, a loop ends at a blank line or the next <c>data_</c>, '#' starts a comment outside
/// quotes, values may be quoted with ' or ". Cells are stored as their original bytes. Any malformed line
/// is an error naming the file and line number.
/// </summary>
internal sealed class StarParser
{
    /// <summary>A loop row of a streamed block: the file offset of its line, the line (trimmed) and its cells as
    /// ranges of that line.</summary>
    public delegate void RowHandler(StarBlock block, long offset, ReadOnlySpan<byte> line, ReadOnlySpan<Range> cells);

    private enum State { Outside, InBlock, InLoopHeader, InLoopBody }

    private readonly string _source;
    private readonly StarFile _file;
    private readonly List<string> _pendingComments = [];
    private State _state = State.Outside;
    private StarBlock? _block;
    private StarTable? _table;
    private int _lineNumber;
    private readonly Func<StarBlock, bool>? _streamed;
    private readonly RowHandler? _rows;
    private bool _streaming;
    private Range[] _cells = [];
    private long _lineOffset;

    private StarParser(string source, StarFile file, Func<StarBlock, bool>? streamed, RowHandler? rows)
    {
        _source = source;
        _file = file;
        _streamed = streamed;
        _rows = rows;
    }

    public static StarFile Parse(Stream stream, string source) => Parse(stream, source, null, null);

    /// <summary>
    /// Parses the file, but hands the loop rows of every block <paramref name="streamed"/> selects (asked when its
    /// loop starts) to <paramref name="rows"/>, one at a time, instead of keeping them: those blocks' tables come back
    /// with their columns and no rows, and memory stays at one row whatever their length. Rows are checked as when
    /// kept (one value per column).
    /// </summary>
    public static StarFile Parse(Stream stream, string source, Func<StarBlock, bool>? streamed, RowHandler? rows)
    {
        var file = new StarFile { SourcePath = source };
        var parser = new StarParser(source, file, streamed, rows);
        byte[] buffer = new byte[1 << 22];
        int filled = 0;
        long bufferOffset = 0;
        bool first = true;
        while (true)
        {
            int read = stream.Read(buffer, filled, buffer.Length - filled);
            filled += read;
            int start = 0;
            if (first && filled >= 3 && buffer[0] == 0xEF && buffer[1] == 0xBB && buffer[2] == 0xBF) start = 3;
            if (first && filled > 0 && Array.IndexOf(buffer, (byte)0, 0, Math.Min(filled, 4096)) >= 0)
                throw new CryoMergeInputException(source, "binary data, not a STAR text file");
            first = false;
            while (true)
            {
                int nl = buffer.AsSpan(start, filled - start).IndexOf((byte)'\n');
                if (nl < 0) break;
                parser._lineOffset = bufferOffset + start;
                parser.Line(buffer.AsSpan(start, nl));
                start += nl + 1;
            }
            if (read == 0)
            {
                parser._lineOffset = bufferOffset + start;
                if (start < filled) parser.Line(buffer.AsSpan(start, filled - start));
                break;
            }
            // Keep the incomplete last line; grow the buffer when one line fills it.
            int rest = filled - start;
            if (start == 0 && rest == buffer.Length) Array.Resize(ref buffer, buffer.Length * 2);
            else Buffer.BlockCopy(buffer, start, buffer, 0, rest);
            bufferOffset += start;
            filled = rest;
        }
        parser.Finish();
        return file;
    }

    private void Line(ReadOnlySpan<byte> raw)
    {
        _lineNumber++;
        if (raw.IndexOf((byte)0) >= 0) throw Error("a NUL byte: binary data, not STAR text");
        var line = TrimLine(raw);
        if (_state == State.InLoopBody) { LoopBodyLine(line, raw); return; }
        if (_state == State.InLoopHeader) { LoopHeaderLine(line, raw); return; }

        if (line.IsEmpty) return;
        if (line[0] == (byte)'#') { _pendingComments.Add(Text(raw.TrimEnd(" \t\r"u8))); return; }
        if (line.StartsWith("data_"u8)) { StartBlock(line); return; }
        if (line.StartsWith("loop_"u8))
        {
            var block = _block ?? throw Error("loop_ outside a data block");
            if (block.Table is not null) throw Error(
                $"a second loop_ in data_{block.Name} (RELION reads one loop per block)");
            FlushInnerComments();
            _table = new StarTable { HasColumnNumbers = false, Source = new StarSource(_source, block.Name) };
            block.Table = _table;
            _streaming = _streamed?.Invoke(block) == true;
            _state = State.InLoopHeader;
            return;
        }
        if (line[0] == (byte)'_')
        {
            var block = _block ?? throw Error("a _label outside a data block");
            if (block.Table is not null) throw Error($"a key-value pair after the loop of data_{block.Name}");
            FlushInnerComments();
            int pos = 0;
            var name = NextToken(line, ref pos, out _);
            var value = NextToken(line, ref pos, out bool comment);
            if (value.IsEmpty || comment) throw Error($"no value after {Text(name)}");
            var rest = line[pos..].Trim(" \t"u8);
            string? trailing = rest.IsEmpty ? null : Text(rest);
            if (trailing is not null && trailing[0] != '#') throw Error($"more than one value after {Text(name)}");
            block.Pairs.AddParsed(new StarPair(Text(name[1..]), Text(value), trailing));
            return;
        }
        if (line[0] == (byte)';') throw Error("multi-line text fields (;) are not supported");
        throw Error($"unexpected text '{Shorten(Text(line))}' (expected data_, loop_, a _label or a comment)");
    }

    private void LoopHeaderLine(ReadOnlySpan<byte> line, ReadOnlySpan<byte> raw)
    {
        if (line.IsEmpty) return;
        if (line[0] == (byte)'#') { _table!.Comments.Add(Text(raw.TrimEnd(" \t\r"u8))); return; }
        if (line[0] == (byte)'_')
        {
            int end = line.IndexOfAny(" \t"u8);
            var name = end < 0 ? line : line[..end];
            var rest = end < 0 ? [] : line[end..].Trim(" \t"u8);
            string? comment = null;
            if (!rest.IsEmpty)
            {
                if (rest[0] == (byte)'#')
                {
                    _table!.HasColumnNumbers = true;
                    int i = 1;
                    while (i < rest.Length && rest[i] >= (byte)'0' && rest[i] <= (byte)'9') i++;
                    rest = rest[i..].Trim(" \t"u8);
                }
                if (!rest.IsEmpty) comment = Text(rest);
            }
            string label = Text(name[1..]);
            if (label.Length == 0) throw Error("a column label with no name");
            try { _table!.AddParsedColumn(new StarColumn(label) { HeaderComment = comment }); }
            catch (ArgumentException) { throw Error($"column _{label} appears twice in the loop"); }
            return;
        }
        if (line.StartsWith("data_"u8)) { EndLoop(); StartBlock(line); return; }
        if (_table!.Columns.Count == 0) throw Error("loop_ without column labels");
        _state = State.InLoopBody;
        LoopBodyLine(line, raw);
    }

    private void LoopBodyLine(ReadOnlySpan<byte> line, ReadOnlySpan<byte> raw)
    {
        var table = _table!;
        if (line.IsEmpty) { EndLoop(); return; }
        if (line.StartsWith("data_"u8)) { EndLoop(); StartBlock(line); return; }
        if (line[0] == (byte)'#') { table.Comments.Add(Text(raw.TrimEnd(" \t\r"u8))); return; }
        if (line.StartsWith("loop_"u8)) throw Error(
            $"a second loop_ in data_{_block!.Name} (RELION reads one loop per block)");
        var columns = table.Columns;
        if (_streaming)
        {
            StreamRow(line, columns.Count);
            return;
        }
        int pos = 0, c = 0;
        while (true)
        {
            var token = NextToken(line, ref pos, out bool comment);
            if (token.IsEmpty || comment) break;
            if (c == columns.Count)
                throw Error($"row has more values than the {columns.Count} columns of the loop");
            columns[c++].Append(token);
        }
        // A short row aborts the whole parse, so the partly filled columns are never seen.
        if (c < columns.Count) throw Error($"row has {c} values but the loop declares {columns.Count} columns");
    }

    private void StreamRow(ReadOnlySpan<byte> line, int columns)
    {
        if (_cells.Length != columns) _cells = new Range[columns];
        int c = SplitRow(line, _cells);
        if (c < 0) throw Error("unterminated quoted value");
        if (c > columns) throw Error($"row has more values than the {columns} columns of the loop");
        if (c < columns) throw Error($"row has {c} values but the loop declares {columns} columns");
        _rows?.Invoke(_block!, _lineOffset, line, _cells);
    }

    /// <summary>Next whitespace-separated token;
    /// quoted tokens end at a matching quote followed by a blank or the end.</summary>
    private ReadOnlySpan<byte> NextToken(ReadOnlySpan<byte> line, ref int pos, out bool isComment)
    {
        var token = Token(line, ref pos, out isComment, out bool unterminated);
        return unterminated ? throw Error("unterminated quoted value") : token;
    }

    /// <summary>What a line holds once its surrounding blanks are trimmed, as the parser reads it.</summary>
    internal static ReadOnlySpan<byte> TrimLine(ReadOnlySpan<byte> raw) => raw.Trim(" \t\r\f"u8);

    /// <summary>
    /// The cells of a loop row (a trimmed line) into <paramref name="cells"/>, as the parser splits them; returns how
    /// many there were (more than <paramref name="cells"/> holds: its length + 1), or -1 for an unterminated quote.
    /// </summary>
    internal static int SplitRow(ReadOnlySpan<byte> line, Span<Range> cells)
    {
        int pos = 0, c = 0;
        while (true)
        {
            var token = Token(line, ref pos, out bool comment, out bool unterminated);
            if (unterminated) return -1;
            if (token.IsEmpty || comment) return c;
            if (c == cells.Length) return c + 1;
            cells[c++] = new Range(pos - token.Length, pos);
        }
    }

    private static ReadOnlySpan<byte> Token(ReadOnlySpan<byte> line, ref int pos, out bool isComment,
        out bool unterminated)
    {
        isComment = false;
        unterminated = false;
        while (pos < line.Length && (line[pos] == (byte)' ' || line[pos] == (byte)'\t')) pos++;
        if (pos >= line.Length) return [];
        int start = pos;
        byte first = line[pos];
        if (first == (byte)'#') { isComment = true; return line[pos..]; }
        if (first == (byte)'"' || first == (byte)'\'')
        {
            int i = pos + 1;
            while (i < line.Length)
            {
                if (line[i] == first && (i + 1 == line.Length || line[i + 1] == (byte)' ' || line[i + 1] == (byte)'\t'))
                {
                    pos = i + 1;
                    return line[start..pos];
                }
                i++;
            }
            unterminated = true;
            return [];
        }
        int end = line[pos..].IndexOfAny(" \t"u8);
        pos = end < 0 ? line.Length : pos + end;
        return line[start..pos];
    }

    private void StartBlock(ReadOnlySpan<byte> line)
    {
        var rest = line[5..];
        int end = rest.IndexOfAny(" \t"u8);
        string name = Text(end < 0 ? rest : rest[..end]);
        var block = new StarBlock(name);
        foreach (var c in _pendingComments)
            if (!c.StartsWith(StarWriter.Banner, StringComparison.Ordinal)) block.LeadingComments.Add(c);
        _pendingComments.Clear();
        _file.Blocks.Add(block);
        _block = block;
        _table = null;
        _state = State.InBlock;
    }

    private void FlushInnerComments()
    {
        _block!.InnerComments.AddRange(_pendingComments);
        _pendingComments.Clear();
    }

    private void EndLoop()
    {
        if (_table!.Columns.Count == 0) throw Error("loop_ without column labels");
        _state = State.InBlock;
    }

    private void Finish()
    {
        if (_state == State.InLoopHeader || _state == State.InLoopBody) EndLoop();
        if (_file.Blocks.Count == 0)
            throw new CryoMergeInputException(_source,
                _lineNumber <= 1 && _pendingComments.Count == 0 ? "file is empty or has no data_ block"
                : "no data_ block found: not a STAR file");
        // Comments after the last block stay with the file.
        _file.TrailingComments.AddRange(_pendingComments);
    }

    private CryoMergeInputException Error(string problem) => new(_source, $"line {_lineNumber}: {problem}");

    private static string Text(ReadOnlySpan<byte> bytes) => Encoding.UTF8.GetString(bytes);

    private static string Shorten(string s) => s.Length <= 40 ? s : s[..37] + "...";
}
