using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace CryoMerge.Core.Formats;

/// <summary>
/// A 1-D structured NumPy array (a .npy file, or a cryoSPARC .cs file, which is one): named fields of fixed size in
/// any order and either byte order, held column by column (<see cref="NpyColumn"/>). Every field is kept, known or
/// not, and written back with its name, type and shape, so that NumPy reads the same fields back. Reading streams
/// the rows in blocks; writing is atomic (<see cref="OutputFiles"/>).
/// </summary>
public sealed class NpyArray
{
    private readonly List<NpyColumn> _columns = [];
    private readonly Dictionary<string, NpyColumn> _byName = new(StringComparer.Ordinal);

    public NpyArray(int rows)
    {
        if (rows < 0) throw new ArgumentOutOfRangeException(nameof(rows), rows, "rows must be >= 0");
        RowCount = rows;
    }

    public int RowCount { get; }

    /// <summary>The fields in file order, padding included.</summary>
    public IReadOnlyList<NpyColumn> Columns => _columns;

    /// <summary>The header the array was read with; null for arrays built in memory.</summary>
    public NpyHeader? Header { get; private init; }

    public bool Has(string name) => _byName.ContainsKey(name);

    public NpyColumn? TryColumn(string name) => _byName.GetValueOrDefault(name);

    public NpyColumn Column(string name) => _byName.TryGetValue(name, out var c) ? c
        : throw new KeyNotFoundException($"no field '{name}'");

    /// <summary>Adds a field (all zeros) at the end and returns it.</summary>
    public NpyColumn AddColumn(NpyField field)
    {
        if (!field.IsPadding
            && _byName.ContainsKey(field.Name)) throw new ArgumentException($"field '{field.Name}' exists already");
        var column = new NpyColumn(field, RowCount);
        Add(column);
        return column;
    }

    private void Add(NpyColumn column)
    {
        _columns.Add(column);
        if (!column.Field.IsPadding) _byName[column.Name] = column;
    }

    /// <summary>Reads a .npy/.cs file; every problem is a <see cref="CryoMergeInputException"/> naming the
    /// file.</summary>
    public static NpyArray Read(string path)
    {
        if (Directory.Exists(path)) throw new CryoMergeInputException(path, "is a directory, not a .cs file");
        if (!File.Exists(path)) throw new CryoMergeInputException(path, "file not found");
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16,
                FileOptions.SequentialScan);
            if (stream.Length == 0) throw new CryoMergeInputException(path, "file is empty");
            return Read(stream, path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CryoMergeInputException(path, $"cannot be read: {e.Message}", e);
        }
    }

    /// <summary>Reads an array from a stream positioned at its magic; <paramref name="name"/> is used in
    /// messages.</summary>
    public static NpyArray Read(Stream stream, string name)
    {
        NpyHeader header;
        try { header = NpyHeader.Read(stream); }
        catch (FormatException e) { throw new CryoMergeInputException(name, e.Message, e); }
        int record = header.RecordSize;
        if (header.Rows > int.MaxValue) throw new CryoMergeInputException(name,
            $"holds {header.Rows} rows, more than this reader supports ({int.MaxValue})");
        int rows = (int)header.Rows;
        long needed = (long)rows * record;
        if (stream.CanSeek)
        {
            long available = stream.Length - stream.Position;
            if (available < needed)
                throw new CryoMergeInputException(name,
                    $"is truncated: its header announces {rows} rows of {record} bytes ({needed} bytes) but only "
                        + $"{available} bytes follow");
        }
        var array = new NpyArray(rows) { Header = header };
        foreach (var f in header.Fields) array.Add(new NpyColumn(f, rows));
        array.ReadRows(stream, name, needed);
        foreach (var column in array._columns.Where(c => c.Field.BigEndian))
        {
            SwapToLittleEndian(column);
            column.Field = column.Field with { BigEndian = false };
        }
        return array;
    }

    /// <summary>Copies the record-major rows into the columns, a block of rows at a time.</summary>
    private void ReadRows(Stream stream, string name, long needed)
    {
        int record = _columns.Sum(c => c.Field.Size);
        if (record == 0 || RowCount == 0) return;
        int blockRows = Math.Max(1, (4 << 20) / record);
        var buffer = new byte[(long)blockRows * record];
        var offsets = new int[_columns.Count];
        for (int j = 1; j < offsets.Length; j++) offsets[j] = offsets[j - 1] + _columns[j - 1].Field.Size;
        for (int first = 0; first < RowCount; first += blockRows)
        {
            int n = Math.Min(blockRows, RowCount - first);
            int bytes = n * record;
            int got = 0;
            while (got < bytes)
            {
                int r = stream.Read(buffer, got, bytes - got);
                if (r == 0) throw new CryoMergeInputException(name,
                    $"is truncated: it ends inside row {first + got / record + 1} of {RowCount} (needs {needed} bytes "
                        + $"of rows)");
                got += r;
            }
            for (int j = 0; j < _columns.Count; j++) Scatter(buffer, n, record, offsets[j], first, _columns[j]);
        }
    }

    private static void Scatter(byte[] buffer, int rows, int record, int offset, int firstRow, NpyColumn column)
    {
        int size = column.Field.Size;
        var dst = column.Data.AsSpan(firstRow * size, rows * size);
        var src = buffer.AsSpan();
        switch (size)
        {
            case 4:
                var d4 = MemoryMarshal.Cast<byte, uint>(dst);
                for (int r = 0; r < rows; r++) d4[r] = MemoryMarshal.Read<uint>(src[(r * record + offset)..]);
                break;
            case 8:
                var d8 = MemoryMarshal.Cast<byte, ulong>(dst);
                for (int r = 0; r < rows; r++) d8[r] = MemoryMarshal.Read<ulong>(src[(r * record + offset)..]);
                break;
            default:
                for (int r = 0; r < rows; r++) src.Slice(r * record + offset, size).CopyTo(dst.Slice(r * size, size));
                break;
        }
    }

    private static void SwapToLittleEndian(NpyColumn column)
    {
        var f = column.Field;
        int unit = f.Kind switch
        {
            NpyKind.Complex => f.ItemSize / 2,
            NpyKind.Unicode => 4,
            _ => f.ItemSize,
        };
        var data = column.Data.AsSpan();
        switch (unit)
        {
            case 2: BinaryPrimitives.ReverseEndianness(MemoryMarshal.Cast<byte, ushort>(data), MemoryMarshal.Cast<byte,
                ushort>(data)); break;
            case 4: BinaryPrimitives.ReverseEndianness(MemoryMarshal.Cast<byte, uint>(data), MemoryMarshal.Cast<byte,
                uint>(data)); break;
            case 8: BinaryPrimitives.ReverseEndianness(MemoryMarshal.Cast<byte, ulong>(data), MemoryMarshal.Cast<byte,
                ulong>(data)); break;
        }
    }

    /// <summary>Writes the array as a .npy file (format 1.0 unless the header needs more), atomically.</summary>
    public void Write(string path)
    {
        string tmp = OutputFiles.TemporaryPathFor(path);
        try
        {
            using (var stream = new FileStream(tmp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16))
                WriteTo(stream);
            OutputFiles.Commit(tmp, path);
        }
        catch
        {
            OutputFiles.Discard(tmp);
            throw;
        }
    }

    /// <summary>Writes header and rows (little-endian) to a stream.</summary>
    public void WriteTo(Stream stream)
    {
        stream.Write(NpyHeader.Format(_columns.Select(c => c.Field).ToList(), RowCount));
        int record = _columns.Sum(c => c.Field.Size);
        if (record == 0 || RowCount == 0) return;
        int blockRows = Math.Max(1, (4 << 20) / record);
        var buffer = new byte[(long)blockRows * record];
        for (int first = 0; first < RowCount; first += blockRows)
        {
            int n = Math.Min(blockRows, RowCount - first);
            int offset = 0;
            foreach (var column in _columns)
            {
                int size = column.Field.Size;
                var src = column.Data.AsSpan(first * size, n * size);
                for (int r = 0; r < n; r++) src.Slice(r * size, size).CopyTo(buffer.AsSpan(r * record + offset, size));
                offset += size;
            }
            stream.Write(buffer, 0, n * record);
        }
    }
}
