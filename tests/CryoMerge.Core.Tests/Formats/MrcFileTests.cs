using System.Buffers.Binary;
using CryoMerge.Core.Formats;
using CryoMerge.Tests;

namespace CryoMerge.Core.Tests.Formats;

/// <summary>Reading MRC files: tests that depend on no existing file (hand-made edge cases).</summary>
public sealed class MrcFileTests
{
    [Fact]
    public void ReadsFloat32LittleEndianInXYZOrder()
    {
        using var dir = new TempDir();
        var values = Enumerable.Range(0, 4 * 3 * 2).Select(i => i * 0.5f - 3).ToArray();
        var data = new byte[values.Length * 4];
        for (int i = 0; i < values.Length; i++) BinaryPrimitives.WriteSingleLittleEndian(data.AsSpan(i * 4), values[i]);
        System.IO.File.WriteAllBytes(dir.File("a.mrc"), MrcTestFiles.File(MrcTestFiles.Header(4, 3, 2, 2), data));

        using var mrc = MrcFile.Open(dir.File("a.mrc"));
        Assert.Equal(new Shape3(4, 3, 2), mrc.Shape);
        Assert.Equal(MrcMode.Float32, mrc.Mode);
        Assert.Equal(1.5, mrc.PixelSize.X, 6);
        Assert.Equal(values, mrc.ReadAll());
        Assert.Equal(values[12..24], mrc.ReadSection(1));
        Assert.Empty(mrc.Findings);
    }

    [Fact]
    public void BigEndianFileGivesTheSameValuesAsLittleEndian()
    {
        using var dir = new TempDir();
        var values = new float[] { 1.25f, -2.5f, 3e-7f, 1e6f, 0, float.MaxValue };
        var be = new byte[24];
        for (int i = 0; i < 6; i++) BinaryPrimitives.WriteSingleBigEndian(be.AsSpan(i * 4), values[i]);
        System.IO.File.WriteAllBytes(dir.File("be.mrc"), MrcTestFiles.File(MrcTestFiles.Header(3, 2, 1, 2,
            bigEndian: true), be));

        using var mrc = MrcFile.Open(dir.File("be.mrc"));
        Assert.True(mrc.IsBigEndian);
        Assert.Equal(new Shape3(3, 2, 1), mrc.Shape);
        Assert.Equal(values, mrc.ReadAll());
    }

    [Fact]
    public void BigEndianOldStyleFileIsRecognisedWithoutMachineStamp()
    {
        using var dir = new TempDir();
        var be = new byte[8];
        BinaryPrimitives.WriteInt16BigEndian(be, -300);
        BinaryPrimitives.WriteInt16BigEndian(be.AsSpan(2), 7);
        BinaryPrimitives.WriteInt16BigEndian(be.AsSpan(4), 32767);
        BinaryPrimitives.WriteInt16BigEndian(be.AsSpan(6), -32768);
        System.IO.File.WriteAllBytes(dir.File("old.mrc"), MrcTestFiles.File(MrcTestFiles.Header(2, 2, 1, 1,
            bigEndian: true, oldStyle: true), be));

        using var mrc = MrcFile.Open(dir.File("old.mrc"));
        Assert.True(mrc.IsBigEndian);
        Assert.Equal(new float[] { -300, 7, 32767, -32768 }, mrc.ReadAll());
        Assert.Contains(mrc.Findings, f => f.Contains("old-style header"));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(6)]
    [InlineData(12)]
    public void ReadsEveryIntegerAndHalfMode(int mode)
    {
        using var dir = new TempDir();
        float[] expected = mode switch
        {
            0 => [-128, -1, 0, 127],
            1 => [-32768, -1, 0, 32767],
            6 => [0, 1, 40000, 65535],
            _ => [-65504, -0.5f, 0.000061035156f, 1000.5f],
        };
        var data = new byte[expected.Length * (mode == 0 ? 1 : 2)];
        for (int i = 0; i < expected.Length; i++)
        {
            switch (mode)
            {
                case 0: data[i] = unchecked((byte)(sbyte)expected[i]); break;
                case 1: BinaryPrimitives.WriteInt16LittleEndian(data.AsSpan(i * 2), (short)expected[i]); break;
                case 6: BinaryPrimitives.WriteUInt16LittleEndian(data.AsSpan(i * 2), (ushort)expected[i]); break;
                default: BinaryPrimitives.WriteHalfLittleEndian(data.AsSpan(i * 2), (Half)expected[i]); break;
            }
        }
        System.IO.File.WriteAllBytes(dir.File("m.mrc"), MrcTestFiles.File(MrcTestFiles.Header(2, 2, 1, mode), data));

        using var mrc = MrcFile.Open(dir.File("m.mrc"));
        Assert.Equal((MrcMode)mode, mrc.Mode);
        Assert.Equal(expected, mrc.ReadAll());
    }

    [Fact]
    public void NonStandardAxisOrderIsPresentedInXYZOrder()
    {
        // File order: columns along Z (3), rows along X (1), sections along Y (2); value = 100 z + 10 x + y.
        using var dir = new TempDir();
        int nc = 4, nr = 3, ns = 2;   // Z size 4, X size 3, Y size 2
        var data = new byte[nc * nr * ns * 4];
        int i = 0;
        for (int s = 0; s < ns; s++)
            for (int r = 0; r < nr; r++)
                for (int c = 0; c < nc; c++)
                    BinaryPrimitives.WriteSingleLittleEndian(data.AsSpan(4 * i++), 100 * c + 10 * r + s);
        System.IO.File.WriteAllBytes(dir.File("p.map"), MrcTestFiles.File(MrcTestFiles.Header(nc, nr, ns, 2, axes: (3,
            1, 2)), data));

        using var mrc = MrcFile.Open(dir.File("p.map"));
        Assert.Equal(new Shape3(3, 2, 4), mrc.Shape);
        var xyz = mrc.ReadAll();
        for (int z = 0; z < 4; z++)
            for (int y = 0; y < 2; y++)
                for (int x = 0; x < 3; x++)
                    Assert.Equal(100 * z + 10 * x + y, xyz[x + 3 * (y + 2 * z)]);
        Assert.Equal(xyz[(3 * 2 * 3)..(3 * 2 * 4)], mrc.ReadSection(3));
    }

    [Fact]
    public void ExtendedHeaderIsSkipped()
    {
        using var dir = new TempDir();
        var data = new byte[8];
        BinaryPrimitives.WriteSingleLittleEndian(data, 42);
        BinaryPrimitives.WriteSingleLittleEndian(data.AsSpan(4), -1);
        var header = MrcTestFiles.Header(2, 1, 1, 2, nsymbt: 160);
        System.IO.File.WriteAllBytes(dir.File("x.mrc"), MrcTestFiles.File(header, data, extended: 160));
        using var mrc = MrcFile.Open(dir.File("x.mrc"));
        Assert.Equal(new float[] { 42, -1 }, mrc.ReadAll());
    }

    [Fact]
    public void RejectsTruncatedFileNamingIt()
    {
        using var dir = new TempDir();
        string path = dir.File("short.mrc");
        System.IO.File.WriteAllBytes(path, MrcTestFiles.File(MrcTestFiles.Header(10, 10, 10, 2), new byte[3999]));
        var e = Assert.Throws<CryoMergeInputException>(() => MrcFile.Open(path));
        Assert.Equal(path, e.File);
        Assert.Contains("truncated", e.Problem);
    }

    [Fact]
    public void RejectsFileLongerThanItsHeaderSaysUnlessPermissive()
    {
        using var dir = new TempDir();
        string path = dir.File("long.mrc");
        System.IO.File.WriteAllBytes(path, MrcTestFiles.File(MrcTestFiles.Header(2, 2, 1, 2), new byte[20]));
        var e = Assert.Throws<CryoMergeInputException>(() => MrcFile.Open(path));
        Assert.Contains("do not match the file length", e.Problem);
        using var permissive = MrcFile.Open(path, MrcReadOptions.Permissive);
        Assert.Contains(permissive.Findings, f => f.Contains("4 bytes after the data block"));
    }

    [Fact]
    public void RejectsUnknownMode()
    {
        using var dir = new TempDir();
        string path = dir.File("mode7.mrc");
        System.IO.File.WriteAllBytes(path, MrcTestFiles.File(MrcTestFiles.Header(2, 2, 1, 7), new byte[16]));
        var e = Assert.Throws<CryoMergeInputException>(() => MrcFile.Open(path));
        Assert.Equal("unknown MRC mode 7 (supported: 0, 1, 2, 6, 12)", e.Problem);
    }

    [Fact]
    public void RejectsComplexModeWithAReason()
    {
        using var dir = new TempDir();
        string path = dir.File("mode4.mrc");
        System.IO.File.WriteAllBytes(path, MrcTestFiles.File(MrcTestFiles.Header(2, 2, 1, 4), new byte[32]));
        Assert.Contains("complex", Assert.Throws<CryoMergeInputException>(() => MrcFile.Open(path)).Problem);
    }

    [Fact]
    public void HeaderClaimingTenToTheFifteenVoxelsIsRejectedWithoutAllocating()
    {
        using var dir = new TempDir();
        string path = dir.File("huge.mrc");
        System.IO.File.WriteAllBytes(path, MrcTestFiles.File(MrcTestFiles.Header(100000, 100000, 100000, 2),
            new byte[64]));
        long before = GC.GetAllocatedBytesForCurrentThread();
        var e = Assert.Throws<CryoMergeInputException>(() => MrcFile.Open(path));
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Contains("100000 x 100000 x 100000", e.Problem);
        Assert.True(allocated < 1 << 20, $"opening allocated {allocated} bytes");
    }

    [Fact]
    public void RejectsTextFileNamedMrc()
    {
        using var dir = new TempDir();
        string path = dir.File("notes.mrc");
        System.IO.File.WriteAllText(path,
            string.Concat(Enumerable.Repeat("This is a text file about a map, not a map.\n", 40)));
        Assert.Contains("not an MRC file", Assert.Throws<CryoMergeInputException>(() => MrcFile.Open(path)).Problem);
    }

    [Fact]
    public void RejectsEmptyFileShortFileAndDirectory()
    {
        using var dir = new TempDir();
        System.IO.File.WriteAllBytes(dir.File("empty.mrc"), []);
        System.IO.File.WriteAllBytes(dir.File("tiny.mrc"), new byte[100]);
        Assert.Equal("file is empty",
            Assert.Throws<CryoMergeInputException>(() => MrcFile.Open(dir.File("empty.mrc"))).Problem);
        Assert.Contains("too short",
            Assert.Throws<CryoMergeInputException>(() => MrcFile.Open(dir.File("tiny.mrc"))).Problem);
        Assert.Contains("is a directory", Assert.Throws<CryoMergeInputException>(() => MrcFile.Open(dir.Path)).Problem);
        Assert.Equal("file not found",
            Assert.Throws<CryoMergeInputException>(() => MrcFile.Open(dir.File("missing.mrc"))).Problem);
    }

    [Fact]
    public void ReadsSectionsBeyondTwoGibibytesOfASparseFile()
    {
        using var dir = new TempDir();
        string path = dir.File("big.mrcs");
        const int n = 1024, images = 520;                       // 520 x 4 MiB = 2.03 GiB of data
        using (var stream = new FileStream(path, FileMode.CreateNew))
        {
            stream.Write(MrcTestFiles.Header(n, n, images, 2, ispg: 0));
            stream.SetLength(1024 + (long)n * n * images * 4);   // sparse: no disk used for the zeros
            stream.Position = 1024 + (long)n * n * (images - 1) * 4 + 4 * 5;
            stream.Write(BitConverter.GetBytes(7.5f));
        }
        using var mrc = MrcFile.Open(path);
        Assert.Equal(MrcKind.ImageStack, mrc.Kind);
        Assert.True(mrc.DataLength > int.MaxValue);
        var last = mrc.ReadSection(images - 1);
        Assert.Equal(7.5f, last[5]);
        Assert.Equal(0f, last[4]);
    }

    [Theory]
    [InlineData(40, -12f, "negative pixel size -1.2 in the header (CELLA X = -12 A over MX = 10)")]
    [InlineData(44, float.NaN, "pixel size NaN in the header (CELLA Y is not a number)")]
    [InlineData(48, float.PositiveInfinity, "infinite pixel size in the header (CELLA Z is +inf)")]
    public void ANegativeNaNOrInfiniteCellIsRefusedByName(int offset, float cell, string problem)
    {
        using var dir = new TempDir();
        var header = MrcTestFiles.Header(10, 10, 10, 2, pixel: 1.2f);
        BinaryPrimitives.WriteSingleLittleEndian(header.AsSpan(offset), cell);
        string path = dir.File("cell.mrc");
        System.IO.File.WriteAllBytes(path, MrcTestFiles.File(header, new byte[4000]));
        var e = Assert.Throws<CryoMergeInputException>(() => MrcFile.Open(path, MrcReadOptions.Permissive));
        Assert.Equal(path, e.File);
        Assert.Equal(problem, e.Problem);
    }

    [Fact]
    public void ACellOfZeroMeansNoPixelSizeAndIsAccepted()
    {
        using var dir = new TempDir();
        string path = dir.File("zero.mrc");
        System.IO.File.WriteAllBytes(path, MrcTestFiles.File(MrcTestFiles.Header(10, 10, 10, 2, pixel: 0f),
            new byte[4000]));
        using var mrc = MrcFile.Open(path);
        Assert.Equal(0, mrc.PixelSize.X);
        Assert.Null(PixelSizes.OfMrc(mrc));
    }
}
