using CryoMerge.Core.Formats;
using CryoMerge.Core.Imaging;
using CryoMerge.Tests;

namespace CryoMerge.Core.Tests.Imaging;

/// <summary>Our Fourier resize and window against relion_image_handler --rescale_angpix / --new_box on the same
/// files.</summary>
public sealed class RelionRescaleTests
{
    [Theory]
    [InlineData(100, 1.0, 1.01, 98, 1.0204081632653061)]
    [InlineData(100, 1.0, 0.99, 100, 1.0)]
    [InlineData(100, 1.0, 1.005, 100, 1.0)]
    [InlineData(560, 0.88, 1.12, 440, 1.12)]
    [InlineData(100, 3.54, 4.0, 88, 4.0227272727272725)]
    public void BoxRuleIsRoundThenFloorToEven(int n, double angpix, double requested, int expectedBox,
        double expectedPixel)
    {
        var plan = RelionRescale.Plan(new Shape3(n, n, n), angpix, requested);
        Assert.Equal(expectedBox, plan.NewSize);
        Assert.Equal(expectedPixel, plan.RealPixelSize, 12);
    }

    [Fact]
    public void NonSquareImagesArePaddedToASquareAndWindowedBack()
    {
        var plan = RelionRescale.Plan(new Shape3(300, 200, 1), 1.0, 1.3);
        Assert.Equal(300, plan.OldSize);
        Assert.Equal(230, plan.NewSize);
        Assert.Equal(new Shape3(230, 152, 1), plan.OutputShape);
    }

    [Fact]
    public void BetterBoxesAreCloserToTheRequest()
    {
        var plan = RelionRescale.Plan(new Shape3(100, 100, 100), 1.0, 1.013);
        var better = RelionRescale.BetterBoxes(plan);
        Assert.NotEmpty(better);
        Assert.All(better, b => Assert.True(Math.Abs(b.RealPixelSize - 1.013) < Math.Abs(plan.RealPixelSize - 1.013)));
    }

    [Fact]
    public void WindowKeepsTheCentreAtHalfTheBox()
    {
        var g = new Grid(new Shape3(5, 4, 1));
        for (int i = 0; i < g.Data.Length; i++) g.Data[i] = i;
        var w = RealSpaceWindow.Window(g, new Shape3(3, 6, 1));
        // Input centre (2, 2) -> output centre (1, 3).
        Assert.Equal(g[2, 2], w[1, 3]);
        Assert.Equal(g[1, 0], w[0, 1]);
        Assert.Equal(0f, w[0, 0]);
        Assert.Equal(0f, w[2, 5]);
    }

    [Fact]
    public void ResizingToTheSameBoxAndBackPreservesBandLimitedValues()
    {
        using var fft = FftwOrManaged();
        var g = ImagingTestData.BandLimited(new Shape3(64, 64, 1), 5, 0.2);
        var up = FourierResize.Resize(fft.Backend, g, 96);
        var back = FourierResize.Resize(fft.Backend, up, 64);
        var (d, i) = ImagingTestData.MaxDifference(g.Data, back.Data);
        Assert.True(d < 1e-4 * ImagingTestData.StdDev(g.Data), $"voxel {i}: {g.Data[i]} vs {back.Data[i]}");
        Assert.Equal(g.Data.Average(), up.Data.Average(), 5);   // values, not integrals, are preserved
    }

    public static TheoryData<string, double, int?> RealMaps() => new()
    {
        { "ngl/betaGal.mrc", 4.0, null },
        { "ngl/betaGal.mrc", 3.0, null },
        { "sfftk/emd_1832.map", 4.6, 84 },
        { "sfftk/emd_5625.map", 4.23, 64 },
        { "tempy/emd_5170.map", 1.742, null },
        { "mrcfile/EMD-3197.map", 9.5, null },
    };

    [Theory]
    [MemberData(nameof(RealMaps))]
    public void RescalingRealMapsEqualsRelionImageHandler(string map, double requested, int? newBox)
    {
        Requires.SharedData();
        Requires.Relion();
        using var dir = new TempDir();
        using var fft = FftwOrManaged();
        string input = TestFiles.RealFile(map);
        string relionOut = dir.File("relion.mrc");
        var args = new List<string> { "--i", input + (map.EndsWith(".map") ? ":mrc" : ""), "--o", relionOut,
            "--rescale_angpix", requested.ToString(System.Globalization.CultureInfo.InvariantCulture) };
        if (newBox is int b) args.AddRange(["--new_box", b.ToString()]);
        var run = Tool.Run("relion_image_handler", args);
        Assert.True(run.ExitCode == 0, run.Stderr);

        using var source = MrcFile.Open(input);
        var plan = RelionRescale.Plan(source.Shape, source.PixelSize.X, requested);
        var ours = RelionRescale.Apply(fft.Backend, new Grid(source.Shape, source.ReadAll()), plan);
        if (newBox is int box) ours = RealSpaceWindow.Window(ours, new Shape3(box, box, box));

        using var relion = MrcFile.Open(relionOut);
        Assert.Equal(relion.Shape, ours.Shape);
        Assert.Equal(relion.PixelSize.X, plan.RealPixelSize, 5);
        var theirs = relion.ReadAll();
        var (d, i) = ImagingTestData.MaxDifference(theirs, ours.Data);
        double tolerance = 1e-5 * ImagingTestData.StdDev(theirs);
        Assert.True(d <= tolerance,
            $"{map}: voxel {i}: RELION {theirs[i]}, ours {ours.Data[i]} (difference {d:G3} > {tolerance:G3})");
    }

    [Theory]
    [InlineData(300, 200, 1.3)]
    [InlineData(256, 256, 0.77)]
    [InlineData(190, 250, 2.2)]
    public void RescalingGeneratedMicrographsEqualsRelionImageHandler(int nx, int ny, double requested)
    {
        Requires.Relion();
        using var dir = new TempDir();
        using var fft = FftwOrManaged();
        var g = ImagingTestData.Noise(new Shape3(nx, ny, 1), nx + ny);
        string input = dir.File("mic.mrc");
        MrcWriter.WriteFile(input, g.Shape, g.Data, new MrcWriteOptions { PixelSize = Vector3d.All(1.0) });
        var run = Tool.Run("relion_image_handler", ["--i", input, "--o", dir.File("relion.mrc"), "--rescale_angpix",
            requested.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        Assert.True(run.ExitCode == 0, run.Stderr);

        var plan = RelionRescale.Plan(g.Shape, 1.0, requested);
        var ours = RelionRescale.Apply(fft.Backend, g, plan);
        using var relion = MrcFile.Open(dir.File("relion.mrc"));
        Assert.Equal(relion.Shape, ours.Shape);
        var theirs = relion.ReadAll();
        var (d, i) = ImagingTestData.MaxDifference(theirs, ours.Data);
        Assert.True(d <= 1e-5 * ImagingTestData.StdDev(theirs), $"voxel {i}: RELION {theirs[i]}, ours {ours.Data[i]}");
    }

    /// <summary>The FFTW backend where installed (CI installs it), else managed; disposes plans.</summary>
    internal static FftHolder FftwOrManaged() => new(FftBackends.Create());

    internal sealed class FftHolder(IFftBackend backend) : IDisposable
    {
        public IFftBackend Backend { get; } = backend;
        public void Dispose() => (Backend as IDisposable)?.Dispose();
    }
}
