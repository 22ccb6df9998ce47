using System.Globalization;

namespace CryoMerge.Core.Formats;

/// <summary>The element kinds of NumPy's array-protocol type strings ("&lt;f4", "|S61", "&lt;u8").</summary>
public enum NpyKind
{
    /// <summary>'b': numpy.bool_, one byte.</summary>
    Bool,
    /// <summary>'i': signed integer of 1, 2, 4 or 8 bytes.</summary>
    Int,
    /// <summary>'u': unsigned integer of 1, 2, 4 or 8 bytes.</summary>
    UInt,
    /// <summary>'f': IEEE float of 2, 4 or 8 bytes.</summary>
    Float,
    /// <summary>'c': complex of two floats (8 or 16 bytes).</summary>
    Complex,
    /// <summary>'S': fixed-length byte string, NUL-padded (what cryoSPARC writes for paths).</summary>
    Bytes,
    /// <summary>'U': fixed-length UTF-32 string.</summary>
    Unicode,
    /// <summary>'V': raw bytes (padding between fields of an aligned dtype).</summary>
    Void,
}

/// <summary>
/// One field of a NumPy structured dtype as a .npy/.cs header describes it: name, element kind and size, byte
/// order and, for sub-arrays such as cryoSPARC's <c>('blob/shape', '&lt;u4', (2,))</c>, the element shape.
/// </summary>
public sealed record NpyField(string Name, NpyKind Kind, int ItemSize, IReadOnlyList<int> Shape, bool BigEndian = false)
{
    /// <summary>Elements per row (1 for a scalar field, 2 for a (2,) sub-array).</summary>
    public int Count => Shape.Aggregate(1, (a, b) => a * b);

    /// <summary>Bytes per row.</summary>
    public int Size => ItemSize * Count;

    /// <summary>True for the unnamed padding fields NumPy writes for aligned dtypes.</summary>
    public bool IsPadding => Kind == NpyKind.Void && Name.Length == 0;

    /// <summary>The type string as NumPy writes it in a header: "&lt;f4", "&gt;u8", "|S61", "|b1".</summary>
    public string TypeString =>
        ByteOrderChar + KindChar(Kind).ToString()
        + (Kind == NpyKind.Unicode ? ItemSize / 4 : ItemSize).ToString(CultureInfo.InvariantCulture);

    /// <summary>"&lt;f4" or "&lt;u4 x (2,)" for messages and <c>cryomerge info</c>.</summary>
    public string Describe() => Shape.Count == 0 ? TypeString
        : $"{TypeString} x ({string.Join(",", Shape)}{(Shape.Count == 1 ? "," : "")})";

    private char ByteOrderChar => ItemSize == 1 || Kind is NpyKind.Bytes or NpyKind.Void ? '|' : BigEndian ? '>' : '<';

    /// <summary>A scalar or sub-array field of a little-endian numeric type, e.g. <c>Of("ctf/df1_A",
    /// "&lt;f4")</c>.</summary>
    public static NpyField Of(string name, string typeString, params int[] shape) => Parse(name, typeString, shape);

    /// <summary>Parses an array-protocol type string; throws <see cref="FormatException"/> naming what is not
    /// supported.</summary>
    public static NpyField Parse(string name, string typeString, IReadOnlyList<int> shape)
    {
        if (typeString.TrimStart('<', '>', '|', '=') == "O")
            throw new FormatException($"field '{name}' holds Python objects ('{typeString}'), which need pickle; save "
                + $"the dataset with fixed-length strings (cryosparc-tools Dataset.save does)");
        if (typeString.Length < 2) throw new FormatException($"field '{name}': type '{typeString}' is not a NumPy type "
            + $"string");
        int i = 0;
        bool big = false;
        if (typeString[0] is '<' or '>' or '|' or '=')
        {
            big = typeString[0] == '>';
            i = 1;
        }
        char kindChar = typeString[i];
        if (!int.TryParse(typeString.AsSpan(i + 1), NumberStyles.None, CultureInfo.InvariantCulture, out int size))
        {
            // "?" (bool) is the one type NumPy writes without a size.
            if (typeString.AsSpan(i) is "?") (kindChar, size) = ('b', 1);
            else throw new FormatException($"field '{name}': type '{typeString}' has no item size");
        }
        var kind = kindChar switch
        {
            'b' or '?' => NpyKind.Bool,
            'i' => NpyKind.Int,
            'u' => NpyKind.UInt,
            'f' => NpyKind.Float,
            'c' => NpyKind.Complex,
            'S' or 'a' => NpyKind.Bytes,
            'U' => NpyKind.Unicode,
            'V' => NpyKind.Void,
            _ => throw new FormatException($"field '{name}': NumPy type '{typeString}' is not supported"),
        };
        bool valid = kind switch
        {
            NpyKind.Bool => size == 1,
            NpyKind.Int or NpyKind.UInt => size is 1 or 2 or 4 or 8,
            NpyKind.Float => size is 2 or 4 or 8,
            NpyKind.Complex => size is 8 or 16,
            NpyKind.Unicode => size >= 0,
            _ => size >= 0,
        };
        if (!valid) throw new FormatException($"field '{name}': NumPy type '{typeString}' is not supported");
        // 'U' counts characters of 4 bytes each; every other kind counts bytes.
        if (kind == NpyKind.Unicode) size *= 4;
        foreach (int d in shape)
            if (d < 0) throw new FormatException($"field '{name}': negative sub-array size {d}");
        return new NpyField(name, kind, size, shape.ToArray(), big && size > 1
            && kind is not (NpyKind.Bytes or NpyKind.Void));
    }

    private static char KindChar(NpyKind kind) => kind switch
    {
        NpyKind.Bool => 'b',
        NpyKind.Int => 'i',
        NpyKind.UInt => 'u',
        NpyKind.Float => 'f',
        NpyKind.Complex => 'c',
        NpyKind.Bytes => 'S',
        NpyKind.Unicode => 'U',
        _ => 'V',
    };
}
