using CryoMerge.Core.Analysis;
using Matrix3 = CryoMerge.Core.Matrix3;

namespace CryoMerge.Core.Tests.Analysis;

/// <summary>Step 3a, refine at low resolution: both hands refined, the one that fits better kept and said so.</summary>
public sealed class HandDecisionTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void TheTrueHandWinsAndItsPoseIsCloseToTheTruth(bool mirrored)
    {
        var (pair, frame) = mirrored ? SyntheticMapPairs.SmallMirrored : SyntheticMapPairs.Small;
        var range = new ScaleRange(0.1);
        var search = GlobalPoseSearch.Run(frame, range, new ScaleFitOptions(), _ => { });
        var choice = HandDecision.Run(frame, search, range, _ => { });
        Assert.Equal(mirrored, choice.Hands.Opposite);
        Assert.Equal(mirrored, choice.Chosen.Pose.Mirrored);
        Assert.NotNull(choice.Hands.MirroredCorrelation);
        double kept = mirrored ? choice.Hands.MirroredCorrelation!.Value : choice.Hands.DirectCorrelation;
        double other = mirrored ? choice.Hands.DirectCorrelation : choice.Hands.MirroredCorrelation!.Value;
        Assert.True(kept > other + 0.05, $"kept hand {kept:0.###}, other {other:0.###}");
        Assert.Equal(mirrored, choice.Warning?.Contains("opposite hand") ?? false);
        // At twice the search's resolution the scale is within a percent and the rotation within a degree or two.
        Assert.True(Math.Abs(choice.Chosen.Pose.LogScale - pair.TruePose.LogScale) < 0.01,
            $"scale {choice.Chosen.Pose.Scale:0.#####}, truth {pair.TruePose.Scale:0.#####}");
        double angle = Matrix3.AngleBetween(choice.Chosen.Pose.Rotation, pair.TruePose.Rotation) * 180 / Math.PI;
        Assert.True(angle < 2, $"rotation {angle:0.##} deg from the truth");
        Assert.Equal(Math.Max(search.Resolution / 2, frame.FinestResolution), choice.Resolution, 12);
        Assert.False(choice.Chosen.AtScaleBound);
    }
}
