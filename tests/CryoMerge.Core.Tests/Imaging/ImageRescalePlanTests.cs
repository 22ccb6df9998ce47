using CryoMerge.Core.Imaging;

namespace CryoMerge.Core.Tests.Imaging;

/// <summary>The shapes and pixel sizes relion_image_handler --rescale_angpix / --new_box gives (checked against RELION
/// in MrcRescaleRelionTests).</summary>
public sealed class ImageRescalePlanTests
{
    [Theory]
    // pad to 80^2, 62^2, window back to ROUND(60 / 1.2903) = 47 -> 46
    [InlineData(80, 60, 1, 1.3, null, 62, 46, 1)]
    [InlineData(80, 60, 1, 1.3, 70, 70, 70, 1)]        // then the new box makes it square
    [InlineData(80, 60, 1, 1.3, 62, 62, 46, 1)]        // new box equal to X: RELION leaves it alone
    [InlineData(80, 60, 1, null, 70, 70, 70, 1)]       // new box alone
    [InlineData(80, 60, 1, null, 80, 80, 60, 1)]       // new box alone, equal to X: nothing happens
    [InlineData(100, 100, 100, 2.0, 64, 64, 64, 64)]   // a map: 50^3 padded to 64^3
    public void TheNewBoxFollowsRelionsRule(int x, int y, int z, double? requested, int? newBox, int ox, int oy, int oz)
    {
        var plan = ImageRescalePlan.Create(new Shape3(x, y, z), 1.0, requested, newBox, RescaleMethod.Fourier);
        Assert.Null(plan.Problem);
        Assert.Equal(new Shape3(ox, oy, oz), plan.OutputShape);
        if (requested is null) Assert.Equal(1.0, plan.OutputPixelSize);
    }

    [Fact]
    public void TheSplineMethodRoundsEachAxisAndKeepsTheRequest()
    {
        var plan = ImageRescalePlan.Create(new Shape3(35, 52, 47), 1.34, 1.0, null, RescaleMethod.Spline);
        // the DAQ zone at 1.34 A resampled to 1.0 A (their file: 46 x 69 x 62)
        Assert.Equal(new Shape3(47, 70, 63), plan.OutputShape);
        Assert.Equal(1.0, plan.OutputPixelSize);
        Assert.Equal(0, plan.RelativeError);
    }

    [Fact]
    public void ProblemsAreReportedNotThrown()
    {
        Assert.Contains("cubic", ImageRescalePlan.Create(new Shape3(35, 52, 47), 1.34, 1.0, null,
            RescaleMethod.Fourier).Problem);
        Assert.Contains("box of 0 pixels", ImageRescalePlan.Create(new Shape3(64, 64, 1), 1.0, 100, null,
            RescaleMethod.Fourier).Problem);
        Assert.Contains("box of 1 pixels", ImageRescalePlan.Create(new Shape3(64, 64, 1), 1.0, 50, null,
            RescaleMethod.Spline).Problem);
    }

    [Theory]
    [InlineData(64, 64, 1, 1.3, null, RescaleMethod.Fourier)]
    [InlineData(80, 60, 1, 1.3, 70, RescaleMethod.Fourier)]
    [InlineData(64, 64, 1, 0.7, null, RescaleMethod.Fourier)]
    [InlineData(40, 40, 40, 1.2, 44, RescaleMethod.Fourier)]
    [InlineData(80, 60, 1, 1.3, 70, RescaleMethod.Spline)]
    [InlineData(30, 20, 10, 0.8, null, RescaleMethod.Spline)]
    [InlineData(80, 60, 1, null, 70, RescaleMethod.Fourier)]
    public void TheMemoryEstimateIsWhatAWorkerAllocates(int x, int y, int z, double? requested, int? box,
        RescaleMethod method)
    {
        using var fft = RelionRescaleTests.FftwOrManaged();
        var plan = ImageRescalePlan.Create(new Shape3(x, y, z), 1.0, requested, box, method);
        var rescaler = new ImageRescaler(fft.Backend, plan, threads: 1);
        Assert.Equal(rescaler.BufferBytes + 4L * rescaler.FrameLength, ImageRescaler.OwnBytes(plan));
        Assert.True(ImageRescaler.WorkerBytes(plan) >= ImageRescaler.OwnBytes(plan));
    }

    [Fact]
    public void WithTheDefaultBudgetLargeMovieFramesGoOneAtATimeAndParticlesInParallel()
    {
        long budget = CryoMerge.Core.Rescaling.RescaleOptions.DefaultMaxBufferBytes;
        var frame = ImageRescalePlan.Create(new Shape3(4096, 4096, 1), 1.0, 1.1, null, RescaleMethod.Fourier);
        var particle = ImageRescalePlan.Create(new Shape3(256, 256, 1), 1.0, 1.1, null, RescaleMethod.Fourier);
        Assert.InRange(ImageRescaler.WorkerBytes(frame), budget / 2 + 1, budget);
        Assert.True(ImageRescaler.WorkerBytes(particle) * 64 < budget);
    }

    [Theory]
    [InlineData(256, 256, 1, 256.0, 2.6)]     // a damaged header: 256 A pixels asked for at 2.6 A (98 x larger)
    [InlineData(4096, 4096, 1, 1.0, 0.15)]    // 6.7 x larger, but 27307^2 pixels: more than one section holds
    [InlineData(100, 100, 100, 1.0, 0.04)]    // a map 25 x larger
    public void AnAbsurdEnlargementIsAProblemNotAnAllocation(int x, int y, int z, double pixel, double requested)
    {
        foreach (var method in new[] { RescaleMethod.Fourier, RescaleMethod.Spline })
        {
            var plan = ImageRescalePlan.Create(new Shape3(x, y, z), pixel, requested, null, method);
            Assert.NotNull(plan.Problem);
            Assert.Contains("too large to process; check both pixel sizes", plan.Problem);
        }
        // Four times larger, a real upsampling, is fine.
        Assert.Null(ImageRescalePlan.Create(new Shape3(256, 256, 1), 4.0, 1.0, null, RescaleMethod.Fourier).Problem);
    }
}
