using CryoMerge.Core.Analysis;
using Matrix3 = CryoMerge.Core.Matrix3;

namespace CryoMerge.Core.Tests.Analysis;

/// <summary>Step 2, global search: candidates near the true orientation, of both hands, from any start.</summary>
public sealed class GlobalPoseSearchTests
{
    [Theory]
    [InlineData(10, 100, 8)]     // 5.2 degrees, raised to the finest step
    [InlineData(10, 30, 17.19)]  // 0.9 x 10 / 30 rad
    [InlineData(20, 20, 20)]     // 51.6 degrees, capped
    public void TheRotationStepMovesTheParticleEdgeByAboutTheResolution(double resolution, double reach, double degrees)
    {
        Assert.Equal(degrees, GlobalPoseSearch.RotationStep(resolution, reach), 2);
    }

    [Fact]
    public void ACandidateLiesWithinAStepOfTheTrueRotationAndTheHeaderPoseComesFirst()
    {
        var (pair, frame) = SyntheticMapPairs.Small;
        var lines = new List<string>();
        var search = GlobalPoseSearch.Run(frame, new ScaleRange(0.1), new ScaleFitOptions(), lines.Add);
        Assert.Equal(frame.HeaderPose(), search.Candidates[0]);
        // Up to 6 per hand, plus the header pose.
        Assert.InRange(search.Candidates.Count, 3, 13);
        Assert.Contains(search.Candidates, c => c.Mirrored);
        double step = GlobalPoseSearch.RotationStep(search.Resolution, frame.Reach(new ScaleRange(0.1)));
        double closest = search.Candidates.Where(c => !c.Mirrored)
            .Min(c => Matrix3.AngleBetween(c.Rotation, pair.TruePose.Rotation)) * 180 / Math.PI;
        Assert.True(closest < step, $"closest direct candidate {closest:0.#} deg from the truth, step {step:0.#} deg");
        var best = search.Candidates.Where(c => !c.Mirrored)
            .MinBy(c => Matrix3.AngleBetween(c.Rotation, pair.TruePose.Rotation))!;
        var particle = frame.MapExtent.Centroid;
        double miss = Distance(best.MapToReference(particle), pair.TruePose.MapToReference(particle));
        Assert.True(miss < 2 * search.Resolution, $"its translation puts map 2's particle {miss:0.#} A from its place");
        Assert.Contains(lines, l => l.StartsWith("global search:"));
    }

    [Fact]
    public void WithoutTheOrientationSearchOnlyTheDirectHandAtTheGivenOrientationIsTried()
    {
        var (_, frame) = SyntheticMapPairs.Small;
        var options = new ScaleFitOptions { SearchOrientation = false };
        var search = GlobalPoseSearch.Run(frame, new ScaleRange(0.1), options, _ => { });
        Assert.All(search.Candidates, c => Assert.False(c.Mirrored));
        Assert.All(search.Candidates, c => Assert.True(Matrix3.AngleBetween(c.Rotation, Matrix3.Identity) < 1e-12));
        Assert.Equal(2, search.Candidates.Count);   // the header pose and the identity's best translation
    }

    private static double Distance(Vector3d a, Vector3d b) =>
        Math.Sqrt((a.X - b.X) * (a.X - b.X) + (a.Y - b.Y) * (a.Y - b.Y) + (a.Z - b.Z) * (a.Z - b.Z));
}
