using CryoMerge.Core.Ctf;
using CryoMerge.Core.Formats;
using CryoMerge.Core.Merging;
using CryoMerge.Tests;

namespace CryoMerge.Core.Tests.Merging;

public sealed class ParticleRescalingTests
{
    [Fact]
    public void ARelion30FileGetsTheScriptsColumnsAndKeepsEveryOther()
    {
        // The paper's example: --pix_nominal 1.36 --pix_relative 1.28 --pix_target 1.40.
        using var dir = new TempDir();
        File.WriteAllText(dir.File("dataset2.star"),
            MergingTestFiles.Relion30Particles("Extract/job005/mic1.mrcs", 4, 1.36));
        var before = StarFile.Read(dir.File("dataset2.star")).Blocks[0].Table!;
        var report = ParticleRescaling.RescaleFile(dir.File("dataset2.star"), dir.File("out.star"),
            new RescaleParticlesRequest(1.36, 1.28, 1.40, new MicrographRenaming("MRCS_dataset2", "r_", "_x")));
        var after = StarDataSet.Read(dir.File("out.star")).Data;
        Assert.Equal(before.ColumnNames, after.ColumnNames);
        for (int i = 0; i < 4; i++)
        {
            // rescale_particles.py: coordinates and origins x pix_relative / pix_target (written as RELION does, %.6f).
            Assert.Equal(before.GetDouble(i, RelionLabels.CoordinateX) * 1.28 / 1.40, after.GetDouble(i,
                RelionLabels.CoordinateX), 1e-5);
            Assert.Equal(before.GetDouble(i, RelionLabels.OriginY) * 1.28 / 1.40, after.GetDouble(i,
                RelionLabels.OriginY), 1e-5);
            // Magnification such that the pixel is exactly the target (the script rounds it to an integer).
            Assert.Equal(1.40, 10000 * after.GetDouble(i, RelionLabels.DetectorPixelSize) / after.GetDouble(i,
                RelionLabels.Magnification), 9);
            Assert.Equal("MRCS_dataset2/r_mic1_x.mrc", after.GetString(i, RelionLabels.MicrographName));
            // Defocus becomes true defocus: the relabelling 1.36 -> 1.28 with the band constant.
            var change = DefocusRescaling.ForBand(1.36, 1.28, 2.7, 300);
            Assert.Equal(change.Apply(before.GetDouble(i, RelionLabels.DefocusU)), after.GetDouble(i,
                RelionLabels.DefocusU), 1e-4);
            foreach (var label in new[] { RelionLabels.ImageName, "rlnAngleRot", "rlnAnglePsi", RelionLabels.GroupName,
                RelionLabels.DefocusAngle })
                Assert.Equal(before.Column(label).Raw(i), after.Column(label).Raw(i));
        }
        Assert.Equal(1.28 / 1.40, report.CoordinateFactor, 12);
        Assert.Equal(4, report.RenamedMicrographs);
        Assert.Contains(report.Change.Warnings, w => w.Contains("re-extract from the rescaled micrographs"));
    }

    [Fact]
    public void ARelion31FileKeepsTheParticleShiftInAngstromAndStatesTruePixelSizes()
    {
        Requires.SharedData();
        using var dir = new TempDir();
        string input = TestFiles.RealFile("isecc/test.star");   // 1.1 A images of 1.1 A micrographs, origins in A
        var before = StarDataSet.Read(input);
        ParticleRescaling.RescaleFile(input, dir.File("out.star"), new RescaleParticlesRequest(1.1, 1.05, 1.4));
        var after = StarDataSet.Read(dir.File("out.star"));
        double ratio = 1.05 / 1.1;
        Assert.Equal(before.Data.GetDouble(0, RelionLabels.CoordinateX) * 1.05 / 1.4, after.Data.GetDouble(0,
            RelionLabels.CoordinateX), 1e-5);
        Assert.Equal(before.Data.GetDouble(0, RelionLabels.OriginXAngst) * ratio, after.Data.GetDouble(0,
            RelionLabels.OriginXAngst), 1e-5);
        Assert.Equal(1.05, after.Optics!.GetDouble(0, RelionLabels.ImagePixelSize), 1e-6);
        Assert.Equal(1.05, after.Optics.GetDouble(0, RelionLabels.MicrographOriginalPixelSize), 1e-6);
        // The images named keep their shift in pixels; re-extraction divides the A shift by the new micrograph pixel.
        Assert.Equal(before.Data.GetDouble(0, RelionLabels.OriginXAngst) / 1.1, after.Data.GetDouble(0,
            RelionLabels.OriginXAngst) / 1.05, 1e-4);
        Assert.Equal(before.Data.Columns.Count, after.Data.Columns.Count);
    }

    [Fact]
    public void ACoordinateFileHasOnlyItsCoordinatesRescaled()
    {
        Requires.SharedData();
        using var dir = new TempDir();
        string input = TestFiles.RealFile("em-testdata/20170629_00049_frameImage_autopick.star");
        var before = StarDataSet.Read(input);
        var report = ParticleRescaling.RescaleFile(input, dir.File("out.star"), new RescaleParticlesRequest(0.885,
            0.870, 1.12));
        var after = StarDataSet.Read(dir.File("out.star"));
        Assert.Equal(StarDataKind.Coordinates, after.Kind);
        for (int i = 0; i < before.Data.RowCount; i++)
        {
            Assert.Equal(before.Data.GetDouble(i, RelionLabels.CoordinateY) * 0.870 / 1.12, after.Data.GetDouble(i,
                RelionLabels.CoordinateY), 1e-5);
            Assert.Equal(before.Data.Column("rlnAutopickFigureOfMerit").Raw(i),
                after.Data.Column("rlnAutopickFigureOfMerit").Raw(i));
        }
        Assert.Equal(["_rlnCoordinateX", "_rlnCoordinateY"], report.Change.Relabel.ChangedColumns);
    }

    [Fact]
    public void MissingCoordinatesAndMicrographFilesAreRefused()
    {
        Requires.SharedData();
        using var dir = new TempDir();
        var e = Assert.Throws<CryoMergeInputException>(() => ParticleRescaling.RescaleFile(
            TestFiles.RealFile("cryodrgn/empiar_10076_7.star"), dir.File("out.star"), new RescaleParticlesRequest(1.31,
            1.28, 1.4)));
        Assert.EndsWith("column _rlnCoordinateX is missing from data_ (needed to rescale coordinates)", e.Message);
        e = Assert.Throws<CryoMergeInputException>(() => ParticleRescaling.RescaleFile(
            TestFiles.RealFile("em-testdata/micrographs_ctf.star"), dir.File("out.star"),
            new RescaleParticlesRequest(0.885, 0.87, 1.4)));
        Assert.Contains("holds micrographs; rescale-particles takes particle or coordinate files", e.Message);
        e = Assert.Throws<CryoMergeInputException>(() => ParticleRescaling.RescaleFile(
            TestFiles.RealFile("isecc/test.star"), dir.File("out.star"), new RescaleParticlesRequest(1.4, 1.4, 1.4)));
        Assert.Contains("there is nothing to change", e.Message);
        Assert.Empty(Directory.GetFiles(dir.Path));
    }

    [Fact]
    public void RelionReadsTheRescaledParticles()
    {
        Requires.SharedData();
        Requires.Relion("relion_star_handler");
        using var dir = new TempDir();
        ParticleRescaling.RescaleFile(TestFiles.RealFile("cryodrgn/relion5.star"), dir.File("out.star"),
            new RescaleParticlesRequest(0.89, 0.87, 1.1, new MicrographRenaming("Rescaled")));
        var result = Tool.Run("relion_star_handler", ["--i", dir.File("out.star"), "--o", dir.File("check.star")]);
        Assert.Equal(0, result.ExitCode);
        var check = StarDataSet.Read(dir.File("check.star"));
        Assert.StartsWith("Rescaled/", check.Data.GetString(0, RelionLabels.MicrographName));
        Assert.Equal(0.87, check.Optics!.GetDouble(0, RelionLabels.ImagePixelSize), 1e-5);
    }
}
