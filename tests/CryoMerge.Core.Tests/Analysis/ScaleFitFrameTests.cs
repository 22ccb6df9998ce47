using CryoMerge.Core.Analysis;
using CryoMerge.Core.Imaging;

namespace CryoMerge.Core.Tests.Analysis;

/// <summary>Step 1, prepare: the common frame of a small phantom pair whose particles and poses are known.</summary>
public sealed class ScaleFitFrameTests
{
    [Fact]
    public async Task BothParticlesAreFoundWhereTheyAreAndBothMapsHaveANoiseEstimate()
    {
        var (pair, frame) = SyntheticMapPairs.Small;
        // Map 1's particle is centred on its box (the phantom's lobes make its centroid wander a few A); its
        // diameter is 0.62 x 48 x 1.6 = 48 A, the mask adds 5 A of dilation and a 6 A soft edge.
        Assert.True(Norm(frame.ReferenceExtent.Centroid) < 6, $"centroid {frame.ReferenceExtent.Centroid}");
        Assert.InRange(frame.ReferenceExtent.Radius, 24, 40);
        // Map 2's particle sits where the pose puts map 1's: its centroid maps onto map 1's.
        var mapped = pair.TruePose.MapToReference(frame.MapExtent.Centroid);
        Assert.True(Distance(mapped, frame.ReferenceExtent.Centroid) < 3, $"map 2's centroid lands at {mapped}");
        Assert.True(frame.Spectra.Reference.HasNoiseEstimate);
        Assert.True(frame.Spectra.Map.HasNoiseEstimate);
        Assert.Equal(2.2 * 1.6, frame.FinestResolution, 12);
        Assert.NotNull(await frame.NoiseMaps);
    }

    [Fact]
    public void AtLogScaleKeepsTheMaskCentroidWhereItWas()
    {
        var (pair, frame) = SyntheticMapPairs.Small;
        var xm = frame.ReferenceExtent.Centroid;
        var start = pair.TruePose;
        var y = start.ReferenceToMap(xm);
        var moved = frame.AtLogScale(start, start.LogScale + 0.05);
        Assert.Equal(start.LogScale + 0.05, moved.LogScale, 15);
        Assert.True(Distance(moved.MapToReference(y), xm) < 1e-9);
        Assert.True(Distance(moved.Translation, start.Translation) > 0.01, "the translation must follow the scale");
    }

    [Fact]
    public void TheHeaderPoseIsTheIdentityAtTheNominalScaleBetweenTheBoxCentres()
    {
        var (pair, frame) = SyntheticMapPairs.Small;
        var pose = frame.HeaderPose();
        Assert.Equal(0, pose.LogScale);
        Assert.False(pose.Mirrored);
        // Both index origins are 0: box centre N/2 x pixel of each map.
        Assert.Equal(26 * pair.Map.PixelSize - 24 * 1.6, pose.Translation.X, 12);
    }

    [Fact]
    public void HalfMapsAreAveragedAndMustShareAShape()
    {
        var a = new MapVolume("a", new Grid(new Shape3(4, 4, 4)), 1, default);
        var b = new MapVolume("b", new Grid(new Shape3(4, 4, 4)), 1, default);
        a.Grid.Data[5] = 2;
        b.Grid.Data[5] = 4;
        Assert.Equal(3f, ScaleFitFrame.Average(a, b).Grid.Data[5]);
        Assert.Same(a, ScaleFitFrame.Average(a, null));
        var longer = b with { Grid = new Grid(new Shape3(4, 4, 6)) };
        var e = Assert.Throws<CryoMergeInputException>(() => ScaleFitFrame.Average(a, longer));
        Assert.Contains("b", e.Message);
    }

    private static double Norm(Vector3d v) => Math.Sqrt(v.X * v.X + v.Y * v.Y + v.Z * v.Z);

    private static double Distance(Vector3d a, Vector3d b) => Norm(new Vector3d(a.X - b.X, a.Y - b.Y, a.Z - b.Z));
}
