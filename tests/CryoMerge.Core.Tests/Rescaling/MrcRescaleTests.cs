using System.Security.Cryptography;
using CryoMerge.Core.Formats;
using CryoMerge.Core.Imaging;
using CryoMerge.Core.Rescaling;
using CryoMerge.Core.Tests.Imaging;
using CryoMerge.Tests;

namespace CryoMerge.Core.Tests.Rescaling;

public sealed class MrcRescaleTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public void RescalingAMovieStreamsItsFramesWithMemoryIndependentOfItsLength()
    {
        using var dir = new TempDir();
        using var fft = RelionRescaleTests.FftwOrManaged();
        var options = new RescaleOptions { RescalePixelSize = 1.3, MaxImagesInFlight = 3, Threads = 2 };
        string shortMovie = MrcRescaleRelionTests.WriteStack(dir.File("short.mrcs"), new Shape3(64, 64, 12), 1.0, 1);
        string longMovie = MrcRescaleRelionTests.WriteStack(dir.File("long.mrcs"), new Shape3(64, 64, 300), 1.0, 2);
        var small = MrcRescale.Rescale(shortMovie, dir.File("short_out.mrcs"), options, fft.Backend, Token);
        var large = MrcRescale.Rescale(longMovie, dir.File("long_out.mrcs"), options, fft.Backend, Token);

        Assert.Equal(300, large.Images);
        Assert.Equal(3, large.Workers);
        Assert.InRange(large.PeakImagesInFlight, 1, 3);
        Assert.Equal(small.BufferBytes, large.BufferBytes);
        // Per worker: the frame (64 x 64 floats) and the half spectrum (64 x 33 complex), nothing per frame.
        Assert.True(large.BufferBytes <= 3 * (64 * 64 * 4 + 64 * 33 * 8), $"{large.BufferBytes} bytes of buffers");
        using var output = MrcFile.Open(dir.File("long_out.mrcs"));
        Assert.Equal(new Shape3(48, 48, 300), output.Shape);   // ROUND(64 / 1.3) = 49, floored to even
        Assert.Equal(MrcKind.ImageStack, output.Kind);
    }

    [Fact]
    public void TheMemoryBudgetDecidesHowManyFramesAreInFlight()
    {
        using var dir = new TempDir();
        using var fft = RelionRescaleTests.FftwOrManaged();
        string movie = MrcRescaleRelionTests.WriteStack(dir.File("m.mrcs"), new Shape3(128, 128, 20), 1.0, 9);
        long perWorker = ImageRescaler.WorkerBytes(ImageRescalePlan.Create(new Shape3(128, 128, 1), 1.0, 1.1, null,
            RescaleMethod.Fourier));
        RescaleResult Run(string name, long budget) => MrcRescale.Rescale(movie, dir.File(name),
            new RescaleOptions { RescalePixelSize = 1.1, MaxImagesInFlight = 8, MaxBufferBytes = budget },
            fft.Backend, Token);
        var tight = Run("tight.mrcs", 1);
        var two = Run("two.mrcs", 2 * perWorker + 1);
        var roomy = Run("roomy.mrcs", 1L << 30);
        Assert.Equal((1, 1), (tight.Workers, tight.PeakImagesInFlight));
        Assert.Equal(2, two.Workers);
        Assert.InRange(two.PeakImagesInFlight, 1, 2);
        Assert.Equal(8, roomy.Workers);
        Assert.InRange(roomy.PeakImagesInFlight, 1, 8);
        Assert.Equal(File.ReadAllBytes(dir.File("tight.mrcs")), File.ReadAllBytes(dir.File("roomy.mrcs")));
    }

    [Fact]
    public void FramesRescaledInParallelEqualFramesRescaledOneByOne()
    {
        using var dir = new TempDir();
        using var fft = RelionRescaleTests.FftwOrManaged();
        string movie = MrcRescaleRelionTests.WriteStack(dir.File("m.mrcs"), new Shape3(90, 70, 20), 1.0, 4);
        MrcRescale.Rescale(movie, dir.File("one.mrcs"), new RescaleOptions { RescalePixelSize = 1.21,
            MaxImagesInFlight = 1 }, fft.Backend, Token);
        MrcRescale.Rescale(movie, dir.File("four.mrcs"), new RescaleOptions { RescalePixelSize = 1.21,
            MaxImagesInFlight = 4 }, fft.Backend, Token);
        Assert.Equal(File.ReadAllBytes(dir.File("one.mrcs")), File.ReadAllBytes(dir.File("four.mrcs")));
    }

    [Fact]
    public void CancellingHalfWayLeavesNoFileAndTheInputUntouched()
    {
        using var dir = new TempDir();
        using var fft = RelionRescaleTests.FftwOrManaged();
        string movie = MrcRescaleRelionTests.WriteStack(dir.File("m.mrcs"), new Shape3(64, 64, 200), 1.0, 5);
        byte[] before = SHA256.HashData(File.ReadAllBytes(movie));
        using var cancel = new CancellationTokenSource();
        int done = 0;
        Assert.ThrowsAny<OperationCanceledException>(() => MrcRescale.Rescale(movie, dir.File("out.mrcs"),
            new RescaleOptions { RescalePixelSize = 1.5, MaxImagesInFlight = 2 }, fft.Backend, cancel.Token,
            _ => { if (Interlocked.Increment(ref done) == 50) cancel.Cancel(); }));
        Assert.InRange(done, 50, 199);
        AssertOnlyInputLeft(dir, movie, before);
    }

    [Fact]
    public void AFailureHalfWayLeavesNoFileUnderTheOutputName()
    {
        using var dir = new TempDir();
        using var fft = RelionRescaleTests.FftwOrManaged();
        string movie = MrcRescaleRelionTests.WriteStack(dir.File("m.mrcs"), new Shape3(64, 64, 100), 1.0, 6);
        byte[] before = SHA256.HashData(File.ReadAllBytes(movie));
        int done = 0;
        var e = Assert.Throws<CryoMergeInputException>(() => MrcRescale.Rescale(movie, dir.File("out.mrcs"),
            new RescaleOptions { RescalePixelSize = 1.5, MaxImagesInFlight = 3 }, fft.Backend, Token,
            _ => { if (Interlocked.Increment(ref done)
            == 30) throw new IOException($"No space left on device : '{dir.File(".out.mrcs.tmp")}'"); }));
        Assert.Equal(dir.File("out.mrcs"), e.File);
        Assert.Equal("not written: No space left on device; nothing was left under this name", e.Problem);
        AssertOnlyInputLeft(dir, movie, before);
    }

    [Fact]
    public void AHeaderWithoutPixelSizeNeedsAngpix()
    {
        using var dir = new TempDir();
        using var fft = RelionRescaleTests.FftwOrManaged();
        string input = dir.File("nopix.mrc");
        MrcWriter.WriteFile(input, new Shape3(40, 40, 1), new float[1600],
            new MrcWriteOptions { PixelSize = Vector3d.All(0) });
        var e = Assert.Throws<CryoMergeInputException>(() =>
            MrcRescale.Rescale(input, dir.File("out.mrc"), new RescaleOptions { RescalePixelSize = 2 },
            fft.Backend, Token));
        Assert.Equal(input, e.File);
        Assert.Contains("no pixel size", e.Problem);
        Assert.Contains("--angpix", e.Problem);
        Assert.False(File.Exists(dir.File("out.mrc")));

        var result = MrcRescale.Rescale(input, dir.File("out.mrc"),
            new RescaleOptions { PixelSize = new PixelSizeAnswer(1, "--angpix"), RescalePixelSize = 2 },
            fft.Backend, Token);
        Assert.Equal(2.0, result.PixelSize);
        Assert.Equal("--angpix", result.PixelSizeSource);
    }

    [Theory]
    [InlineData(RescaleMethod.Fourier)]
    [InlineData(RescaleMethod.Spline)]
    public void ATargetThatLeavesLessThanTwoPixelsIsRefused(RescaleMethod method)
    {
        using var dir = new TempDir();
        using var fft = RelionRescaleTests.FftwOrManaged();
        string input = MrcRescaleRelionTests.WriteStack(dir.File("p.mrcs"), new Shape3(20, 20, 2), 1.0, 1);
        var e = Assert.Throws<CryoMergeInputException>(() =>
            MrcRescale.Rescale(input, dir.File("out.mrcs"), new RescaleOptions { RescalePixelSize = 15,
            Method = method }, fft.Backend, Token));
        Assert.Contains("at least 2 are needed", e.Problem);
        Assert.False(File.Exists(dir.File("out.mrcs")));
    }

    [Fact]
    public void TheOutputCannotBeTheInput()
    {
        using var dir = new TempDir();
        using var fft = RelionRescaleTests.FftwOrManaged();
        string input = MrcRescaleRelionTests.WriteStack(dir.File("p.mrcs"), new Shape3(20, 20, 2), 1.0, 1);
        byte[] before = SHA256.HashData(File.ReadAllBytes(input));
        var e = Assert.Throws<CryoMergeInputException>(() =>
            MrcRescale.Rescale(input, Path.Combine(dir.Path, ".", "p.mrcs"),
            new RescaleOptions { RescalePixelSize = 2 }, fft.Backend, Token));
        Assert.Contains("overwrite the input", e.Problem);
        AssertOnlyInputLeft(dir, input, before);
    }

    [Fact]
    public void TheSplineMethodReachesTheRequestedPixelSizeExactly()
    {
        using var dir = new TempDir();
        using var fft = RelionRescaleTests.FftwOrManaged();
        string map = dir.File("map.mrc");
        var g = ImagingTestData.Noise(new Shape3(40, 30, 20), 2);
        MrcWriter.WriteFile(map, g.Shape, g.Data, new MrcWriteOptions { PixelSize = Vector3d.All(1.0) });
        var result = MrcRescale.Rescale(map, dir.File("out.mrc"), new RescaleOptions { RescalePixelSize = 1.13,
            Method = RescaleMethod.Spline }, fft.Backend, Token);
        Assert.Equal(new Shape3(35, 27, 18), result.OutputShape);   // ROUND(N / 1.13) per axis, odd sizes allowed
        Assert.Equal(1.13, result.PixelSize);
        Assert.False(result.DiffersFromRequest);
        Assert.Null(result.Warning);
        using var output = MrcFile.Open(dir.File("out.mrc"));
        Assert.Equal(1.13, output.PixelSize.X, 5);
        Assert.Equal(1.13, output.PixelSize.Z, 5);
    }

    [Theory]
    [InlineData(RescaleMethod.Spline, 40)]
    [InlineData(RescaleMethod.Spline, 70)]
    [InlineData(RescaleMethod.Fourier, 70)]
    public void TheNewBoxWindowsTheRescaledImagesAboutTheirCentre(RescaleMethod method, int box)
    {
        using var dir = new TempDir();
        using var fft = RelionRescaleTests.FftwOrManaged();
        string input = MrcRescaleRelionTests.WriteStack(dir.File("p.mrcs"), new Shape3(64, 60, 3), 1.0, 8);
        MrcRescale.Rescale(input, dir.File("plain.mrcs"), new RescaleOptions { RescalePixelSize = 1.1,
            Method = method }, fft.Backend, Token);
        MrcRescale.Rescale(input, dir.File("boxed.mrcs"), new RescaleOptions { RescalePixelSize = 1.1, Method = method,
            NewBox = box }, fft.Backend, Token);
        using var plain = MrcFile.Open(dir.File("plain.mrcs"));
        using var boxed = MrcFile.Open(dir.File("boxed.mrcs"));
        Assert.Equal(new Shape3(box, box, 3), boxed.Shape);
        var imageShape = new Shape3(plain.Shape.X, plain.Shape.Y, 1);
        for (int z = 0; z < 3; z++)
        {
            var expected = RealSpaceWindow.Window(new Grid(imageShape, plain.ReadSection(z)), new Shape3(box, box, 1));
            Assert.Equal(expected.Data, boxed.ReadSection(z));
        }
    }

    [Fact]
    public void TheFourierMethodOnANonCubicMapPointsToTheSplineMethod()
    {
        using var dir = new TempDir();
        using var fft = RelionRescaleTests.FftwOrManaged();
        string map = dir.File("map.mrc");
        MrcWriter.WriteFile(map, new Shape3(40, 30, 20), new float[40 * 30 * 20],
            new MrcWriteOptions { PixelSize = Vector3d.All(1.0) });
        var e = Assert.Throws<CryoMergeInputException>(() =>
            MrcRescale.Rescale(map, dir.File("out.mrc"), new RescaleOptions { RescalePixelSize = 1.2 },
            fft.Backend, Token));
        Assert.Contains("spline", e.Problem);
    }

    [Fact]
    public void AMissedRequestIsReportedWithBetterBoxes()
    {
        using var dir = new TempDir();
        using var fft = RelionRescaleTests.FftwOrManaged();
        string input = MrcRescaleRelionTests.WriteStack(dir.File("p.mrcs"), new Shape3(100, 100, 1), 1.0, 1);
        var result = MrcRescale.Rescale(input, dir.File("out.mrcs"), new RescaleOptions { RescalePixelSize = 1.01 },
            fft.Backend, Token);
        Assert.Equal(98, result.OutputShape.X);
        Assert.Equal(100.0 / 98, result.PixelSize, 12);
        Assert.True(result.DiffersFromRequest);
        Assert.NotEmpty(result.BetterBoxes);
        Assert.All(result.BetterBoxes,
            b => Assert.True(Math.Abs(b.PixelSize - 1.01) < Math.Abs(result.PixelSize - 1.01)));
        Assert.Contains("reached 1.020408 A/px", result.Warning);
    }

    [Fact]
    public void TheBoxCentreStaysWhereItWasInTheHeaderOrigin()
    {
        using var dir = new TempDir();
        using var fft = RelionRescaleTests.FftwOrManaged();
        string map = dir.File("map.mrc");
        MrcWriter.WriteFile(map, new Shape3(31, 31, 31), new float[31 * 31 * 31],
            new MrcWriteOptions { PixelSize = Vector3d.All(1.0), Origin = new Vector3d(10, 20, 30) });
        MrcRescale.Rescale(map, dir.File("out.mrc"), new RescaleOptions { RescalePixelSize = 1.5,
            Method = RescaleMethod.Spline }, fft.Backend, Token);
        using var output = MrcFile.Open(dir.File("out.mrc"));
        // Centre voxel 15 at 1 A (15 A from voxel 0) becomes voxel 10 at 1.5 A (15 A): origin unchanged here.
        Assert.Equal(new Shape3(21, 21, 21), output.Shape);
        Assert.Equal(10, output.Origin.X, 4);
        Assert.Equal(30, output.Origin.Z, 4);
    }

    private static void AssertOnlyInputLeft(TempDir dir, string input, byte[] hashBefore)
    {
        Assert.Equal([Path.GetFileName(input)], Directory.GetFiles(dir.Path).Select(Path.GetFileName));
        Assert.Equal(hashBefore, SHA256.HashData(File.ReadAllBytes(input)));
    }
}
