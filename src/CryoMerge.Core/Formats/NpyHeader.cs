using System.Globalization;
using System.Text;

namespace CryoMerge.Core.Formats;

/// <summary>
/// The header of a .npy file (NumPy's format, versions 1.0 to 3.0), which cryoSPARC's .cs files are: the magic
/// "\x93NUMPY", a version, a little-endian header length (2 bytes in 1.0, 4 in 2.0 and 3.0) and a Python dict
/// literal <c>{'descr': [...], 'fortran_order': False, 'shape': (N,), }</c>, padded with blanks and a newline so
/// that the data start at a multiple of 64 bytes. Version 3.0 differs from 2.0 only in encoding the dict as
/// UTF-8 instead of Latin-1. (numpy/lib/format.py documents the format.)
/// </summary>
/// <param name="Fields">The structured dtype's fields in file order (padding fields included).</param>
/// <param name="Rows">Length of the 1-D array.</param>
/// <param name="DataOffset">Where the rows start in the file.</param>
public sealed record NpyHeader(int Major, int Minor, IReadOnlyList<NpyField> Fields, long Rows, int DataOffset)
{
    public static ReadOnlySpan<byte> Magic => [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y'];

    /// <summary>What cryosparc-tools writes in its compressed stream format
    /// (Dataset.save(format=CSDAT_FORMAT)).</summary>
    public static ReadOnlySpan<byte> CsdatMagic => [0x95, (byte)'C', (byte)'S', (byte)'D', (byte)'A', (byte)'T'];

    /// <summary>Headers above this size are refused as corrupt (NumPy's own default limit is 10,000 bytes).</summary>
    public const int MaxHeaderBytes = 64 << 20;

    /// <summary>Bytes per row.</summary>
    public int RecordSize => Fields.Sum(f => f.Size);

    public bool AnyBigEndian => Fields.Any(f => f.BigEndian);

    /// <summary>Reads and checks the header; problems are <see cref="FormatException"/>s in words a user can act
    /// on.</summary>
    public static NpyHeader Read(Stream stream)
    {
        Span<byte> start = stackalloc byte[12];
        int got = ReadUpTo(stream, start);
        if (got >= 6 && start[..6].SequenceEqual(CsdatMagic))
            throw new FormatException("is a compressed cryosparc-tools dataset (CSDAT format), not NumPy's; save it "
                + "again with "
                + "Dataset.save(path) (the default NumPy format) or export it from cryoSPARC");
        if (got < 6 || !start[..6].SequenceEqual(Magic))
            throw new FormatException("is not a NumPy .npy/.cs file (it does not start with \\x93NUMPY)");
        if (got < 10) throw new FormatException("is truncated inside its NumPy header");
        int major = start[6], minor = start[7];
        if (major is < 1 or > 3 || minor != 0)
            throw new FormatException($"uses NumPy format version {major}.{minor}; versions 1.0, 2.0 and 3.0 are "
                + $"supported");
        int lengthBytes = major == 1 ? 2 : 4;
        if (got < 8 + lengthBytes) throw new FormatException("is truncated inside its NumPy header");
        long length = major == 1 ? start[8] | start[9] << 8
            : (long)(uint)(start[8] | start[9] << 8 | start[10] << 16 | start[11] << 24);
        int prefix = 8 + lengthBytes;
        if (length > MaxHeaderBytes) throw new FormatException($"has a NumPy header of {length} bytes, which cannot be "
            + $"right");
        var text = new byte[length];
        int already = got - prefix;
        start[prefix..got].CopyTo(text);
        if (ReadUpTo(stream, text.AsSpan(already)) < length - already)
            throw new FormatException("is truncated inside its NumPy header");
        string dict = (major == 3 ? Encoding.UTF8 : Encoding.Latin1).GetString(text);
        var (fields, rows) = ParseDict(dict);
        return new NpyHeader(major, minor, fields, rows, checked(prefix + (int)length));
    }

    /// <summary>The header bytes for these fields and rows: version 1.0 when it fits, else 2.0, or 3.0 for non-Latin-1
    /// names.</summary>
    public static byte[] Format(IReadOnlyList<NpyField> fields, long rows)
    {
        var sb = new StringBuilder("{'descr': [");
        for (int i = 0; i < fields.Count; i++)
        {
            var f = fields[i];
            if (i > 0) sb.Append(", ");
            sb.Append('(').Append(PythonLiteral.Repr(f.Name)).Append(", ").Append(PythonLiteral.Repr(f.TypeString));
            if (f.Shape.Count > 0)
                sb.Append(", (").Append(string.Join(", ", f.Shape.Select(d =>
                    d.ToString(CultureInfo.InvariantCulture))))
                  .Append(f.Shape.Count == 1 ? ",)" : ")");
            sb.Append(')');
        }
        sb.Append("], 'fortran_order': False, 'shape': (")
            .Append(rows.ToString(CultureInfo.InvariantCulture)).Append(",), }");
        string dict = sb.ToString();
        bool latin1 = dict.All(c => c <= '\xff');
        byte[] body = (latin1 ? Encoding.Latin1 : Encoding.UTF8).GetBytes(dict);
        int major = !latin1 ? 3 : Padded(10, body.Length) - 10 <= ushort.MaxValue ? 1 : 2;
        int prefix = major == 1 ? 10 : 12;
        int total = Padded(prefix, body.Length);
        int length = total - prefix;
        var header = new byte[total];
        Magic.CopyTo(header);
        header[6] = (byte)major;
        header[7] = 0;
        header[8] = (byte)length;
        header[9] = (byte)(length >> 8);
        if (major > 1)
        {
            header[10] = (byte)(length >> 16);
            header[11] = (byte)(length >> 24);
        }
        body.CopyTo(header, prefix);
        header.AsSpan(prefix + body.Length, total - prefix - body.Length - 1).Fill((byte)' ');
        header[^1] = (byte)'\n';
        return header;
    }

    /// <summary>Prefix, dict and the closing newline, rounded up to a multiple of 64 bytes.</summary>
    private static int Padded(int prefix, int body) => (prefix + body + 1 + 63) / 64 * 64;

    private static (List<NpyField> Fields, long Rows) ParseDict(string text)
    {
        object? parsed;
        try { parsed = PythonLiteral.Parse(text); }
        catch (FormatException e)
        {
            throw new FormatException($"has a NumPy header that is not a Python dict: {e.Message}");
        }
        if (parsed is not Dictionary<string, object?> dict)
            throw new FormatException("has a NumPy header that is not a Python dict");
        foreach (var key in new[] { "descr", "fortran_order", "shape" })
            if (!dict.ContainsKey(key)) throw new FormatException($"has a NumPy header without '{key}'");
        if (dict["shape"] is not PythonLiteral.Tuple shape || shape.Items.Any(d => d is not long))
            throw new FormatException("has a NumPy header whose 'shape' is not a tuple of integers");
        long rows = shape.Items.Count switch
        {
            0 => 1,
            1 => (long)shape.Items[0]!,
            _ => throw new FormatException($"holds a {shape.Items.Count}-D array; cryoSPARC tables are 1-D"),
        };
        if (rows < 0) throw new FormatException($"has a negative length {rows}");
        if (dict["fortran_order"] is not bool) throw new FormatException("has a NumPy header whose 'fortran_order' is "
            + "not True or False");
        if (dict["descr"] is string simple)
            throw new FormatException($"is a NumPy array of '{simple}', not a table of named fields (cryoSPARC writes "
                + $"structured arrays)");
        if (dict["descr"] is not List<object?> descr)
            throw new FormatException("has a NumPy header whose 'descr' is neither a type string nor a list of fields");
        var fields = new List<NpyField>(descr.Count);
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var item in descr)
        {
            var f = Field(item);
            if (!f.IsPadding && !names.Add(f.Name)) throw new FormatException($"names the field '{f.Name}' twice");
            fields.Add(f);
        }
        return (fields, rows);
    }

    private static NpyField Field(object? item)
    {
        if (item is not PythonLiteral.Tuple { Items.Count: 2 or 3 } t)
            throw new FormatException("has a field description that is not (name, type) or (name, type, shape)");
        string name = t.Items[0] switch
        {
            string s => s,
            PythonLiteral.Tuple { Items: [_, string n] } => n,   // (title, name)
            _ => throw new FormatException("has a field whose name is not a string"),
        };
        if (t.Items[1] is List<object?>)
            throw new FormatException($"field '{name}' is a nested structure, which cryoSPARC never writes and is not "
                + $"supported");
        if (t.Items[1] is not string type) throw new FormatException($"field '{name}' has no type string");
        var shape = t.Items.Count == 3 ? t.Items[2] switch
        {
            long n => [checked((int)n)],
            PythonLiteral.Tuple dims when dims.Items.All(d => d is long) => dims.Items.Select(d =>
                checked((int)(long)d!)).ToArray(),
            _ => throw new FormatException($"field '{name}' has a shape that is not a tuple of integers"),
        } : Array.Empty<int>();
        return NpyField.Parse(name, type, shape);
    }

    private static int ReadUpTo(Stream stream, Span<byte> buffer)
    {
        int total = 0;
        while (total < buffer.Length)
        {
            int n = stream.Read(buffer[total..]);
            if (n == 0) break;
            total += n;
        }
        return total;
    }
}
