using CryoMerge.Core.Formats;
using CryoMerge.Core.Imaging;
using CryoMerge.Core.Rescaling;
using CryoMerge.Core.Tests.Imaging;
using CryoMerge.Tests;

namespace CryoMerge.Core.Tests.Rescaling;

/// <summary>Rescaling the micrographs or movies a STAR file lists, and the new STAR file.</summary>
public sealed class StarRescaleTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public void TheMicrographsOfARelion5StarFileAreRescaledAndTheOpticsTableUpdated()
    {
        Requires.SharedData();
        using var project = new TempDir();
        using var fft = RelionRescaleTests.FftwOrManaged();
        // The real RELION 5 MotionCorr output, with small generated micrographs at the paths it names.
        string star = CopyInto(project, "sppractice/MotionCorr/job002/corrected_micrographs.star");
        var listed = StarFile.Read(star).Block("micrographs").RequireTable().Column(RelionLabels.MicrographName);
        for (int row = 0; row < listed.Count; row++) WriteImage(Path.Combine(project.Path, listed.GetString(row)),
            new Shape3(120, 90, 1), 0.885, row);

        var plan = StarRescalePlan.Create(star, "Rescaled", new RescaleOptions { RescalePixelSize = 1.06 },
            project.Path);
        Assert.Equal(listed.Count, plan.Items.Count);
        Assert.Empty(plan.Warnings);
        var summary = StarRescale.Run(plan, fft.Backend, threads: 2, Token);

        Assert.Equal(Path.Combine(project.Path, "Rescaled", "corrected_micrographs.star"), summary.OutputStar);
        var output = StarFile.Read(summary.OutputStar);
        var names = output.Block("micrographs").RequireTable().Column(RelionLabels.MicrographName);
        Assert.Equal("Rescaled/20170629_00021_frameImage.mrc", names.GetString(0));
        double real = 120 * 0.885 / 100;   // ROUND(120 x 0.885 / 1.06) = 100
        var group = Assert.Single(PixelSizes.OfOpticsGroups(output));
        Assert.Equal(real, group.MicrographPixelSize!.Value, 6);
        Assert.Equal(0.885, group.MicrographOriginalPixelSize!.Value, 6);   // the movies were not rescaled
        Assert.Equal(real, Assert.Single(summary.PixelSizes).NewPixelSize, 9);
        // Everything else keeps its text.
        var before = StarFile.Read(star).Block("micrographs").RequireTable();
        var after = output.Block("micrographs").RequireTable();
        Assert.Equal(before.Column("rlnCtfPowerSpectrum").Raw(3), after.Column("rlnCtfPowerSpectrum").Raw(3));
        Assert.Equal(before.Column("rlnAccumMotionTotal").Raw(5), after.Column("rlnAccumMotionTotal").Raw(5));
        Assert.Equal("mtf_k2_200kV.star",
            output.Block("optics").RequireTable().Column(RelionLabels.MtfFileName).GetString(0));
        for (int row = 0; row < names.Count; row++)
        {
            using var mic = MrcFile.Open(Path.Combine(project.Path, names.GetString(row)));
            Assert.Equal(new Shape3(100, 74, 1), mic.Shape);
            Assert.Equal(real, mic.PixelSize.X, 5);
        }
        AssertRelionReads(summary.OutputStar, project.Path);
    }

    [Fact]
    public void TheMoviesOfAStarFileAreRescaledFrameByFrameAndTheirPixelSizeUpdated()
    {
        using var project = new TempDir();
        using var fft = RelionRescaleTests.FftwOrManaged();
        string star = project.File("movies.star");
        File.WriteAllText(star, """

            # version 30001

            data_optics

            loop_
            _rlnOpticsGroupName #1
            _rlnOpticsGroup #2
            _rlnMicrographOriginalPixelSize #3
            _rlnVoltage #4
            _rlnSphericalAberration #5
            _rlnAmplitudeContrast #6
            _rlnMicrographPixelSize #7
            opticsGroup1 1 1.000000 300.000000 2.700000 0.100000 2.000000

            # version 30001

            data_movies

            loop_
            _rlnMicrographMovieName #1
            _rlnOpticsGroup #2
            Movies/a.mrcs 1
            Movies/b.mrcs 1
            Movies/sub/c.mrcs 1

            """);
        foreach (var (name, seed) in new[] { ("Movies/a.mrcs", 1), ("Movies/b.mrcs", 2), ("Movies/sub/c.mrcs", 3) })
            MrcRescaleRelionTests.WriteStack(EnsureFolder(project.File(name)), new Shape3(64, 64, 5), 1.0, seed);

        var plan = StarRescalePlan.Create(star, project.File("out"), new RescaleOptions { RescalePixelSize = 1.3 },
            project.Path);
        Assert.True(plan.IsMovies);
        var summary = StarRescale.Run(plan, fft.Backend, threads: 2, Token);

        var output = StarFile.Read(summary.OutputStar);
        var names = output.Block("movies").RequireTable().Column(RelionLabels.MicrographMovieName);
        Assert.Equal(["out/a.mrcs", "out/b.mrcs", "out/sub/c.mrcs"], Enumerable.Range(0, 3).Select(names.GetString));
        double real = 64 * 1.0 / 48;
        Assert.Equal(real, PixelSizes.OfOpticsGroups(output)[0].MicrographOriginalPixelSize!.Value, 6);
        // binning by 2 kept
        Assert.Equal(2 * real, PixelSizes.OfOpticsGroups(output)[0].MicrographPixelSize!.Value, 6);
        using var movie = MrcFile.Open(project.File("out/sub/c.mrcs"));
        Assert.Equal(new Shape3(48, 48, 5), movie.Shape);
        Assert.Equal(real, movie.PixelSize.X, 5);
        Assert.All(summary.Results, r => Assert.Equal(ImageFileKind.Stack, r.Kind));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void ARelion30StarFileGetsMagnificationsForTheNewPixelSize(bool hasMagnification)
    {
        using var project = new TempDir();
        using var fft = RelionRescaleTests.FftwOrManaged();
        string columns = hasMagnification ? "_rlnMagnification #2\n_rlnDetectorPixelSize #3\n_rlnDefocusU #4"
            : "_rlnDefocusU #2";
        string Row(string name) => hasMagnification ? $"{name} 50000.000000 5.000000 15000.000000"
            : $"{name} 15000.000000";
        File.WriteAllText(project.File("mics.star"),
            $"\ndata_\n\nloop_\n_rlnMicrographName #1\n{columns}\n{Row("m1.mrc")}\n{Row("m2.mrc")}\n");
        WriteImage(project.File("m1.mrc"), new Shape3(100, 100, 1), 1.0, 1);
        WriteImage(project.File("m2.mrc"), new Shape3(100, 100, 1), 1.0, 2);

        var plan = StarRescalePlan.Create(project.File("mics.star"), project.File("rescaled"),
            new RescaleOptions { RescalePixelSize = 1.25 }, project.Path);
        var summary = StarRescale.Run(plan, fft.Backend, threads: 2, Token);

        var table = StarFile.Read(summary.OutputStar).Blocks.Single(b => b.Table is not null).RequireTable();
        for (int row = 0; row < 2; row++)
        {
            Assert.Equal(1.25, PixelSizes.FromRelion30Row(table, row)!.Value, 6);   // 100 -> 80 px: exactly 1.25
            Assert.Equal("15000.000000", table.Column(RelionLabels.DefocusU).Raw(row));
        }
        Assert.Equal("rescaled/m2.mrc", table.Column(RelionLabels.MicrographName).GetString(1));
    }

    [Fact]
    public void TiffMoviesAreRefusedWithAClearMessage()
    {
        Requires.SharedData();
        using var project = new TempDir();
        string star = CopyInto(project, "sppractice/Import/job001/movies.star");
        foreach (var name in Names(star, RelionLabels.MicrographMovieName))
            File.WriteAllBytes(EnsureFolder(Path.Combine(project.Path, name)), [0x49, 0x49, 0x2a, 0]);
        var e = Assert.Throws<CryoMergeInputException>(() => StarRescalePlan.Create(star, "out",
            new RescaleOptions { RescalePixelSize = 1.0 }, project.Path));
        Assert.Contains(".tiff files cannot be read", e.Problem);
    }

    [Fact]
    public void MissingFilesAreNamedBeforeAnyWork()
    {
        using var project = new TempDir();
        File.WriteAllText(project.File("mics.star"),
            "data_\nloop_\n_rlnMicrographName\nnot_here.mrc\nalso_missing.mrc\n");
        var e = Assert.Throws<CryoMergeInputException>(() => StarRescalePlan.Create(project.File("mics.star"), "out",
            new RescaleOptions { RescalePixelSize = 1.0 }, project.Path));
        Assert.Contains("2 of 2 listed files cannot be found", e.Problem);
        Assert.Contains("not_here.mrc", e.Problem);
        Assert.False(Directory.Exists(project.File("out")));
    }

    [Fact]
    public void AnOpticsGroupOfMicrographsOfDifferentSizesIsRefused()
    {
        using var project = new TempDir();
        File.WriteAllText(project.File("mics.star"),
            "data_optics\nloop_\n_rlnOpticsGroupName\n_rlnOpticsGroup\n_rlnMicrographPixelSize\ng1 1 " +
            "1.0\n\ndata_micrographs\nloop_\n_rlnMicrographName\n_rlnOpticsGroup\na.mrc 1\nb.mrc 1\n");
        WriteImage(project.File("a.mrc"), new Shape3(100, 100, 1), 1.0, 1);
        WriteImage(project.File("b.mrc"), new Shape3(90, 90, 1), 1.0, 2);
        var e = Assert.Throws<CryoMergeInputException>(() => StarRescalePlan.Create(project.File("mics.star"), "out",
            new RescaleOptions { RescalePixelSize = 1.3 }, project.Path));
        Assert.Contains("optics group 1 would end at two pixel sizes", e.Problem);
        // The spline method reaches the request exactly, whatever the size.
        var plan = StarRescalePlan.Create(project.File("mics.star"), "out", new RescaleOptions { RescalePixelSize = 1.3,
            Method = RescaleMethod.Spline }, project.Path);
        Assert.All(plan.Items, i => Assert.Equal(1.3, i.Plan.Image.OutputPixelSize));
    }

    [Fact]
    public void WritingOverTheListedFilesIsRefused()
    {
        using var project = new TempDir();
        File.WriteAllText(project.File("mics.star"), "data_\nloop_\n_rlnMicrographName\nMics/a.mrc\n");
        WriteImage(EnsureFolder(project.File("Mics/a.mrc")), new Shape3(40, 40, 1), 1.0, 1);
        var e = Assert.Throws<CryoMergeInputException>(() => StarRescalePlan.Create(project.File("mics.star"), "Mics",
            new RescaleOptions { RescalePixelSize = 1.3 }, project.Path));
        Assert.Contains("input", e.Problem);
    }

    [Fact]
    public void AHeaderThatDisagreesWithTheStarFileIsReportedAndTheStarValueUsed()
    {
        using var project = new TempDir();
        using var fft = RelionRescaleTests.FftwOrManaged();
        File.WriteAllText(project.File("mics.star"),
            "data_\nloop_\n_rlnMicrographName\n_rlnMagnification\n_rlnDetectorPixelSize\na.mrc 10000 1.31\n");
        WriteImage(project.File("a.mrc"), new Shape3(64, 64, 1), 1.0, 1);
        var plan = StarRescalePlan.Create(project.File("mics.star"), "out",
            new RescaleOptions { RescalePixelSize = 2.62 }, project.Path);
        Assert.Contains("header 1 A, STAR 1.31 A", Assert.Single(plan.Warnings));
        Assert.Equal(1.31, plan.Items[0].Plan.PixelSize.Value);
        Assert.Equal(new Shape3(32, 32, 1), plan.Items[0].Plan.OutputFileShape);
    }

    [Fact]
    public void AParticleStarFileIsNotAMicrographList()
    {
        Requires.SharedData();
        var e = Assert.Throws<CryoMergeInputException>(() =>
            StarRescalePlan.Create(TestFiles.RealFile("cryodrgn/relion31.star"), Path.GetTempPath(),
            new RescaleOptions { RescalePixelSize = 1.0 }));
        Assert.Contains("particles", e.Problem);
    }

    private static string[] Names(string star, string column)
    {
        var table = PixelSizes.DataBlock(StarFile.Read(star))!.RequireTable();
        return Enumerable.Range(0, table.RowCount).Select(r => table.Column(column).GetString(r)).ToArray();
    }

    private static string CopyInto(TempDir project, string real)
    {
        string target = EnsureFolder(Path.Combine(project.Path, real.Split('/', 2)[1]));
        File.Copy(TestFiles.RealFile(real), target);
        return target;
    }

    private static string EnsureFolder(string file)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        return file;
    }

    private static void WriteImage(string path, Shape3 shape, double pixel, int seed)
    {
        EnsureFolder(path);
        MrcWriter.WriteFile(path, shape, ImagingTestData.Noise(shape, seed).Data,
            new MrcWriteOptions { PixelSize = Vector3d.All(pixel) });
    }

    /// <summary>RELION 3.1.3 reads the new STAR file and finds the micrographs it names.</summary>
    private static void AssertRelionReads(string star, string project)
    {
        Requires.Relion("relion_star_handler");
        var run = Tool.Run("relion_star_handler", ["--i", star, "--o", Path.Combine(project, "check.star")],
            workingDirectory: project);
        Assert.True(run.ExitCode == 0, run.Stderr + run.Stdout);
        var check = StarFile.Read(Path.Combine(project, "check.star"));
        Assert.Equal(StarFile.Read(star).Block("micrographs").RequireTable().RowCount,
            check.Block("micrographs").RequireTable().RowCount);
    }
}
