using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using CryoMerge.Core.Formats;
using CryoMerge.Tests;

namespace CryoMerge.Core.Tests.Formats;

/// <summary>
/// Reading and writing every MRC file under ../shared/data/real, checked against SOURCES.md, python3-mrcfile
/// (an independent reader and the validator) and relion_image_handler --stats.
/// </summary>
public sealed class MrcRealFilesTests
{
    // Shape (X, Y, Z after undoing the axis order) and pixel size from SOURCES.md.
    private static readonly Dictionary<string, (int X, int Y, int Z, double Px)> Expected = new()
    {
        ["aspire/sample.mrcs"] = (200, 200, 17, 0),
        ["cryodrgn/ay19102021_L3_position6_ribo_it09_bin8_1.82A.mrcs"] = (64, 64, 220, 1),
        ["cryodrgn/empiar_10076_7.mrc"] = (320, 320, 7, 0),
        ["cryodrgn/relion31.mrcs"] = (256, 256, 5, 1),
        ["daq/2566_3J6B_9.mrc"] = (35, 52, 47, 1.34),
        ["daq/2566_3J6B_9_new.mrc"] = (46, 69, 62, 1),
        ["deepmainmast/emd_1461.mrc"] = (75, 80, 96, 1.23),
        ["deepmainmast/emd_2513.mrc"] = (76, 74, 80, 1.32),
        ["mapq/390_emd_30342_A_z4.mrc"] = (89, 81, 63, 1.113),
        ["mrcfile/EMD-3001.map"] = (43, 25, 73, 0.44825),
        ["mrcfile/EMD-3197.map"] = (20, 20, 20, 11.4),
        ["ngl/betaGal.mrc"] = (100, 100, 100, 3.54),
        ["ngl/localResolution.mrc"] = (100, 100, 100, 1),
        ["sfftk/emd_1832.map"] = (64, 64, 64, 5.7),
        ["sfftk/emd_5625.map"] = (56, 56, 56, 4.23),
        ["sppractice/Class2D/job010/run_it025_classes.mrcs"] = (64, 64, 50, 3.54),
        ["sppractice/CtfFind/job005/Movies/20170629_00021_frameImage_PS.ctf"] = (512, 512, 1, 1.0 / 512),
        ["tempy/emd_5168.map"] = (100, 100, 100, 1.742),
        ["tempy/emd_5168_monomer.mrc"] = (28, 43, 41, 1.742),
        ["tempy/emd_5170.map"] = (100, 100, 100, 2.38),
    };

    public static TheoryData<string> RealMrcFiles() => new(TestFiles.RealMrcFiles());

    [Fact]
    public void EveryRealMrcFileIsListedHere()
    {
        Requires.SharedData();
        var extract = TestFiles.RealMrcFiles().Where(f => f.Contains("Extract/job009")).ToList();
        Assert.Equal(10, extract.Count);
        Assert.Empty(TestFiles.RealMrcFiles().Except(Expected.Keys).Except(extract));
    }

    [Theory]
    [MemberData(nameof(RealMrcFiles))]
    public void OpensWithTheShapeAndPixelSizeOfSourcesMd(string file)
    {
        Requires.SharedData();
        using var mrc = MrcFile.Open(TestFiles.RealFile(file));
        var (x, y, z, px) = Expected.TryGetValue(file, out var e) ? e : (64, 64, mrc.Shape.Z, 3.54);
        Assert.Equal(new Shape3(x, y, z), mrc.Shape);
        Assert.Equal(px, mrc.PixelSize.X, tolerance: 1e-5 * Math.Max(px, 1));
        if (file.Contains("Extract/job009")) Assert.Equal(MrcMode.Float16, mrc.Mode);
        var all = mrc.ReadAll();
        Assert.Equal(mrc.Shape.Count, all.Length);
        Assert.Equal(all.AsSpan(0, mrc.Shape.SectionCount).ToArray(), mrc.ReadSection(0));
    }

    [Fact]
    public void StatisticsAgreeWithPythonMrcfileOnEveryRealFile()
    {
        Requires.SharedData();
        Requires.Mrcfile();
        var files = TestFiles.RealMrcFiles().ToList();
        var script = """
            import json, sys, warnings, mrcfile, numpy as np
            warnings.simplefilter('ignore')
            out = {}
            for f in sys.argv[1:]:
                with mrcfile.open(f, permissive=True) as m:
                    d = m.data.astype(np.float64)
                    out[f] = [float(d.min()), float(d.max()), float(d.mean()), float(d.std()), int(d.size)]
            print(json.dumps(out))
            """;
        var result = Tool.Run(Requires.DebianPython, ["-c", script, .. files], TestFiles.Real);
        Assert.True(result.ExitCode == 0, result.Stderr);
        var oracle = JsonSerializer.Deserialize<Dictionary<string, double[]>>(result.Stdout)!;
        foreach (var file in files)
        {
            using var mrc = MrcFile.Open(TestFiles.RealFile(file));
            var ours = MrcSummary.StatisticsOf(mrc);
            var theirs = oracle[file];
            Assert.Equal(theirs[4], ours.Count);
            Assert.Equal(theirs[0], ours.Min);
            Assert.Equal(theirs[1], ours.Max);
            Assert.Equal(theirs[2], ours.Mean, 1e-9 * Math.Max(1, theirs[3]) + 1e-12);
            Assert.Equal(theirs[3], ours.StdDev, 1e-9 * Math.Max(1, theirs[3]));
        }
    }

    [Theory]
    [MemberData(nameof(RealMrcFiles))]
    public void WritingBackRoundTripsTheValuesExactly(string file)
    {
        Requires.SharedData();
        using var dir = new TempDir();
        using var source = MrcFile.Open(TestFiles.RealFile(file));
        var values = source.ReadAll();
        string output = dir.File("copy" + (source.Kind == MrcKind.ImageStack ? ".mrcs" : ".mrc"));
        var options = MrcWriteOptions.Like(source) with { Mode = source.Mode == MrcMode.Float16 ? MrcMode.Float16
            : MrcMode.Float32 };
        MrcWriter.WriteFile(output, source.Shape, values, options);

        using var copy = MrcFile.Open(output);
        Assert.Equal(source.Shape, copy.Shape);
        Assert.Equal(source.Kind, copy.Kind);
        Assert.Equal(source.PixelSize.X, copy.PixelSize.X, 5);
        Assert.Equal(source.PixelSize.Y, copy.PixelSize.Y, 5);
        Assert.Equal(source.PixelSize.Z, copy.PixelSize.Z, 5);
        Assert.Equal(source.Origin, copy.Origin);
        Assert.Equal(source.Start, copy.Start);
        Assert.True(values.AsSpan().SequenceEqual(copy.ReadAll()), "values changed in the round trip");
    }

    [Fact]
    public void EveryFileWeWriteBackPassesMrcfileValidate()
    {
        Requires.SharedData();
        Requires.Mrcfile();
        using var dir = new TempDir();
        var written = WriteAllBack(dir, float16AsFloat32: false);
        // mrcfile 1.4 computes the RMS of float16 data in float16, which overflows to inf for any real stack;
        // that one message is mrcfile's own bug (our header RMS is right, checked in float64 by the test above),
        // so for mode 12 files it alone is tolerated.
        var script = """
            import sys, io, mrcfile
            bad = []
            for f in sys.argv[1:]:
                buf = io.StringIO()
                if not mrcfile.validate(f, print_file=buf):
                    lines = [l for l in buf.getvalue().splitlines()[1:] if l.strip()]
                    with mrcfile.open(f, header_only=True) as m:
                        half = int(m.header.mode) == 12
                    lines = [l for l in lines if not (half and 'RMS deviation is inf' in l)]
                    if lines:
                        bad.append(f + ': ' + ' | '.join(lines))
            print('\n'.join(bad))
            sys.exit(1 if bad else 0)
            """;
        var result = Tool.Run(Requires.DebianPython, ["-c", script, .. written]);
        Assert.True(result.ExitCode == 0, "mrcfile.validate failed:\n" + result.Stdout + result.Stderr);
    }

    [Fact]
    public void RelionImageHandlerReportsTheStatisticsWeWrote()
    {
        Requires.SharedData();
        Requires.Relion();
        using var dir = new TempDir();
        // RELION 3.1 cannot read float16, so those stacks are written as float32 here.
        foreach (var output in WriteAllBack(dir, float16AsFloat32: true))
        {
            var result = Tool.Run("relion_image_handler", ["--i", output, "--stats"]);
            Assert.True(result.ExitCode == 0, $"{output}: {result.Stderr}");
            var lines = Regex.Matches(result.Stdout,
                @"avg= (\S+) stddev= (\S+) minval= (\S+) maxval= (\S+); angpix = (\S+)");
            using var mrc = MrcFile.Open(output);
            int expectedLines = mrc.Kind == MrcKind.ImageStack ? mrc.SectionCount : 1;
            Assert.Equal(expectedLines, lines.Count);
            for (int i = 0; i < lines.Count; i++)
            {
                var ours = mrc.Kind == MrcKind.ImageStack
                    ? CryoMerge.Core.Imaging.ImageStatistics.Of(mrc.ReadSection(i)) : MrcSummary.StatisticsOf(mrc);
                double D(int g) => double.Parse(lines[i].Groups[g].Value, CultureInfo.InvariantCulture);
                // relion_image_handler --stats prints the population standard deviation, to 6 significant digits.
                double scale = Math.Max(ours.StdDev, Math.Abs(ours.Mean));
                Assert.True(Math.Abs(D(1) - ours.Mean) <= 1e-5 * scale,
                    $"{output} #{i}: RELION mean {D(1)}, ours {ours.Mean}");
                Assert.True(Math.Abs(D(2) - ours.StdDev) <= 1e-5 * ours.StdDev + 1e-12,
                    $"{output} #{i}: RELION stddev {D(2)}, ours {ours.StdDev}");
                Assert.True(Math.Abs(D(3) - ours.Min) <= 1e-5 * Math.Abs(ours.Min) + 1e-12,
                    $"{output} #{i}: RELION min {D(3)}, ours {ours.Min}");
                Assert.True(Math.Abs(D(4) - ours.Max) <= 1e-5 * Math.Abs(ours.Max) + 1e-12,
                    $"{output} #{i}: RELION max {D(4)}, ours {ours.Max}");
                if (mrc.PixelSize.X > 0) Assert.Equal(mrc.PixelSize.X, D(5), 5);
            }
        }
    }

    private static List<string> WriteAllBack(TempDir dir, bool float16AsFloat32)
    {
        var outputs = new List<string>();
        int i = 0;
        foreach (var file in TestFiles.RealMrcFiles())
        {
            using var source = MrcFile.Open(TestFiles.RealFile(file));
            string extension = source.Kind == MrcKind.ImageStack ? ".mrcs" : ".mrc";
            string output = dir.File($"{i++:D2}_{Path.GetFileNameWithoutExtension(file)}{extension}");
            var mode = source.Mode == MrcMode.Float16 && !float16AsFloat32 ? MrcMode.Float16 : MrcMode.Float32;
            MrcWriter.WriteFile(output, source.Shape, source.ReadAll(),
                MrcWriteOptions.Like(source) with { Mode = mode });
            outputs.Add(output);
        }
        Assert.NotEmpty(outputs);
        return outputs;
    }
}
