using CryoMerge.Core.Imaging;

namespace CryoMerge.Core.Tests.Imaging;

public sealed class EulerAnglesTests
{
    private static Matrix3 Rz(double degrees)
    {
        double a = degrees * Math.PI / 180, c = Math.Cos(a), s = Math.Sin(a);
        return new Matrix3(c, s, 0, -s, c, 0, 0, 0, 1);
    }

    private static Matrix3 Ry(double degrees)
    {
        double a = degrees * Math.PI / 180, c = Math.Cos(a), s = Math.Sin(a);
        return new Matrix3(c, 0, -s, 0, 1, 0, s, 0, c);
    }

    [Theory]
    [InlineData(0, 0, 0)]
    [InlineData(10, 20, 30)]
    [InlineData(-100, 95, 170)]
    [InlineData(45, 135, -60)]
    public void TheMatrixIsRelionsZyzProduct(double rot, double tilt, double psi)
    {
        // RELION's Euler_angles2matrix: A = R_z(psi) R_y(tilt) R_z(rot), rotations of the coordinate frame.
        var expected = Rz(psi) * Ry(tilt) * Rz(rot);
        var a = EulerAngles.ToMatrix(rot, tilt, psi);
        double[] e = [expected.M00, expected.M01, expected.M02, expected.M10, expected.M11, expected.M12, expected.M20,
            expected.M21, expected.M22];
        double[] m = [a.M00, a.M01, a.M02, a.M10, a.M11, a.M12, a.M20, a.M21, a.M22];
        for (int i = 0; i < 9; i++) Assert.Equal(e[i], m[i], 1e-12);
        var identity = a * a.Transpose();
        Assert.Equal(1, identity.M00, 1e-12);
        Assert.Equal(0, identity.M01, 1e-12);
        Assert.Equal(1, identity.M22, 1e-12);
    }

    [Fact]
    public void TiltNinetyLooksAlongX()
    {
        // The third row of A is the projection direction in map coordinates: (cos rot sin tilt, sin rot sin tilt, cos
        // tilt).
        var a = EulerAngles.ToMatrix(0, 90, 0);
        Assert.Equal(1, a.M20, 1e-12);
        Assert.Equal(0, a.M22, 1e-12);
    }

    [Fact]
    public void UniformOrientationsCoverTheSphereEvenly()
    {
        var rng = new Random(3);
        double sumCos = 0;
        int n = 20000;
        for (int i = 0; i < n; i++) sumCos += Math.Cos(EulerAngles.Uniform(rng.NextDouble(), rng.NextDouble(),
            rng.NextDouble()).Tilt * Math.PI / 180);
        Assert.True(Math.Abs(sumCos / n) < 0.02, $"mean cos(tilt) {sumCos / n}");
    }
}
