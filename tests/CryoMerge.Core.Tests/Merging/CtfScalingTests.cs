using CryoMerge.Core.Ctf;
using CryoMerge.Core.Formats;
using CryoMerge.Core.Merging;
using CryoMerge.Tests;

namespace CryoMerge.Core.Tests.Merging;

public sealed class CtfScalingTests
{
    // The paper's case: a RELION 3.0 micrographs_ctf.star processed at 0.900 A, Cs 2.7 mm, 300 kV.
    private const string Relion30Micrographs = """

        data_

        loop_
        _rlnMicrographName #1
        _rlnCtfImage #2
        _rlnDefocusU #3
        _rlnDefocusV #4
        _rlnDefocusAngle #5
        _rlnVoltage #6
        _rlnSphericalAberration #7
        _rlnAmplitudeContrast #8
        _rlnMagnification #9
        _rlnDetectorPixelSize #10
        _rlnCtfFigureOfMerit #11

        """ +
        "MotionCorr/job002/mic1.mrc CtfFind/job003/mic1.ctf:mrc 20000.000000 19500.000000 12.000000 300.000000 " +
        "2.700000 0.100000 10000.000000 0.900000 0.131000\n" +
        "MotionCorr/job002/mic2.mrc CtfFind/job003/mic2.ctf:mrc 15000.000000 14800.000000 80.000000 300.000000 " +
        "2.700000 0.100000 10000.000000 0.900000 0.120000\n";

    [Fact]
    public void PaperConstantOnARelion30MicrographFileGivesThePapersNumbers()
    {
        using var dir = new TempDir();
        File.WriteAllText(dir.File("micrographs_ctf.star"), Relion30Micrographs);
        var report = CtfScaling.ScaleCtfFile(dir.File("micrographs_ctf.star"), dir.File("new.star"),
            new ScaleCtfRequest(0.900, 0.880, new DefocusOptions(DefocusCorrection.PaperConstant)));
        var table = StarDataSet.Read(dir.File("new.star")).Data;
        Assert.Equal("19135.591569", table.Column(RelionLabels.DefocusU).Raw(0));
        Assert.Equal(19500 / 1.045971 + 14.602555, table.GetDouble(0, RelionLabels.DefocusV), 1e-5);
        Assert.Equal(0.880, 10000 * table.GetDouble(0, RelionLabels.DetectorPixelSize) / table.GetDouble(0,
            RelionLabels.Magnification), 1e-6);
        Assert.Equal(["0.131000", "0.120000"], MergingTestFiles.Raw(table, "rlnCtfFigureOfMerit"));
        Assert.Equal(["12.000000", "80.000000"], MergingTestFiles.Raw(table, RelionLabels.DefocusAngle));
        var group = Assert.Single(report.Relabel.Groups);
        Assert.Equal(14.602555, group.Defocus!.Constant, 6);
        Assert.Equal(2, group.Rows);
    }

    [Fact]
    public void ARelion31MicrographFileTakesCsAndVoltageFromItsOpticsTable()
    {
        Requires.SharedData();
        using var dir = new TempDir();
        string input = TestFiles.RealFile("em-testdata/micrographs_ctf.star");
        var before = StarDataSet.Read(input);
        CtfScaling.ScaleCtfFile(input, dir.File("out.star"), new ScaleCtfRequest(0.885, 0.870));
        var after = StarDataSet.Read(dir.File("out.star"));
        var expected = DefocusRescaling.ForBand(0.885, 0.870, 1.4, 200);   // Cs 1.4 mm, 200 kV in data_optics
        Assert.True(expected.Constant > 5);
        for (int r = 0; r < before.Data.RowCount; r++)
        {
            Assert.Equal(expected.Apply(before.Data.GetDouble(r, RelionLabels.DefocusU)), after.Data.GetDouble(r,
                RelionLabels.DefocusU), 1e-4);
            Assert.Equal(expected.Apply(before.Data.GetDouble(r, RelionLabels.DefocusV)), after.Data.GetDouble(r,
                RelionLabels.DefocusV), 1e-4);
        }
        Assert.Equal(0.870, after.Optics!.GetDouble(0, RelionLabels.MicrographPixelSize), 1e-6);
        Assert.Equal(0.870, after.Optics.GetDouble(0, RelionLabels.MicrographOriginalPixelSize), 1e-6);
        Assert.Equal("1.400000", after.Optics.Column(RelionLabels.SphericalAberration).Raw(0));
        foreach (var label in new[] { RelionLabels.MicrographName, RelionLabels.DefocusAngle, "rlnCtfImage",
            "rlnCtfFigureOfMerit" })
            Assert.Equal(MergingTestFiles.Raw(before.Data, label), MergingTestFiles.Raw(after.Data, label));
    }

    [Fact]
    public void ParticleFilesScaleEveryPixelSizeAndOriginByTheSameRatio()
    {
        Requires.SharedData();
        using var dir = new TempDir();
        string input = TestFiles.RealFile("isecc/test.star");   // 1.1 A, origins in A, Zernike and magnification matrix
        var before = StarDataSet.Read(input);
        var report = CtfScaling.ScaleCtfFile(input, dir.File("out.star"), new ScaleCtfRequest(1.1, 1.08));
        var after = StarDataSet.Read(dir.File("out.star"));
        double r = 1.08 / 1.1;
        Assert.Equal(1.08, after.Optics!.GetDouble(0, RelionLabels.ImagePixelSize), 1e-6);
        Assert.Equal(1.08, after.Optics.GetDouble(0, RelionLabels.MicrographOriginalPixelSize), 1e-6);
        Assert.Equal(before.Data.GetDouble(0, RelionLabels.OriginXAngst) * r, after.Data.GetDouble(0,
            RelionLabels.OriginXAngst), 1e-5);
        Assert.Equal(before.Data.GetDouble(0, RelionLabels.OriginXPriorAngst) * r, after.Data.GetDouble(0,
            RelionLabels.OriginXPriorAngst), 1e-5);
        Assert.Equal(before.Data.GetDouble(0, RelionLabels.CtfMaxResolution) * r, after.Data.GetDouble(0,
            RelionLabels.CtfMaxResolution), 1e-5);
        Assert.Equal(MergingTestFiles.Raw(before.Data, RelionLabels.CoordinateX), MergingTestFiles.Raw(after.Data,
            RelionLabels.CoordinateX));
        Assert.Equal(before.Optics!.Column(RelionLabels.EvenZernike).Raw(0),
            after.Optics.Column(RelionLabels.EvenZernike).Raw(0));
        Assert.Empty(report.Warnings);
    }

    [Fact]
    public void ScaleCsWritesTheApparentCsInTheOpticsTable()
    {
        Requires.SharedData();
        using var dir = new TempDir();
        // RELION 5, 3.54 A images of 0.885 A micrographs
        string input = TestFiles.RealFile("sppractice/Extract/job009/particles.star");
        var report = CtfScaling.ScaleCtfFile(input, dir.File("out.star"), new ScaleCtfRequest(0.885, 0.870,
            new DefocusOptions(DefocusCorrection.ScaleCs)));
        var after = StarDataSet.Read(dir.File("out.star"));
        double r = 0.870 / 0.885;
        Assert.Equal(1.4 * Math.Pow(r, 4), after.Optics!.GetDouble(0, RelionLabels.SphericalAberration), 1e-6);
        Assert.Equal(3.54 * r, after.Optics.GetDouble(0, RelionLabels.ImagePixelSize), 1e-6);
        Assert.Equal(0.870, after.Optics.GetDouble(0, RelionLabels.MicrographOriginalPixelSize), 1e-6);
        Assert.Equal(0, report.Relabel.Groups[0].Defocus!.Constant);
        Assert.Equal(2374, after.Data.RowCount);
    }

    [Fact]
    public void AnOldPixelSizeTheFileDoesNotStateIsAWarning()
    {
        Requires.SharedData();
        using var dir = new TempDir();
        var report = CtfScaling.ScaleCtfFile(TestFiles.RealFile("em-testdata/micrographs_ctf.star"),
            dir.File("out.star"), new ScaleCtfRequest(0.900, 0.880));
        Assert.Contains("the old pixel size is 0.9 A but the file's pixel sizes are 0.885 A",
            Assert.Single(report.Warnings));
    }

    [Theory]
    [InlineData(0.9, 0.9, "the old and new pixel sizes are equal (0.9 A): there is nothing to change")]
    [InlineData(0, 0.88, "the old pixel size must be a positive pixel size in A, not 0")]
    [InlineData(0.9, -1, "the new pixel size must be a positive pixel size in A, not -1")]
    public void BadPixelSizesAreRefusedAndNothingIsWritten(double oldPixel, double newPixel, string problem)
    {
        using var dir = new TempDir();
        File.WriteAllText(dir.File("in.star"), Relion30Micrographs);
        var e = Assert.Throws<CryoMergeInputException>(() => CtfScaling.ScaleCtfFile(dir.File("in.star"),
            dir.File("out.star"), new ScaleCtfRequest(oldPixel, newPixel)));
        Assert.Equal(problem, e.Problem);
        Assert.Equal(["in.star"], Directory.GetFiles(dir.Path).Select(Path.GetFileName));
    }

    [Fact]
    public void AFileWithoutDefocusOrCsIsRefusedNamingTheColumn()
    {
        Requires.SharedData();
        using var dir = new TempDir();
        var e = Assert.Throws<CryoMergeInputException>(() =>
            CtfScaling.ScaleCtfFile(TestFiles.RealFile("em-testdata/corrected_micrographs.star"), dir.File("out.star"),
            new ScaleCtfRequest(0.885, 0.87)));
        Assert.EndsWith("column _rlnDefocusU is missing from data_micrographs (needed to rescale defocus)", e.Message);
        File.WriteAllText(dir.File("nocs.star"), Relion30Micrographs.Replace("_rlnSphericalAberration #7",
            "_rlnCs #7"));
        e = Assert.Throws<CryoMergeInputException>(() => CtfScaling.ScaleCtfFile(dir.File("nocs.star"),
            dir.File("out.star"), new ScaleCtfRequest(0.9, 0.88)));
        Assert.Equal("column _rlnSphericalAberration is missing from data_ (needed for the defocus correction)",
            e.Problem);
        Assert.False(File.Exists(dir.File("out.star")));
    }

    [Fact]
    public void TheOutputCannotOverwriteTheInput()
    {
        using var dir = new TempDir();
        File.WriteAllText(dir.File("in.star"), Relion30Micrographs);
        Assert.Throws<CryoMergeInputException>(() => CtfScaling.ScaleCtfFile(dir.File("in.star"), dir.File("in.star"),
            new ScaleCtfRequest(0.9, 0.88)));
        Assert.Equal(Relion30Micrographs, File.ReadAllText(dir.File("in.star")));
    }

    [Theory]
    [InlineData("em-testdata/micrographs_ctf.star", 0.885, 0.87)]
    [InlineData("cryodrgn/relion31.6opticsgroups.star", 1.25, 1.2)]
    [InlineData("cryodrgn/empiar_10076_7.star", 1.31, 1.28)]
    [InlineData("sppractice/CtfFind/job005/micrographs_ctf.star", 0.885, 0.87)]
    public void RelionReadsTheRescaledFile(string file, double oldPixel, double newPixel)
    {
        Requires.SharedData();
        Requires.Relion("relion_star_handler");
        using var dir = new TempDir();
        CtfScaling.ScaleCtfFile(TestFiles.RealFile(file), dir.File("out.star"), new ScaleCtfRequest(oldPixel,
            newPixel));
        var result = Tool.Run("relion_star_handler", ["--i", dir.File("out.star"), "--o", dir.File("check.star")]);
        Assert.True(result.ExitCode == 0 && File.Exists(dir.File("check.star")), result.Stderr);
        Assert.Equal(StarDataSet.Read(dir.File("out.star")).Data.RowCount,
            StarDataSet.Read(dir.File("check.star")).Data.RowCount);
    }
}
