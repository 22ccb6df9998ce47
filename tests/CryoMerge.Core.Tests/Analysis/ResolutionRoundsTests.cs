using CryoMerge.Core.Analysis;

namespace CryoMerge.Core.Tests.Analysis;

/// <summary>Step 3b, refine at full resolution: FSC-weighted whitened rounds that reach the true scale.</summary>
public sealed class ResolutionRoundsTests
{
    [Fact]
    public void FromHalfAPercentOffTwoRoundsReachTheTruePixelSizeWithinATenthOfAPercent()
    {
        var (pair, frame) = SyntheticMapPairs.Small;
        var start = frame.AtLogScale(pair.TruePose, pair.TruePose.LogScale + 0.005);
        var lines = new List<string>();
        var fit = ResolutionRounds.Run(frame, start, new ScaleRange(0.1), new ScaleFitOptions(), lines.Add);
        double error = fit.Pose.Scale * pair.Map.PixelSize / pair.TruePixelSize - 1;
        Assert.True(Math.Abs(error) < 1e-3, $"error {error * 100:0.####} %");
        Assert.Equal(ResolutionRounds.Rounds, fit.RoundLogScales.Count);
        Assert.Equal(fit.Pose.LogScale, fit.RoundLogScales[^1]);
        Assert.Equal(Math.Abs(fit.RoundLogScales[1] - fit.RoundLogScales[0]), fit.FilterSensitivity);
        Assert.False(fit.AtScaleBound);
        Assert.True(fit.Score.Correlation > 0.8, $"correlation {fit.Score.Correlation}");
        // The band ends where the maps' FSC does, between the finest allowed and the maps' low-pass (4.6 and 4.8 A).
        Assert.InRange(fit.Level.Filters.Resolution, frame.FinestResolution, 8);
        Assert.Equal(2, lines.Count(l => l.StartsWith("round ")));
        Assert.DoesNotContain(lines, l => l.Contains("shell"));
    }

    [Fact]
    public void AskedForItEachRoundLogsTheAmplitudeMatchShellByShell()
    {
        var (pair, frame) = SyntheticMapPairs.Small;
        var lines = new List<string>();
        var options = new ScaleFitOptions { LogFilterShells = true };
        ResolutionRounds.Run(frame, pair.TruePose, new ScaleRange(0.1), options, lines.Add);
        var shells = lines.Where(l => l.TrimStart().StartsWith("shell ")).ToList();
        Assert.True(shells.Count >= 8, $"{shells.Count} shell lines");
        Assert.All(shells, l => Assert.Contains("log ratio", l));
    }

    [Fact]
    public void AStartBeyondTheRangeEndsOnItsEdgeAndSaysSo()
    {
        var (pair, frame) = SyntheticMapPairs.Small;
        // Truth is 3 % below nominal; a range of +-1 % cannot reach it.
        var range = new ScaleRange(0.01);
        var nominal = frame.AtLogScale(pair.TruePose, 0);
        var fit = ResolutionRounds.Run(frame, nominal, range, new ScaleFitOptions(), _ => { });
        Assert.True(fit.AtScaleBound);
        Assert.Equal(range.MinLogScale, fit.Pose.LogScale, 6);
    }
}
