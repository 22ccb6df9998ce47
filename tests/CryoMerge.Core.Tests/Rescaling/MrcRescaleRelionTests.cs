using CryoMerge.Core.Formats;
using CryoMerge.Core.Imaging;
using CryoMerge.Core.Rescaling;
using CryoMerge.Core.Tests.Imaging;
using CryoMerge.Tests;

namespace CryoMerge.Core.Tests.Rescaling;

/// <summary>
/// Whole files rescaled by <see cref="MrcRescale"/> against relion_image_handler --rescale_angpix / --new_box on
/// the same files: real maps, and generated micrographs, particle stacks and movies.
/// </summary>
public sealed class MrcRescaleRelionTests
{
    public static TheoryData<string, double?, int?> RealMaps() => new()
    {
        { "ngl/betaGal.mrc", 4.0, null },
        { "sfftk/emd_1832.map", 4.6, 84 },
        { "tempy/emd_5170.map", 1.742, null },
        { "ngl/betaGal.mrc", null, 120 },      // --new_box alone: pad, pixel size unchanged
        { "tempy/emd_5168.map", 2.0, 100 },    // rescaled box 88 padded back to 100
    };

    [Theory]
    [MemberData(nameof(RealMaps))]
    public void RescalingARealMapEqualsRelion(string map, double? requested, int? newBox)
    {
        Requires.SharedData();
        Requires.Relion();
        using var dir = new TempDir();
        using var fft = RelionRescaleTests.FftwOrManaged();
        string input = TestFiles.RealFile(map);
        RelionComparison.RunRelion(input, dir.File("relion.mrc"), requested, newBox);
        var result = MrcRescale.Rescale(input, dir.File("ours.mrc"), new RescaleOptions { RescalePixelSize = requested,
            NewBox = newBox }, fft.Backend, TestContext.Current.CancellationToken);
        Assert.Equal(ImageFileKind.Map, result.Kind);
        RelionComparison.AssertSame(dir.File("relion.mrc"), dir.File("ours.mrc"), perImage: false);
    }

    [Theory]
    [InlineData(300, 200, 1.3, null)]
    [InlineData(190, 250, 2.2, null)]
    [InlineData(256, 256, 0.77, null)]
    [InlineData(80, 60, 1.3, 70)]     // non-square, then the new box: windowed twice, as RELION does
    [InlineData(80, 60, 1.3, 62)]     // new box equal to X: RELION leaves the image alone
    [InlineData(80, 60, null, 70)]    // new box alone
    public void RescalingAGeneratedMicrographEqualsRelion(int nx, int ny, double? requested, int? newBox)
    {
        Requires.Relion();
        using var dir = new TempDir();
        using var fft = RelionRescaleTests.FftwOrManaged();
        string input = dir.File("mic.mrc");
        var g = ImagingTestData.Noise(new Shape3(nx, ny, 1), nx + ny);
        MrcWriter.WriteFile(input, g.Shape, g.Data, new MrcWriteOptions { PixelSize = Vector3d.All(1.0) });
        RelionComparison.RunRelion(input, dir.File("relion.mrc"), requested, newBox);
        var result = MrcRescale.Rescale(input, dir.File("ours.mrc"), new RescaleOptions { RescalePixelSize = requested,
            NewBox = newBox }, fft.Backend, TestContext.Current.CancellationToken);
        Assert.Equal(ImageFileKind.Image, result.Kind);
        RelionComparison.AssertSame(dir.File("relion.mrc"), dir.File("ours.mrc"), perImage: false);
    }

    [Theory]
    [InlineData(64, 64, 25, 1.3, null)]
    [InlineData(64, 64, 25, 1.3, 40)]
    [InlineData(48, 48, 10, 0.85, null)]
    public void RescalingAGeneratedParticleStackEqualsRelion(int nx, int ny, int images, double requested, int? newBox)
    {
        Requires.Relion();
        using var dir = new TempDir();
        using var fft = RelionRescaleTests.FftwOrManaged();
        string input = WriteStack(dir.File("particles.mrcs"), new Shape3(nx, ny, images), 1.0, seed: images);
        RelionComparison.RunRelion(input, dir.File("relion.mrcs"), requested, newBox);
        var result = MrcRescale.Rescale(input, dir.File("ours.mrcs"), new RescaleOptions { RescalePixelSize = requested,
            NewBox = newBox, Threads = 2 }, fft.Backend, TestContext.Current.CancellationToken);
        Assert.Equal(ImageFileKind.Stack, result.Kind);
        Assert.Equal(images, result.Images);
        RelionComparison.AssertSame(dir.File("relion.mrcs"), dir.File("ours.mrcs"), perImage: true);
    }

    [Theory]
    [InlineData(200, 150, 8, 1.05, 1.7)]
    [InlineData(128, 128, 6, 0.885, 1.06)]
    public void RescalingAGeneratedMovieEqualsRelion(int nx, int ny, int frames, double pixel, double requested)
    {
        Requires.Relion();
        using var dir = new TempDir();
        using var fft = RelionRescaleTests.FftwOrManaged();
        string input = WriteStack(dir.File("movie.mrcs"), new Shape3(nx, ny, frames), pixel, seed: frames);
        RelionComparison.RunRelion(input, dir.File("relion.mrcs"), requested);
        var result = MrcRescale.Rescale(input, dir.File("ours.mrcs"), new RescaleOptions { RescalePixelSize = requested,
            MaxImagesInFlight = 3 }, fft.Backend, TestContext.Current.CancellationToken);
        Assert.Equal(frames, result.Images);
        RelionComparison.AssertSame(dir.File("relion.mrcs"), dir.File("ours.mrcs"), perImage: true);
    }

    [Theory]
    [InlineData(0, "int8")]
    [InlineData(1, "int16")]
    [InlineData(6, "uint16")]
    public void RescalingAnIntegerMovieEqualsRelion(int mode, string type)
    {
        // Detectors write counts: movies in MRC modes 0, 1 and 6 (written here by python3-mrcfile).
        Requires.Relion();
        Requires.Mrcfile();
        using var dir = new TempDir();
        using var fft = RelionRescaleTests.FftwOrManaged();
        string input = dir.File("counts.mrcs");
        var script =
            $"import mrcfile, numpy as np\nr = np.random.default_rng({mode})\nwith mrcfile.new('{input}') as m:\n"
                     + $"    m.set_data(r.poisson(3, (5, 128, 100)).astype(np.{type}))\n    m.voxel_size = 1.0\n";
        var made = Tool.Run(Requires.DebianPython, ["-c", script]);
        Assert.True(made.ExitCode == 0, made.Stderr);
        using (var check = MrcFile.Open(input)) Assert.Equal(mode, (int)check.Mode);
        RelionComparison.RunRelion(input, dir.File("relion.mrcs"), 1.4);
        MrcRescale.Rescale(input, dir.File("ours.mrcs"), new RescaleOptions { RescalePixelSize = 1.4 }, fft.Backend,
            TestContext.Current.CancellationToken);
        RelionComparison.AssertSame(dir.File("relion.mrcs"), dir.File("ours.mrcs"), perImage: true);
    }

    [Fact]
    public void AnAngpixOverrideIsUsedAsRelionUsesIt()
    {
        Requires.Relion();
        using var dir = new TempDir();
        using var fft = RelionRescaleTests.FftwOrManaged();
        string input = WriteStack(dir.File("p.mrcs"), new Shape3(50, 50, 4), 1.0, seed: 3);
        RelionComparison.RunRelion(input, dir.File("relion.mrcs"), 2.0, angpix: 1.31);
        MrcRescale.Rescale(input, dir.File("ours.mrcs"), new RescaleOptions { PixelSize = new PixelSizeAnswer(1.31,
            "--angpix"), RescalePixelSize = 2.0 }, fft.Backend, TestContext.Current.CancellationToken);
        RelionComparison.AssertSame(dir.File("relion.mrcs"), dir.File("ours.mrcs"), perImage: true);
    }

    internal static string WriteStack(string path, Shape3 shape, double pixel, int seed)
    {
        var g = ImagingTestData.Noise(shape, seed);
        MrcWriter.WriteFile(path, shape, g.Data, new MrcWriteOptions { PixelSize = Vector3d.All(pixel),
            IsStack = true });
        return path;
    }
}
