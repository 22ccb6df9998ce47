namespace CryoMerge.Core.Imaging;

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
