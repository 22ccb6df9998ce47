using Microsoft.Win32.SafeHandles;

namespace CryoMerge.Core.Formats;

/// <summary>
/// Reads single loop rows of a STAR file again by the byte offset of their line (as
/// <see cref="StarParser.RowHandler"/> gave it), split into cells exactly as the parser splits them. Rows read in
/// ascending order come from one buffer refilled as it runs out, so reading a whole file row by row costs about one
/// sequential read; memory stays at the buffer (1 MiB, more only for a longer line).
/// </summary>
internal sealed class StarRowReader : IDisposable
{
    private readonly string _path;
    private readonly SafeFileHandle _file;
    private readonly Range[] _cells;
    private byte[] _buffer = new byte[1 << 20];
    private long _bufferStart;
    private int _bufferLength;

    public StarRowReader(string path, int columns)
    {
        _path = path;
        _cells = new Range[columns];
        try
        {
            _file = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read, FileOptions.RandomAccess);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CryoMergeInputException(path, $"cannot be read: {e.Message}", e);
        }
    }

    /// <summary>The cells of the row whose line starts at <paramref name="offset"/>, as ranges of
    /// <paramref name="line"/> (valid until the next call).</summary>
    public ReadOnlySpan<Range> Row(long offset, out ReadOnlySpan<byte> line)
    {
        line = StarParser.TrimLine(Line(offset));
        int count = StarParser.SplitRow(line, _cells);
        if (count != _cells.Length)
            throw new CryoMergeInputException(_path,
                $"changed while it was being read: the row at byte {offset} no longer has {_cells.Length} values");
        return _cells;
    }

    private ReadOnlySpan<byte> Line(long offset)
    {
        while (true)
        {
            long start = offset - _bufferStart;
            if (start >= 0 && start < _bufferLength)
            {
                var rest = _buffer.AsSpan((int)start, _bufferLength - (int)start);
                int nl = rest.IndexOf((byte)'\n');
                if (nl >= 0) return rest[..nl];
                // The line runs past the buffer: at the end of the file it is the last line.
                if (_bufferStart + _bufferLength >= RandomAccess.GetLength(_file)) return rest;
                if (start == 0) Array.Resize(ref _buffer, _buffer.Length * 2);
            }
            Fill(offset);
        }
    }

    private void Fill(long offset)
    {
        if (offset >= RandomAccess.GetLength(_file))
            throw new CryoMergeInputException(_path, $"changed while it was being read: it ends before byte {offset}");
        _bufferStart = offset;
        _bufferLength = 0;
        while (_bufferLength < _buffer.Length)
        {
            int read = RandomAccess.Read(_file, _buffer.AsSpan(_bufferLength), offset + _bufferLength);
            if (read == 0) break;
            _bufferLength += read;
        }
    }

    public void Dispose() => _file.Dispose();
}
