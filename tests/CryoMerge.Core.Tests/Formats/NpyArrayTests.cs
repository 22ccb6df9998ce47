using System.Buffers.Binary;
using System.Text;
using CryoMerge.Core.Formats;
using CryoMerge.Tests;

namespace CryoMerge.Core.Tests.Formats;

/// <summary>The .npy reader and writer: format versions 1 to 3, byte orders, field order, strings, bad files.</summary>
public sealed class NpyArrayTests
{
    // Two rows of (uid <u8, path |S5, shape <u4 (2,), psize <f4) in file order.
    private const string Dict = "{'descr': [('uid', '<u8'), ('blob/path', '|S5'), ('blob/shape', '<u4', (2,)), "
        + "('blob/psize_A', '<f4')], 'fortran_order': False, 'shape': (2,), }";

    private static byte[] Rows(bool bigEndian = false)
    {
        var rows = new List<byte>();
        foreach (var (uid, path, n, p) in new[] { (7UL, "a.mrc", 180u, 1.5f), (ulong.MaxValue, "b", 64u, 2.95f) })
        {
            var b = new byte[8 + 5 + 8 + 4];
            if (bigEndian) BinaryPrimitives.WriteUInt64BigEndian(b,
                uid); else BinaryPrimitives.WriteUInt64LittleEndian(b, uid);
            Encoding.ASCII.GetBytes(path).CopyTo(b, 8);
            for (int k = 0; k < 2; k++)
                if (bigEndian) BinaryPrimitives.WriteUInt32BigEndian(b.AsSpan(13 + 4 * k),
                    n); else BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(13 + 4 * k), n);
            if (bigEndian) BinaryPrimitives.WriteSingleBigEndian(b.AsSpan(21),
                p); else BinaryPrimitives.WriteSingleLittleEndian(b.AsSpan(21), p);
            rows.AddRange(b);
        }
        return rows.ToArray();
    }

    private static void AssertRows(NpyArray a)
    {
        Assert.Equal(2, a.RowCount);
        Assert.Equal(7UL, a.Column("uid").GetUInt64(0));
        Assert.Equal(ulong.MaxValue, a.Column("uid").GetUInt64(1));
        Assert.Equal("a.mrc", a.Column("blob/path").GetString(0));
        Assert.Equal("b", a.Column("blob/path").GetString(1));
        Assert.Equal(180, a.Column("blob/shape").GetInt64(0, 1));
        Assert.Equal(64, a.Column("blob/shape").GetInt64(1, 0));
        Assert.Equal(2.95f, a.Column("blob/psize_A").GetSingle(1));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void ReadsEveryFormatVersion(int major) => AssertRows(NpyTestFiles.Read(NpyTestFiles.File(Dict, Rows(),
        major)));

    [Fact]
    public void ReadsBigEndianFieldsAndWritesThemBackLittleEndian()
    {
        var a = NpyTestFiles.Read(NpyTestFiles.File(Dict.Replace("'<", "'>"), Rows(bigEndian: true)));
        AssertRows(a);
        Assert.True(a.Header!.AnyBigEndian);
        var again = RoundTrip(a);
        AssertRows(again);
        Assert.All(again.Columns, c => Assert.False(c.Field.BigEndian));
    }

    [Fact]
    public void ReadsFieldsInAnyOrderAndKeepsUnknownOnes()
    {
        // The same values with the fields in another order, plus a field no one knows and a padding field.
        string dict = "{'shape': (1,), 'fortran_order': False, 'descr': [('blob/psize_A', '<f4'), ('', '|V3'), "
            + "('my/extra', '<i2', (3,)), ('uid', '<u8')], }";
        var row = new byte[4 + 3 + 6 + 8];
        BinaryPrimitives.WriteSingleLittleEndian(row, 1.25f);
        for (int k = 0; k < 3; k++) BinaryPrimitives.WriteInt16LittleEndian(row.AsSpan(7 + 2 * k), (short)(k - 5));
        BinaryPrimitives.WriteUInt64LittleEndian(row.AsSpan(13), 42);
        var a = NpyTestFiles.Read(NpyTestFiles.File(dict, row));
        Assert.Equal(1.25f, a.Column("blob/psize_A").GetSingle(0));
        Assert.Equal(42UL, a.Column("uid").GetUInt64(0));
        Assert.Equal(-3, a.Column("my/extra").GetInt64(0, 2));
        var again = RoundTrip(a);
        Assert.Equal(a.Columns.Select(c => c.Field.Describe()), again.Columns.Select(c => c.Field.Describe()));
        Assert.Equal(row, again.Columns.SelectMany(c => c.RawBytes(0).ToArray()).ToArray());
    }

    [Fact]
    public void WriterChoosesVersionTwoForLongHeadersAndThreeForNonLatinNames()
    {
        var many = new NpyArray(1);
        for (int i = 0; i < 3000; i++) many.AddColumn(NpyField.Of($"field/number_{i}", "<f4"));
        var bytes = Bytes(many);
        Assert.Equal(2, bytes[6]);
        Assert.Equal(3000, NpyTestFiles.Read(bytes).Columns.Count);
        var greek = new NpyArray(1);
        greek.AddColumn(NpyField.Of("ctf/Δf", "<f4")).SetDouble(0, 1.5);
        bytes = Bytes(greek);
        Assert.Equal(3, bytes[6]);
        Assert.Equal(1.5, NpyTestFiles.Read(bytes).Column("ctf/Δf").GetDouble(0));
        Assert.Equal(0, bytes.AsSpan().IndexOf((byte)'\n') % 64 - 63);
    }

    [Fact]
    public void ReadsEveryNumericKindAndUnicode()
    {
        string dict = "{'descr': [('b', '|b1'), ('i1', '|i1'), ('i8', '<i8'), ('u2', '<u2'), ('f2', '<f2'), ('f8', "
            + "'>f8'), ('c8', '<c8'), ('u', '<U3')], 'fortran_order': False, 'shape': (1,), }";
        var row = new List<byte> { 1, 0xFE };
        row.AddRange(BitConverter.GetBytes(-5L));
        row.AddRange(BitConverter.GetBytes((ushort)65535));
        row.AddRange(BitConverter.GetBytes((Half)0.5));
        var f8 = new byte[8];
        BinaryPrimitives.WriteDoubleBigEndian(f8, Math.PI);
        row.AddRange(f8);
        row.AddRange(BitConverter.GetBytes(2.5f));
        row.AddRange(BitConverter.GetBytes(-1f));
        row.AddRange(Encoding.UTF32.GetBytes("Å"));
        row.AddRange(new byte[8]);
        var a = NpyTestFiles.Read(NpyTestFiles.File(dict, row.ToArray()));
        Assert.Equal(1, a.Column("b").GetInt64(0));
        Assert.Equal(-2, a.Column("i1").GetInt64(0));
        Assert.Equal(-5, a.Column("i8").GetDouble(0));
        Assert.Equal(65535UL, a.Column("u2").GetUInt64(0));
        Assert.Equal(0.5, a.Column("f2").GetDouble(0));
        Assert.Equal(Math.PI, a.Column("f8").GetDouble(0));
        Assert.Equal(2.5, a.Column("c8").GetDouble(0));
        Assert.Equal("Å", a.Column("u").GetString(0));
        Assert.Equal("<U3", RoundTrip(a).Column("u").Field.TypeString);
    }

    [Theory]
    [InlineData("not a numpy file at all", "is not a NumPy .npy/.cs file")]
    [InlineData("\u0095CSDAT\0\0\0\0", "compressed cryosparc-tools dataset")]
    [InlineData("\x93NUMPY\x04\0\x10\0{}", "format version 4.0")]
    [InlineData("\x93NUMPY\x01\0\xff\x7f{'descr'", "truncated inside its NumPy header")]
    public void RefusesFilesThatAreNotNpyInOneLine(string text, string expected)
    {
        var e = Assert.Throws<CryoMergeInputException>(() => NpyTestFiles.Read(Encoding.Latin1.GetBytes(text),
            "bad.cs"));
        Assert.Contains(expected, e.Message);
        Assert.StartsWith("bad.cs: ", e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Theory]
    [InlineData("{'descr': '<f4', 'fortran_order': False, 'shape': (3,), }", "not a table of named fields")]
    [InlineData("{'descr': [('a', 'O')], 'fortran_order': False, 'shape': (1,), }", "Python objects")]
    [InlineData("{'descr': [('a', [('x', '<f4')])], 'fortran_order': False, 'shape': (1,), }", "nested structure")]
    [InlineData("{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (2, 3), }", "2-D array")]
    [InlineData("{'descr': [('a', '<f4'), ('a', '<f4')], 'fortran_order': False, 'shape': (1,), }", "twice")]
    [InlineData("{'descr': [('a', '<f4')], 'shape': (1,), }", "without 'fortran_order'")]
    [InlineData("{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (1,) ", "not a Python dict")]
    [InlineData("{'descr': [('a', '<x4')], 'fortran_order': False, 'shape': (1,), }", "not supported")]
    public void RefusesHeadersItCannotUse(string dict, string expected)
    {
        var e = Assert.Throws<CryoMergeInputException>(() => NpyTestFiles.Read(NpyTestFiles.File(dict, new byte[64]),
            "bad.cs"));
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void RefusesATruncatedFileSayingHowMuchIsMissing()
    {
        var whole = NpyTestFiles.File(Dict, Rows());
        var e = Assert.Throws<CryoMergeInputException>(() => NpyTestFiles.Read(whole[..^10], "cut.cs"));
        Assert.Contains("truncated", e.Message);
        Assert.Contains("50 bytes", e.Message);
        // Through a stream that cannot seek, the reader finds out while reading the rows.
        e = Assert.Throws<CryoMergeInputException>(() => NpyArray.Read(new ForwardOnly(whole[..^10]), "cut.cs"));
        Assert.Contains("truncated", e.Message);
    }

    [Fact]
    public void NumpyReadsWhatWeWriteWithTheSameFieldsAndValues()
    {
        Requires.Numpy();
        using var dir = new TempDir();
        var a = NpyTestFiles.Read(NpyTestFiles.File(Dict, Rows()));
        a.Write(dir.File("ours.cs"));
        string output = NpyTestFiles.Python("""
            a = np.load(sys.argv[1])
            print(a.dtype.descr)
            print(a['uid'].tolist(), a['blob/path'].tolist(), a['blob/shape'].tolist(), a['blob/psize_A'].tolist())
            """, dir.File("ours.cs"));
        Assert.Contains("[('uid', '<u8'), ('blob/path', '|S5'), ('blob/shape', '<u4', (2,)), ('blob/psize_A', '<f4')]",
            output);
        Assert.Contains("[7, 18446744073709551615] [b'a.mrc', b'b'] [[180, 180], [64, 64]] [1.5, 2.950000047683716]",
            output);
    }

    [Theory]
    [InlineData("(1, 0)", "<")]
    [InlineData("(2, 0)", ">")]
    [InlineData("(3, 0)", "<")]
    public void ReadsWhatNumpyWritesInEachVersionAndByteOrder(string version, string order)
    {
        Requires.Numpy();
        using var dir = new TempDir();
        NpyTestFiles.Python($$"""
            a = np.zeros(3, dtype=[('uid', '{{order}}u8'), ('blob/path', 'S12'), ('alignments3D/pose', '{{order}}f4',
                (3,)), ('ctf/df1_A', '{{order}}f8')])
            a['uid'] = [1, 2, 2**63]
            a['blob/path'] = [b'J1/x.mrc', b'', b'J2/long_name']
            a['alignments3D/pose'] = [[0.1, -0.2, 3.5], [0, 0, 0], [1e-7, 2, -3]]
            a['ctf/df1_A'] = [15301.1, 0, -1]
            with open(sys.argv[1], 'wb') as f:
                np.lib.format.write_array(f, a, version={{version}})
            """, dir.File("numpy.cs"));
        var read = NpyArray.Read(dir.File("numpy.cs"));
        Assert.Equal(int.Parse(version[1..2]), read.Header!.Major);
        Assert.Equal(1UL << 63, read.Column("uid").GetUInt64(2));
        Assert.Equal(["J1/x.mrc", "", "J2/long_name"], Enumerable.Range(0, 3).Select(r =>
            read.Column("blob/path").GetString(r)));
        Assert.Equal(3.5f, read.Column("alignments3D/pose").GetSingle(0, 2));
        Assert.Equal(1e-7f, read.Column("alignments3D/pose").GetSingle(2, 0));
        Assert.Equal(15301.1, read.Column("ctf/df1_A").GetDouble(0));
    }

    private static NpyArray RoundTrip(NpyArray a) => NpyTestFiles.Read(Bytes(a));

    private static byte[] Bytes(NpyArray a)
    {
        using var stream = new MemoryStream();
        a.WriteTo(stream);
        return stream.ToArray();
    }

    /// <summary>A stream that cannot seek or tell its length, as a pipe.</summary>
    private sealed class ForwardOnly(byte[] data) : MemoryStream(data)
    {
        public override bool CanSeek => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set =>
            throw new NotSupportedException(); }
    }
}
