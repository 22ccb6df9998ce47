using CryoMerge.Core.Analysis;

namespace CryoMerge.Core.Tests.Analysis;

/// <summary>Step 5, report: the range, the profile's candidates and the checks on overlap.</summary>
public sealed class ScaleFitReportTests
{
    [Fact]
    public void TheRangeIsKStandardErrorsEachSideOfBestInLogScale()
    {
        var e = ScaleEstimate.Create(nominalPixelSize: 1.3, referencePixelSize: 1.0, logScale: Math.Log(1.02),
            relativeError: 5e-4, k: 3);
        Assert.Equal(1.326, e.PixelSize, 12);
        Assert.Equal(1.326 * 5e-4, e.StandardError, 15);
        Assert.Equal(e.PixelSize * e.PixelSize, e.Low * e.High, 12);   // symmetric in log
        Assert.Equal(Math.Exp(6 * 5e-4), e.High / e.Low, 12);
        Assert.True(e.Contains(e.PixelSize) && e.Contains(e.Low) && e.Contains(e.High));
        Assert.False(e.Contains(e.High * 1.0001));
        Assert.Equal(1.0 / 1.326, e.PixelRatio, 12);
    }

    [Theory]
    [InlineData(11, 1e-3)]
    [InlineData(5, 1e-5)]   // a tiny error: the profile still spans +-0.4 %
    public void TheProfileCandidatesAreEvenlySpacedAboutBestAndStartWhereTheMaskStays(int points, double relativeError)
    {
        var (pair, frame) = SyntheticMapPairs.Small;
        var options = new ScaleFitOptions { ProfilePoints = points };
        var pose = pair.TruePose;
        var candidates = ScaleFitReport.ProfileCandidates(frame, pose, relativeError, options);
        Assert.Equal(points, candidates.Count);
        double span = Math.Max(5 * options.Coverage * relativeError / 3, 0.004);
        double p2 = frame.Map.PixelSize;
        Assert.Equal(p2 * Math.Exp(pose.LogScale), candidates[points / 2].PixelSize, 12);
        Assert.Equal(Math.Exp(2 * span), candidates[^1].PixelSize / candidates[0].PixelSize, 9);
        foreach (var c in candidates)
        {
            Assert.Equal(Math.Log(c.PixelSize / p2), c.Start.LogScale, 12);
            Assert.Equal(2, c.Iterations);
            var xm = frame.ReferenceExtent.Centroid;
            var moved = c.Start.MapToReference(pose.ReferenceToMap(xm));
            Assert.True(Math.Abs(moved.X - xm.X) + Math.Abs(moved.Y - xm.Y) + Math.Abs(moved.Z - xm.Z) < 1e-9);
        }
    }

    [Fact]
    public void MapsThatHardlyOverlapGetNoAnswer()
    {
        var (pair, frame) = SyntheticMapPairs.Small;
        var fit = ResolutionRounds.Run(frame, pair.TruePose, new ScaleRange(0.1), new ScaleFitOptions(), _ => { });
        var errors = new ScaleErrors(fit.Pose, new ScaleErrorBudget(1e-4, null, null, 0, 2e-4, 0), null, []);
        var hands = new HandComparison(false, 0.9, 0.5);
        var hand = new HandChoice(new Refinement(fit.Pose, fit.Score, 1, false), hands, 8);
        var result = ScaleFitReport.Create(frame, new ScaleFitOptions { ProfilePoints = 3 }, hand, fit, errors);
        Assert.Equal(3, result.Profile.Points.Count);
        Assert.Empty(result.Warnings);
        Assert.True(result.Fsc.After.ResolutionAt(0.143) <= result.Fsc.Before.ResolutionAt(0.143));

        var apart = fit with { Score = fit.Score with { Overlap = 0.1 } };
        var e = Assert.Throws<CryoMergeInputException>(() =>
            ScaleFitReport.Create(frame, new ScaleFitOptions(), hand, apart, errors));
        Assert.Contains("hardly overlap", e.Message);
        var partly = fit with { Score = fit.Score with { Overlap = 0.5 } };
        var noProfile = new ScaleFitOptions { EvaluateProfile = false };
        var warned = ScaleFitReport.Create(frame, noProfile, hand, partly, errors);
        Assert.Contains(warned.Warnings, w => w.Contains("50 %"));
        Assert.Empty(warned.Profile.Points);
        Assert.Equal(11, warned.Profile.Candidates.Count);
    }
}
