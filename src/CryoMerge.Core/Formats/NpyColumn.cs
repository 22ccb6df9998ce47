using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;

namespace CryoMerge.Core.Formats;

/// <summary>
/// One field of a structured NumPy array, stored column-wise: <see cref="RowCount"/> x <see cref="NpyField.Size"/>
/// bytes, always little-endian in memory (big-endian files are swapped once on reading), so that typed access is a
/// plain load. Strings are NumPy's fixed-length, NUL-padded byte strings ('S') or UTF-32 ('U').
/// </summary>
public sealed class NpyColumn
{
    private NpyField _field = null!;
    private NpyKind _kind;
    private int _itemSize, _size, _count;

    internal NpyColumn(NpyField field, int rows, byte[]? data = null)
    {
        Field = field;
        RowCount = rows;
        long bytes = (long)rows * field.Size;
        if (bytes > Array.MaxLength) throw new InvalidOperationException($"field '{field.Name}' would hold {bytes} "
            + $"bytes, more than one array can");
        Data = data ?? new byte[bytes];
    }

    public NpyField Field
    {
        get => _field;
        internal set => (_field, _kind, _itemSize, _size, _count) = (value, value.Kind, value.ItemSize, value.Size,
            value.Count);
    }

    public string Name => Field.Name;

    public int RowCount { get; }

    /// <summary>The raw little-endian bytes, row after row.</summary>
    internal byte[] Data { get; }

    /// <summary>The bytes of one row (all elements of a sub-array).</summary>
    public ReadOnlySpan<byte> RawBytes(int row) => Data.AsSpan(Offset(row, 0), _size);

    /// <summary>Element <paramref name="element"/> of row <paramref name="row"/> as a number (bool: 0 or 1; complex:
    /// real part).</summary>
    public double GetDouble(int row, int element = 0)
    {
        var b = Element(row, element);
        return Field.Kind switch
        {
            NpyKind.Float or NpyKind.Complex => FloatSize switch
            {
                2 => (double)BinaryPrimitives.ReadHalfLittleEndian(b),
                4 => BinaryPrimitives.ReadSingleLittleEndian(b),
                _ => BinaryPrimitives.ReadDoubleLittleEndian(b),
            },
            NpyKind.UInt => GetUInt64(row, element),
            NpyKind.Int or NpyKind.Bool => GetInt64(row, element),
            _ => throw new InvalidOperationException($"field '{Name}' ({Field.TypeString}) is not numeric"),
        };
    }

    /// <summary>Element as a single-precision number, exactly as stored for 'f4' fields.</summary>
    public float GetSingle(int row, int element = 0) =>
        _kind == NpyKind.Float && _itemSize == 4 ? BinaryPrimitives.ReadSingleLittleEndian(Element(row, element))
            : (float)GetDouble(row, element);

    /// <summary>Element as a signed integer; floats are refused.</summary>
    public long GetInt64(int row, int element = 0)
    {
        var b = Element(row, element);
        return Field.Kind switch
        {
            NpyKind.Int => Field.ItemSize switch
            {
                1 => (sbyte)b[0],
                2 => BinaryPrimitives.ReadInt16LittleEndian(b),
                4 => BinaryPrimitives.ReadInt32LittleEndian(b),
                _ => BinaryPrimitives.ReadInt64LittleEndian(b),
            },
            NpyKind.Bool => b[0] != 0 ? 1 : 0,
            NpyKind.UInt => checked((long)GetUInt64(row, element)),
            _ => throw new InvalidOperationException($"field '{Name}' ({Field.TypeString}) is not an integer"),
        };
    }

    /// <summary>Element as an unsigned integer (cryoSPARC's uid and indices); floats and negative values are
    /// refused.</summary>
    public ulong GetUInt64(int row, int element = 0)
    {
        var b = Element(row, element);
        return Field.Kind switch
        {
            NpyKind.UInt => Field.ItemSize switch
            {
                1 => b[0],
                2 => BinaryPrimitives.ReadUInt16LittleEndian(b),
                4 => BinaryPrimitives.ReadUInt32LittleEndian(b),
                _ => BinaryPrimitives.ReadUInt64LittleEndian(b),
            },
            NpyKind.Int or NpyKind.Bool => checked((ulong)GetInt64(row, element)),
            _ => throw new InvalidOperationException($"field '{Name}' ({Field.TypeString}) is not an integer"),
        };
    }

    /// <summary>A string field's value: trailing NULs removed ('S' decoded as UTF-8, 'U' as UTF-32).</summary>
    public string GetString(int row)
    {
        var b = RawBytes(row);
        if (Field.Kind == NpyKind.Bytes)
        {
            int n = b.Length;
            while (n > 0 && b[n - 1] == 0) n--;
            return Encoding.UTF8.GetString(b[..n]);
        }
        if (Field.Kind == NpyKind.Unicode)
        {
            var chars = MemoryMarshal.Cast<byte, int>(b);
            int n = chars.Length;
            while (n > 0 && chars[n - 1] == 0) n--;
            return Encoding.UTF32.GetString(b[..(4 * n)]);
        }
        throw new InvalidOperationException($"field '{Name}' ({Field.TypeString}) is not a string");
    }

    /// <summary>The UTF-8 bytes of a byte-string field without its NUL padding (no copy).</summary>
    public ReadOnlySpan<byte> GetUtf8(int row)
    {
        if (Field.Kind != NpyKind.Bytes) throw new InvalidOperationException($"field '{Name}' ({Field.TypeString}) is "
            + $"not a byte string");
        var b = RawBytes(row);
        int n = b.Length;
        while (n > 0 && b[n - 1] == 0) n--;
        return b[..n];
    }

    /// <summary>Sets a numeric element, converting to the field's type (integers are rounded and
    /// range-checked).</summary>
    public void SetDouble(int row, int element, double value)
    {
        var b = Data.AsSpan(Offset(row, element), Field.ItemSize);
        switch (Field.Kind)
        {
            case NpyKind.Float or NpyKind.Complex:
                if (FloatSize == 2) BinaryPrimitives.WriteHalfLittleEndian(b, (Half)value);
                else if (FloatSize == 4) BinaryPrimitives.WriteSingleLittleEndian(b, (float)value);
                else BinaryPrimitives.WriteDoubleLittleEndian(b, value);
                if (Field.Kind == NpyKind.Complex) b[FloatSize..].Clear();
                break;
            case NpyKind.Int or NpyKind.UInt or NpyKind.Bool:
                double r = Math.Round(value);
                if (Field.Kind == NpyKind.UInt && r >= 0) SetUInt64(row, element, checked((ulong)r));
                else SetInt64(row, element, checked((long)r));
                break;
            default:
                throw new InvalidOperationException($"field '{Name}' ({Field.TypeString}) is not numeric");
        }
    }

    public void SetDouble(int row, double value) => SetDouble(row, 0, value);

    public void SetInt64(int row, int element, long value)
    {
        if (Field.Kind == NpyKind.UInt)
        {
            if (value < 0) throw new OverflowException($"field '{Name}' is unsigned; {value} does not fit");
            SetUInt64(row, element, (ulong)value);
            return;
        }
        var b = Data.AsSpan(Offset(row, element), Field.ItemSize);
        switch (Field.Kind, Field.ItemSize)
        {
            case (NpyKind.Bool, _): b[0] = value != 0 ? (byte)1 : (byte)0; break;
            case (NpyKind.Int, 1): b[0] = (byte)checked((sbyte)value); break;
            case (NpyKind.Int, 2): BinaryPrimitives.WriteInt16LittleEndian(b, checked((short)value)); break;
            case (NpyKind.Int, 4): BinaryPrimitives.WriteInt32LittleEndian(b, checked((int)value)); break;
            case (NpyKind.Int, 8): BinaryPrimitives.WriteInt64LittleEndian(b, value); break;
            default: SetDouble(row, element, value); break;
        }
    }

    public void SetUInt64(int row, int element, ulong value)
    {
        if (Field.Kind != NpyKind.UInt)
        {
            SetInt64(row, element, checked((long)value));
            return;
        }
        var b = Data.AsSpan(Offset(row, element), Field.ItemSize);
        switch (Field.ItemSize)
        {
            case 1: b[0] = checked((byte)value); break;
            case 2: BinaryPrimitives.WriteUInt16LittleEndian(b, checked((ushort)value)); break;
            case 4: BinaryPrimitives.WriteUInt32LittleEndian(b, checked((uint)value)); break;
            default: BinaryPrimitives.WriteUInt64LittleEndian(b, value); break;
        }
    }

    /// <summary>Sets a string field; the text must fit the field's fixed length.</summary>
    public void SetString(int row, string value)
    {
        var b = Data.AsSpan(Offset(row, 0), Field.Size);
        byte[] bytes = Field.Kind switch
        {
            NpyKind.Bytes => Encoding.UTF8.GetBytes(value),
            NpyKind.Unicode => Encoding.UTF32.GetBytes(value),
            _ => throw new InvalidOperationException($"field '{Name}' ({Field.TypeString}) is not a string"),
        };
        if (bytes.Length > b.Length) throw new ArgumentException($"'{value}' is longer than field '{Name}' "
            + $"({Field.TypeString}) holds");
        bytes.CopyTo(b);
        b[bytes.Length..].Clear();
    }

    /// <summary>Sets a byte-string field from UTF-8 bytes (fast path, no string).</summary>
    public void SetUtf8(int row, ReadOnlySpan<byte> utf8)
    {
        if (Field.Kind != NpyKind.Bytes) throw new InvalidOperationException($"field '{Name}' ({Field.TypeString}) is "
            + $"not a byte string");
        var b = Data.AsSpan(Offset(row, 0), Field.Size);
        if (utf8.Length > b.Length) throw new ArgumentException($"a value is longer than field '{Name}' "
            + $"({Field.TypeString}) holds");
        utf8.CopyTo(b);
        b[utf8.Length..].Clear();
    }

    /// <summary>Bytes of one float (of the real part for complex fields).</summary>
    private int FloatSize => Field.Kind == NpyKind.Complex ? Field.ItemSize / 2 : Field.ItemSize;

    private ReadOnlySpan<byte> Element(int row, int element) => Data.AsSpan(Offset(row, element), _itemSize);

    private int Offset(int row, int element)
    {
        if ((uint)row >= (uint)RowCount) throw new ArgumentOutOfRangeException(nameof(row), row,
            $"field '{Name}' has {RowCount} rows");
        if ((uint)element >= (uint)_count) throw new ArgumentOutOfRangeException(nameof(element), element,
            $"field '{Name}' has {_count} elements per row");
        // Data holds RowCount x size bytes (< 2 GB), so this cannot overflow.
        return row * _size + element * _itemSize;
    }
}
