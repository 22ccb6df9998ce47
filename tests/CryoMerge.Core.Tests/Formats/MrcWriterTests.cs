using CryoMerge.Core.Formats;
using CryoMerge.Tests;

namespace CryoMerge.Core.Tests.Formats;

public sealed class MrcWriterTests
{
    [Fact]
    public void WritesMode2WithExactStatisticsAndMrc2014Header()
    {
        using var dir = new TempDir();
        var values = Enumerable.Range(0, 6 * 5 * 4).Select(i => MathF.Sin(i) * 3 + 1).ToArray();
        MrcWriter.WriteFile(dir.File("v.mrc"), new Shape3(6, 5, 4), values,
            new MrcWriteOptions { PixelSize = Vector3d.All(1.34), Origin = new(1, 2, 3) });

        using var mrc = MrcFile.Open(dir.File("v.mrc"));
        var h = mrc.Header;
        Assert.Equal("MAP ", h.Map);
        Assert.Equal(0x44440000u, h.MachSt);
        Assert.Equal(20140, h.NVersion);
        Assert.Equal(MrcKind.Volume, mrc.Kind);
        Assert.Equal(values.Min(), h.DMin);
        Assert.Equal(values.Max(), h.DMax);
        double mean = values.Average(v => (double)v);
        Assert.Equal(mean, h.DMean, 5);
        Assert.Equal(Math.Sqrt(values.Average(v => (v - mean) * (v - mean))), h.Rms, 5);
        Assert.Equal(1.34, mrc.PixelSize.X, 5);
        Assert.Equal(new Vector3d(1, 2, 3), mrc.Origin);
        Assert.Equal(values, mrc.ReadAll());
    }

    [Fact]
    public void Mode12StoresHalvesAndItsStatisticsDescribeTheStoredValues()
    {
        using var dir = new TempDir();
        var values = new float[] { 0.1f, 1000.3f, -2.7f, 3.14159f };
        MrcWriter.WriteFile(dir.File("h.mrcs"), new Shape3(2, 1, 2), values,
            new MrcWriteOptions { Mode = MrcMode.Float16, IsStack = true });
        using var mrc = MrcFile.Open(dir.File("h.mrcs"));
        var stored = values.Select(v => (float)(Half)v).ToArray();
        Assert.Equal(MrcMode.Float16, mrc.Mode);
        Assert.Equal(MrcKind.ImageStack, mrc.Kind);
        Assert.Equal(1, mrc.Header.Mz);
        Assert.Equal(stored, mrc.ReadAll());
        Assert.Equal(stored.Max(), mrc.Header.DMax);
        Assert.Equal(stored.Min(), mrc.Header.DMin);
    }

    [Fact]
    public void SectionsMayBeWrittenOutOfOrderAndFromSeveralThreads()
    {
        using var dir = new TempDir();
        var shape = new Shape3(8, 8, 64);
        using (var writer = MrcWriter.Create(dir.File("p.mrcs"), shape, new MrcWriteOptions { IsStack = true }))
        {
            Parallel.For(0, shape.Z, z => writer.WriteSection(shape.Z - 1 - z,
                Enumerable.Repeat((float)(shape.Z - 1 - z), 64).ToArray()));
            writer.Commit();
            Assert.Equal(31.5, writer.Statistics.Mean, 10);
        }
        using var mrc = MrcFile.Open(dir.File("p.mrcs"));
        for (int z = 0; z < shape.Z; z++) Assert.All(mrc.ReadSection(z), v => Assert.Equal(z, v));
    }

    [Fact]
    public void NothingAppearsUnderTheOutputNameUntilCommit()
    {
        using var dir = new TempDir();
        string path = dir.File("out.mrc");
        using (var writer = MrcWriter.Create(path, new Shape3(4, 4, 2)))
        {
            writer.WriteSection(0, new float[16]);
            Assert.False(File.Exists(path));
            // Disposed without commit: as after a failure half-way.
        }
        Assert.False(File.Exists(path));
        Assert.Empty(Directory.GetFiles(dir.Path));
    }

    [Fact]
    public void CommitRefusesMissingSections()
    {
        using var dir = new TempDir();
        using var writer = MrcWriter.Create(dir.File("out.mrc"), new Shape3(4, 4, 2));
        writer.WriteSection(1, new float[16]);
        Assert.Contains("section 0 was never written", Assert.Throws<InvalidOperationException>(writer.Commit).Message);
    }

    [Fact]
    public void AnOutputEqualToAnInputIsRefused()
    {
        using var dir = new TempDir();
        string input = dir.File("in.mrc");
        MrcWriter.WriteFile(input, new Shape3(2, 2, 1), new float[4]);
        var e = Assert.Throws<CryoMergeInputException>(() => OutputFiles.EnsureNotInput(Path.Combine(dir.Path, ".",
            "in.mrc"), input));
        Assert.Contains("would overwrite the input", e.Problem);
        OutputFiles.EnsureNotInput(dir.File("other.mrc"), input);
    }

    [Fact]
    public void WritesAndReadsBackAStackLargerThanTwoGibibytes()
    {
        using var dir = new TempDir();
        string path = dir.File("large.mrcs");
        const int n = 1024, images = 520;   // 2.03 GiB of float32
        var image = new float[n * n];
        using (var writer = MrcWriter.Create(path, new Shape3(n, n, images), new MrcWriteOptions { IsStack = true }))
        {
            for (int z = 0; z < images; z++)
            {
                Array.Fill(image, z);
                writer.WriteSection(z, image);
            }
            writer.Commit();
        }
        Assert.Equal(1024 + (long)n * n * images * 4, new FileInfo(path).Length);
        using var mrc = MrcFile.Open(path);
        Assert.All(mrc.ReadSection(images - 1), v => Assert.Equal(images - 1, v));
        Assert.All(mrc.ReadSection(300), v => Assert.Equal(300, v));
        Assert.Equal(images - 1, mrc.Header.DMax);
        Assert.Equal((images - 1) / 2.0, mrc.Header.DMean, 4);
    }
}
