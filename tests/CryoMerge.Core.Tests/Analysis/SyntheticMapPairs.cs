using CryoMerge.Core.Analysis;
using CryoMerge.Core.Imaging;
using CryoMerge.Core.Simulation;
using Matrix3 = CryoMerge.Core.Matrix3;

namespace CryoMerge.Core.Tests.Analysis;

/// <summary>Two maps of one phantom with a known relative pixel size and the pose that puts map 2 on map 1.</summary>
/// <param name="TruePixelSize">Map 2's true pixel size on map 1's scale (A); its header says otherwise.</param>
/// <param name="TruePose">The pose a perfect fit finds (<see cref="ScalePose"/>'s convention).</param>
internal sealed record SyntheticPair(MapVolume Reference, MapVolume Map, double TruePixelSize, ScalePose TruePose);

/// <summary>
/// Pairs of phantom maps as two independent refinements would give them: other box, pixel size, orientation, hand,
/// shift, B-factor, noise and low-pass. Map 2 is labelled with a nominal pixel size that is off by a known fraction.
/// </summary>
internal static class SyntheticMapPairs
{
    public static SyntheticPair Pair(int seed, int box1, double p1, int box2, double p2, double nominalError,
        double res1, double res2, double noise, bool mirrored = false)
    {
        var model = PhantomMaps.RandomModel(seed, diameter: 0.62 * box1 * p1);
        var rng = new Random(seed);
        var axis = new Vector3d(rng.NextDouble() - 0.5, rng.NextDouble() - 0.5, rng.NextDouble() - 0.5);
        var rotation = Matrix3.FromAxisAngle(Unit(axis), 0.5 + 2.5 * rng.NextDouble());
        var shift = new Vector3d(4.3 * p2, -3.1 * p2, 2.6 * p2);
        var map1 = new Side(box1, p1, 30, res1);
        var map2 = new Side(box2, p2, 60, res2);
        return Simulate(seed, model, map1, map2, noise, rotation, mirrored, shift, nominalError);
    }

    /// <summary>
    /// A pair drawn from <paramref name="seed"/> over the conditions the fit is meant for: boxes of 48 to 64 voxels,
    /// 1.2 to 2 A/px, map 2's pixel within +-20 % of map 1's and labelled up to 5 % wrong, resolutions of 2.6 to 3.6
    /// pixels, B-factors 20 to 80, noise 0.2 to 0.8 of the signal, any rotation, a shift of a few pixels, the
    /// opposite hand one time in ten.
    /// </summary>
    public static SyntheticPair Random(int seed)
    {
        var rng = new Random(seed * 7919 + 17);
        double U(double a, double b) => a + (b - a) * rng.NextDouble();
        int box1 = 48 + 4 * rng.Next(5);
        double p1 = U(1.2, 2.0);
        double p2 = p1 * Math.Exp(U(-0.2, 0.2));
        int box2 = Math.Clamp(2 * (int)Math.Round(box1 * p1 / p2 * U(1.0, 1.15) / 2), 44, 80);
        double res1 = p1 * U(2.6, 3.6), res2 = p2 * U(2.6, 3.6);
        double noise = U(0.2, 0.8);
        double b1 = U(20, 60), b2 = U(20, 80);
        double nominalError = U(-0.05, 0.05);
        bool mirrored = rng.NextDouble() < 0.1;
        var model = PhantomMaps.RandomModel(seed, diameter: 0.6 * Math.Min(box1 * p1, box2 * p2));
        var rotation = Matrix3.FromAxisAngle(Unit(new Vector3d(U(-1, 1), U(-1, 1), U(-1, 1))), U(0, Math.PI));
        var shift = new Vector3d(U(-4, 4) * p2, U(-4, 4) * p2, U(-4, 4) * p2);
        return Simulate(seed, model, new Side(box1, p1, b1, res1), new Side(box2, p2, b2, res2), noise, rotation,
            mirrored, shift, nominalError);
    }

    /// <summary>A small direct-hand pair (48 and 52 voxels) and its prepared frame, shared by the step tests.</summary>
    public static (SyntheticPair Pair, ScaleFitFrame Frame) Small => SmallPair.Value;

    /// <summary>The same kind of pair with map 2 of the opposite hand.</summary>
    public static (SyntheticPair Pair, ScaleFitFrame Frame) SmallMirrored => SmallMirroredPair.Value;

    private static readonly Lazy<(SyntheticPair, ScaleFitFrame)> SmallPair =
        new(() => Framed(Pair(41, 48, 1.6, 52, 1.45, 0.03, 4.6, 4.8, 0.4)));
    private static readonly Lazy<(SyntheticPair, ScaleFitFrame)> SmallMirroredPair =
        new(() => Framed(Pair(42, 48, 1.6, 52, 1.45, -0.02, 4.6, 4.8, 0.4, mirrored: true)));

    private static (SyntheticPair, ScaleFitFrame) Framed(SyntheticPair pair) =>
        (pair, ScaleFitFrame.Prepare(AnalysisTestData.Fft.ForAnalysis(), new ScaleFitInput(pair.Reference, pair.Map),
            new ScaleFitOptions(), _ => { }));

    /// <summary>One map's box (voxels), pixel size (A), B-factor (A^2) and low-pass resolution (A).</summary>
    private sealed record Side(int Box, double Pixel, double BFactor, double Resolution)
    {
        public Shape3 Shape => new(Box, Box, Box);
    }

    private static SyntheticPair Simulate(int seed, PhantomModel model, Side one, Side two, double noise,
        Matrix3 rotation, bool mirrored, Vector3d shift, double nominalError)
    {
        var fft = AnalysisTestData.Fft;
        if (mirrored) rotation = rotation * Matrix3.MirrorX;
        var g1 = PhantomMaps.Simulate(fft, model, one.Shape, one.Pixel, Matrix3.Identity, default, one.BFactor, noise,
            one.Resolution, seed + 1);
        var g2 = PhantomMaps.Simulate(fft, model, two.Shape, two.Pixel, rotation, shift, two.BFactor, noise,
            two.Resolution, seed + 2);
        double p2 = two.Pixel;
        // Map 2 holds atom a at R a + shift (true A); map 1 at a. So X = R^T (s y) - R^T shift, y in map 2's nominal A.
        var linear = rotation.Transpose();
        var t = linear.Apply(shift);
        var pose = new ScalePose(-Math.Log(1 + nominalError), mirrored ? linear * Matrix3.MirrorX : linear,
            new Vector3d(-t.X, -t.Y, -t.Z), mirrored);
        var reference = new MapVolume("map1", g1, one.Pixel, default);
        return new SyntheticPair(reference, new MapVolume("map2", g2, p2 * (1 + nominalError), default), p2, pose);
    }

    private static Vector3d Unit(Vector3d v)
    {
        double n = Math.Sqrt(v.X * v.X + v.Y * v.Y + v.Z * v.Z);
        return new Vector3d(v.X / n, v.Y / n, v.Z / n);
    }
}
