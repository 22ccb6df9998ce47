using CryoMerge.Core.Imaging;

namespace CryoMerge.Core.Tests.Imaging;

/// <summary>The shapes and pixel sizes relion_image_handler --rescale_angpix / --new_box gives (checked against RELION in MrcRescaleRelionTests).</summary>
public sealed class ImageRescalePlanTests
{
    [Theory]
    [InlineData(80, 60, 1, 1.3, null, 62, 46, 1)]      // pad to 80^2, 62^2, window back to ROUND(60 / 1.2903) = 47 -> 46
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
        Assert.Equal(new Shape3(47, 70, 63), plan.OutputShape);   // the DAQ zone at 1.34 A resampled to 1.0 A (their file: 46 x 69 x 62)
        Assert.Equal(1.0, plan.OutputPixelSize);
        Assert.Equal(0, plan.RelativeError);
    }

    [Fact]
    public void ProblemsAreReportedNotThrown()
    {
        Assert.Contains("cubic", ImageRescalePlan.Create(new Shape3(35, 52, 47), 1.34, 1.0, null, RescaleMethod.Fourier).Problem);
        Assert.Contains("box of 0 pixels", ImageRescalePlan.Create(new Shape3(64, 64, 1), 1.0, 100, null, RescaleMethod.Fourier).Problem);
        Assert.Contains("box of 1 pixels", ImageRescalePlan.Create(new Shape3(64, 64, 1), 1.0, 50, null, RescaleMethod.Spline).Problem);
    }
}
