using CryoMerge.Core.Formats;
using CryoMerge.Core.Imaging;
using CryoMerge.Core.Simulation;
using CryoMerge.Tests;

namespace CryoMerge.Core.Tests.Formats;

/// <summary>cryoSPARC rotation vectors and RELION Euler angles: the convention, exact round trips,
/// projections.</summary>
public sealed class CryosparcPoseTests
{
    private static Matrix3 Rz(double deg) { double a = deg * Math.PI / 180; return new(Math.Cos(a), -Math.Sin(a), 0,
        Math.Sin(a), Math.Cos(a), 0, 0, 0, 1); }

    private static Matrix3 Ry(double deg) { double a = deg * Math.PI / 180; return new(Math.Cos(a), 0, Math.Sin(a), 0,
        1,
        0, -Math.Sin(a), 0, Math.Cos(a)); }

    private static double MaxDifference(Matrix3 a, Matrix3 b) => a.ToArray().Zip(b.ToArray(), (x, y) =>
        Math.Abs(x - y)).Max();

    public static TheoryData<double, double, double> Vectors() => new()
    {
        { 0.3, -1.2, 2.0 }, { 2.3386633, -0.25595567, -1.2236784 }, { -1.0133039, -2.72435, -1.9319392 },
        { 0, 0, 0 }, { 1e-9, 0, -2e-9 }, { 0, 0, Math.PI }, { Math.PI, 0, 0 }, { 2, 2, 2 },
            // |w| = 3.46 > pi, as cryoSPARC writes some
        { 0, 0, 0.5 }, { 0, 0, -3.1 }, { 1e-7, 1e-7, 3.0 }, { 0.7, -0.7, 0 }, { 3.1415, 0.001, -0.002 },
    };

    [Theory]
    [MemberData(nameof(Vectors))]
    public void RelionAnglesOfAPoseAreTheIntrinsicZyzAnglesOfItsRotation(double x, double y, double z)
    {
        // The convention in one line: R(w) = Rz(rot) Ry(tilt) Rz(psi) with active, right-handed elementary rotations,
        // i.e. RELION's matrix A = Rz(psi)^T Ry(tilt)^T Rz(rot)^T is R(w)^T (pyem, cryoDRGN).
        var (rot, tilt, psi) = CryosparcPose.EulerFromPose(x, y, z);
        var r = CryosparcPose.RotationFromVector(x, y, z);
        Assert.True(MaxDifference(r, Rz(rot) * Ry(tilt) * Rz(psi)) < 1e-14, $"({rot}, {tilt}, {psi})");
        Assert.True(MaxDifference(r.Transpose(), Matrix3.FromRelionEuler(rot, tilt, psi)) < 1e-14);
        Assert.InRange(tilt, 0, 180);
        Assert.InRange(rot, -180, 180);
        Assert.InRange(psi, -180, 180);
    }

    [Fact]
    public void KnownPosesGiveKnownAngles()
    {
        // 90 degrees about x: RELION's (-90, 90, 90), what pyem's csparc2star gives.
        AssertAngles((-90, 90, 90), CryosparcPose.EulerFromPose(Math.PI / 2, 0, 0));
        // An in-plane turn is psi alone, with the same sign (as cryoSPARC's 2D pose).
        AssertAngles((0, 0, 0.5 * 180 / Math.PI), CryosparcPose.EulerFromPose(0, 0, 0.5));
        AssertAngles((0, 180, 30), CryosparcPose.EulerFromPose(Math.PI * Math.Sin(Math.PI / 12),
            Math.PI * Math.Cos(Math.PI / 12), 0));
    }

    private static void AssertAngles((double, double, double) expected, (double Rot, double Tilt, double Psi) actual)
    {
        Assert.Equal(expected.Item1, actual.Rot, 10);
        Assert.Equal(expected.Item2, actual.Tilt, 10);
        Assert.Equal(expected.Item3, actual.Psi, 10);
    }

    [Theory]
    [MemberData(nameof(Vectors))]
    public void Float32PosesComeBackExactlyThroughRelionAngles(double x, double y, double z)
    {
        var w = ((float)x, (float)y, (float)z);
        var e = CryosparcPose.EulerFromPose(w.Item1, w.Item2, w.Item3);
        var back = CryosparcPose.PoseFromEuler(e.Rot, e.Tilt, e.Psi);
        double length = Math.Sqrt(x * x + y * y + z * z);
        if (length > 1e-6 && length < Math.PI - 1e-3)
        {
            // Through the angles' shortest exact text the float32 vector is restored bit for bit.
            var text = (double.Parse(e.Rot.ToString()), double.Parse(e.Tilt.ToString()),
                double.Parse(e.Psi.ToString()));
            var fromText = CryosparcPose.PoseFromEuler(text.Item1, text.Item2, text.Item3);
            Assert.Equal(w, ((float)fromText.X, (float)fromText.Y, (float)fromText.Z));
        }
        else
        {
            // A vector longer than pi (or at pi) comes back as the same rotation written the short way; a vector of
            // a few nanoradians may gain a component of 1e-18 where it had 0.
            var a = CryosparcPose.RotationFromVector(w.Item1, w.Item2, w.Item3);
            var b = CryosparcPose.RotationFromVector((float)back.X, (float)back.Y, (float)back.Z);
            Assert.True(Matrix3.AngleBetween(a, b) < 5e-7, $"{Matrix3.AngleBetween(a, b)} rad");
            Assert.True(Math.Sqrt(back.X * back.X + back.Y * back.Y + back.Z * back.Z) <= Math.PI + 1e-12);
        }
    }

    [Fact]
    public void AnglesNearTiltZeroAndOneEightyKeepFullPrecision()
    {
        // RELION's own decomposition sets tilt to 0 below sin(tilt) = 2e-6 and loses that much; ours does not.
        foreach (var (rot, tilt, psi) in new[] { (20.0, 1e-7, 30.0), (-170.0, 180 - 3e-8, 60.0), (10.0, 0.0, 40.0),
            (5.0,
            180.0, -5.0) })
        {
            var a = Matrix3.FromRelionEuler(rot, tilt, psi);
            var e = CryosparcPose.EulerFromMatrix(a);
            Assert.True(MaxDifference(a, Matrix3.FromRelionEuler(e.Rot, e.Tilt, e.Psi)) < 1e-15, $"{e}");
        }
    }

    [Fact]
    public void ProjectionAtTheConvertedAnglesMatchesTheProjectionAtTheOriginalPose()
    {
        const int n = 64;
        const double pixel = 2.0;
        var phantom = Phantom.Create(80);
        var projector = new FourierProjector(FftBackends.Create(), phantom.Render(n, pixel));
        // Poses of the real refinement file's first particles (alignments3D/pose), two of them longer than pi.
        (float X, float Y, float Z)[] poses =
            [(2.3386633f, -0.25595567f, -1.2236784f), (-1.0133039f, -2.72435f, -1.9319392f), (0.9f, 2.9f, -1.6f), (0.1f,
                0.2f, 0.05f)];
        foreach (var w in poses)
        {
            // cryoSPARC's projection at pose R: the map point r lands at R^T r (what cryoDRGN's Fourier slice and pyem
            // assume), drawn exactly from the phantom's Gaussians.
            var rt = CryosparcPose.RotationFromVector(w.X, w.Y, w.Z).Transpose();
            var original = new float[n * n];
            phantom.AddProjection(original, n, n, n / 2, n / 2, rt, pixel);
            var e = CryosparcPose.EulerFromPose(w.X, w.Y, w.Z);
            var converted = projector.Project(EulerAngles.ToMatrix(e.Rot, e.Tilt, e.Psi)).Data;
            double match = ImageComparison.Correlation(original, converted);
            Assert.True(match > 0.995, $"pose {w}: correlation {match:F4} with the projection at the converted angles");
            // The transposed convention (RELION's A = R) gives another view: the test can tell the two apart.
            var wrong = projector.Project(rt.Transpose()).Data;
            Assert.True(ImageComparison.Correlation(original, wrong) < match - 0.1,
                $"pose {w}: the untransposed pose also matches ({ImageComparison.Correlation(original, wrong):F4})");
        }
    }
}
