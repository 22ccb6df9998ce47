using CryoMerge.Core.Extraction;

namespace CryoMerge.Core.Tests.Extraction;

public sealed class ExtractionSettingsTests
{
    [Fact]
    public void TheBackgroundDiameterIsInPixelsBeforeScalingAsInRelionsGui()
    {
        // The paper: box 560 -> 440 -> 420 with a 400-pixel circle before scaling: radius (int)(200 x 440 / 560) = 157.
        var s = ExtractionSettings.Create(560, 440, 420, 400, null, true, true, true, new List<string>());
        Assert.Equal(157, s.BackgroundRadius);
        Assert.Equal(420, s.OutputSize);
        Assert.Equal(0.88 * 560 / 440, s.OutputPixelSize(0.88), 1e-12);
    }

    [Fact]
    public void WithoutADiameterTheCircleIsThreeQuartersOfTheBox()
    {
        Assert.Equal(210, ExtractionSettings.Create(560, null, null, null, null, true, true, false,
            new List<string>()).BackgroundRadius);
        Assert.Equal(165, ExtractionSettings.Create(560, 440, null, null, null, true, true, false,
            new List<string>()).BackgroundRadius);
        Assert.Equal(37, ExtractionSettings.Create(128, 100, 96, -1, null, true, true, false,
            new List<string>()).BackgroundRadius);
    }

    [Fact]
    public void ARadiusIsTakenAsGivenInFinalPixels() =>
        Assert.Equal(150, ExtractionSettings.Create(560, 440, 420, null, 150, true, true, false,
        new List<string>()).BackgroundRadius);

    [Fact]
    public void OddSizesBecomeEvenWithAWarning()
    {
        var warnings = new List<string>();
        var s = ExtractionSettings.Create(101, 81, 71, null, null, true, true, false, warnings);
        Assert.Equal((102, 82, 72), (s.Box, s.Scale!.Value, s.Window!.Value));
        Assert.Equal(3, warnings.Count);
        Assert.Contains("--box 101 is odd; using 102", warnings[0]);
    }

    [Fact]
    public void AWindowLargerThanTheScaledBoxIsRefused()
    {
        var e = Assert.Throws<CryoMergeInputException>(() => ExtractionSettings.Create(560, 440, 460, null, null, true,
            true, false, new List<string>()));
        Assert.Equal("--window", e.File);
        Assert.Contains("larger than the 440-pixel box after scaling", e.Problem);
    }

    [Fact]
    public void ScalingAboveTheBoxIsAllowed()
    {
        var s = ExtractionSettings.Create(200, 256, 240, null, null, true, true, false, new List<string>());
        Assert.Equal(240, s.OutputSize);
        Assert.Equal(1.0 * 200 / 256, s.OutputPixelSize(1.0), 1e-12);
    }

    [Fact]
    public void ABackgroundCircleWiderThanTheImagesIsRefused()
    {
        var e = Assert.Throws<CryoMergeInputException>(() => ExtractionSettings.Create(560, 440, 300, 500, null, true,
            true, false, new List<string>()));
        Assert.Equal("--bg-diameter", e.File);
        Assert.Contains("does not fit in the 300-pixel images", e.Problem);
        // Without normalisation there is no circle to fit.
        ExtractionSettings.Create(560, 440, 300, 500, null, false, true, false, new List<string>());
    }

    [Fact]
    public void DiameterAndRadiusTogetherAreRefused() =>
        Assert.Throws<CryoMergeInputException>(() => ExtractionSettings.Create(100, null, null, 60, 30, true, true,
        false, new List<string>()));
}
