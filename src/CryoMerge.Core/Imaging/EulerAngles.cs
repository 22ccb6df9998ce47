namespace CryoMerge.Core.Imaging;

/// <summary>A 3 x 3 matrix of doubles, row-major (M01 is row 0, column 1).</summary>
public readonly record struct Matrix3(
    double M00, double M01, double M02,
    double M10, double M11, double M12,
    double M20, double M21, double M22)
{
    public static Matrix3 Identity => new(1, 0, 0, 0, 1, 0, 0, 0, 1);

    public Matrix3 Transpose() => new(M00, M10, M20, M01, M11, M21, M02, M12, M22);

    /// <summary>This matrix times the column vector (x, y, z).</summary>
    public (double X, double Y, double Z) Apply(double x, double y, double z) =>
        (M00 * x + M01 * y + M02 * z, M10 * x + M11 * y + M12 * z, M20 * x + M21 * y + M22 * z);

    public static Matrix3 operator *(Matrix3 a, Matrix3 b) => new(
        a.M00 * b.M00 + a.M01 * b.M10 + a.M02 * b.M20, a.M00 * b.M01 + a.M01 * b.M11 + a.M02 * b.M21, a.M00 * b.M02 + a.M01 * b.M12 + a.M02 * b.M22,
        a.M10 * b.M00 + a.M11 * b.M10 + a.M12 * b.M20, a.M10 * b.M01 + a.M11 * b.M11 + a.M12 * b.M21, a.M10 * b.M02 + a.M11 * b.M12 + a.M12 * b.M22,
        a.M20 * b.M00 + a.M21 * b.M10 + a.M22 * b.M20, a.M20 * b.M01 + a.M21 * b.M11 + a.M22 * b.M21, a.M20 * b.M02 + a.M21 * b.M12 + a.M22 * b.M22);
}

/// <summary>
/// RELION's Euler angles (rlnAngleRot, rlnAngleTilt, rlnAnglePsi, degrees; ZYZ): the matrix of
/// <c>Euler_angles2matrix</c> (R 3.1.3 <c>src/euler.cpp</c>), A = R_z(psi) R_y(tilt) R_z(rot) acting on column
/// vectors. A particle image is the projection along Z of the map rotated by A: image(x, y) = sum over z of
/// map(A^T (x, y, z)), so a point r of the map lands at (A r).xy in the image.
/// </summary>
public static class EulerAngles
{
    public static Matrix3 ToMatrix(double rot, double tilt, double psi)
    {
        double a = rot * Math.PI / 180, b = tilt * Math.PI / 180, g = psi * Math.PI / 180;
        double ca = Math.Cos(a), cb = Math.Cos(b), cg = Math.Cos(g);
        double sa = Math.Sin(a), sb = Math.Sin(b), sg = Math.Sin(g);
        double cc = cb * ca, cs = cb * sa, sc = sb * ca, ss = sb * sa;
        return new Matrix3(
            cg * cc - sg * sa, cg * cs + sg * ca, -cg * sb,
            -sg * cc - cg * sa, -sg * cs + cg * ca, sg * sb,
            sc, ss, cb);
    }

    /// <summary>
    /// An orientation drawn uniformly over the rotation group from three uniform numbers in [0, 1): rot and psi
    /// uniform in [-180, 180), tilt = acos(1 - 2 v) so that projection directions cover the sphere evenly.
    /// </summary>
    public static (double Rot, double Tilt, double Psi) Uniform(double u, double v, double w) =>
        (u * 360 - 180, Math.Acos(Math.Clamp(1 - 2 * v, -1, 1)) * 180 / Math.PI, w * 360 - 180);
}
