namespace CryoMerge.Core;

/// <summary>
/// A 3 x 3 matrix in row-major order, used for rotations (proper or, with a mirror, improper). Doubles
/// throughout: a pose is refined to 1e-6 rad, which single precision could not hold.
/// </summary>
public readonly record struct Matrix3(
    double M00, double M01, double M02,
    double M10, double M11, double M12,
    double M20, double M21, double M22)
{
    public static readonly Matrix3 Identity = new(1, 0, 0, 0, 1, 0, 0, 0, 1);

    /// <summary>Mirror through the YZ plane (X -> -X): turns a map into its enantiomer.</summary>
    public static readonly Matrix3 MirrorX = new(-1, 0, 0, 0, 1, 0, 0, 0, 1);

    public Vector3d Apply(Vector3d v) => new(
        M00 * v.X + M01 * v.Y + M02 * v.Z,
        M10 * v.X + M11 * v.Y + M12 * v.Z,
        M20 * v.X + M21 * v.Y + M22 * v.Z);

    /// <summary>This matrix times the column vector (x, y, z).</summary>
    public (double X, double Y, double Z) Apply(double x, double y, double z) =>
        (M00 * x + M01 * y + M02 * z, M10 * x + M11 * y + M12 * z, M20 * x + M21 * y + M22 * z);

    public Matrix3 Transpose() => new(M00, M10, M20, M01, M11, M21, M02, M12, M22);

    public static Matrix3 operator *(Matrix3 a, Matrix3 b) => new(
        a.M00 * b.M00 + a.M01 * b.M10 + a.M02 * b.M20, a.M00 * b.M01 + a.M01 * b.M11 + a.M02 * b.M21,
        a.M00 * b.M02 + a.M01 * b.M12 + a.M02 * b.M22,
        a.M10 * b.M00 + a.M11 * b.M10 + a.M12 * b.M20, a.M10 * b.M01 + a.M11 * b.M11 + a.M12 * b.M21,
        a.M10 * b.M02 + a.M11 * b.M12 + a.M12 * b.M22,
        a.M20 * b.M00 + a.M21 * b.M10 + a.M22 * b.M20, a.M20 * b.M01 + a.M21 * b.M11 + a.M22 * b.M21,
        a.M20 * b.M02 + a.M21 * b.M12 + a.M22 * b.M22);

    public double Determinant =>
        M00 * (M11 * M22 - M12 * M21) - M01 * (M10 * M22 - M12 * M20) + M02 * (M10 * M21 - M11 * M20);

    public double Trace => M00 + M11 + M22;

    /// <summary>Row-major values, e.g. for <see cref="Imaging.CubicBSpline.Resample"/>.</summary>
    public double[] ToArray() => [M00, M01, M02, M10, M11, M12, M20, M21, M22];

    /// <summary>Rotation by |w| radians about w (Rodrigues' formula): the exponential of the skew matrix
    /// [w]x.</summary>
    public static Matrix3 FromRotationVector(Vector3d w)
    {
        double angle = Math.Sqrt(w.X * w.X + w.Y * w.Y + w.Z * w.Z);
        if (angle < 1e-300) return Identity;
        return FromAxisAngle(new Vector3d(w.X / angle, w.Y / angle, w.Z / angle), angle);
    }

    /// <summary>Rotation by <paramref name="angle"/> radians about the unit vector <paramref name="axis"/> (right
    /// hand).</summary>
    public static Matrix3 FromAxisAngle(Vector3d axis, double angle)
    {
        double c = Math.Cos(angle), s = Math.Sin(angle), t = 1 - c;
        double x = axis.X, y = axis.Y, z = axis.Z;
        return new Matrix3(
            t * x * x + c, t * x * y - s * z, t * x * z + s * y,
            t * x * y + s * z, t * y * y + c, t * y * z - s * x,
            t * x * z - s * y, t * y * z + s * x, t * z * z + c);
    }

    /// <summary>Axis (unit vector) and angle (radians, 0..pi) of a proper rotation.</summary>
    public (Vector3d Axis, double Angle) ToAxisAngle()
    {
        double cos = Math.Clamp((Trace - 1) / 2, -1, 1);
        double angle = Math.Acos(cos);
        var v = new Vector3d(M21 - M12, M02 - M20, M10 - M01);
        double n = Math.Sqrt(v.X * v.X + v.Y * v.Y + v.Z * v.Z);
        if (angle < 1e-12) return (new Vector3d(0, 0, 1), 0);
        if (n > 1e-6) return (new Vector3d(v.X / n, v.Y / n, v.Z / n), angle);
        // Near pi: the axis is the column of (R + I) / 2 with the largest norm.
        double xx = Math.Sqrt(Math.Max(0, (M00 + 1) / 2)), yy = Math.Sqrt(Math.Max(0, (M11 + 1) / 2)),
            zz = Math.Sqrt(Math.Max(0, (M22 + 1) / 2));
        Vector3d axis = xx >= yy && xx >= zz ? new(xx, (M01 + M10) / (4 * xx), (M02 + M20) / (4 * xx))
            : yy >= zz ? new((M01 + M10) / (4 * yy), yy, (M12 + M21) / (4 * yy))
            : new((M02 + M20) / (4 * zz), (M12 + M21) / (4 * zz), zz);
        double an = Math.Sqrt(axis.X * axis.X + axis.Y * axis.Y + axis.Z * axis.Z);
        return (new Vector3d(axis.X / an, axis.Y / an, axis.Z / an), angle);
    }

    /// <summary>Angle in radians between two rotations.</summary>
    public static double AngleBetween(Matrix3 a, Matrix3 b) => (a.Transpose() * b).ToAxisAngle().Angle;

    /// <summary>RELION's Euler_angles2matrix (ZYZ; rot, tilt, psi in degrees), RELION 3.1.3 src/euler.cpp.</summary>
    public static Matrix3 FromRelionEuler(double rot, double tilt, double psi)
    {
        double a = rot * Math.PI / 180, b = tilt * Math.PI / 180, g = psi * Math.PI / 180;
        double ca = Math.Cos(a), cb = Math.Cos(b), cg = Math.Cos(g), sa = Math.Sin(a), sb = Math.Sin(b),
            sg = Math.Sin(g);
        double cc = cb * ca, cs = cb * sa, sc = sb * ca, ss = sb * sa;
        return new Matrix3(
            cg * cc - sg * sa, cg * cs + sg * ca, -cg * sb,
            -sg * cc - cg * sa, -sg * cs + cg * ca, sg * sb,
            sc, ss, cb);
    }

    /// <summary>RELION's Euler_matrix2angles: (rot, tilt, psi) in degrees of a proper rotation.</summary>
    public (double Rot, double Tilt, double Psi) ToRelionEuler()
    {
        double absSb = Math.Sqrt(M02 * M02 + M12 * M12);
        double alpha, beta, gamma;
        if (absSb > 16 * FltEpsilon)
        {
            gamma = Math.Atan2(M12, -M02);
            alpha = Math.Atan2(M21, M20);
            double signSb = Math.Abs(Math.Sin(gamma)) < FltEpsilon
                ? Math.Sign(-M02 / Math.Cos(gamma))
                : Math.Sin(gamma) > 0 ? Math.Sign(M12) : -Math.Sign(M12);
            beta = Math.Atan2(signSb * absSb, M22);
        }
        else if (M22 > 0)
        {
            alpha = 0;
            beta = 0;
            gamma = Math.Atan2(-M10, M00);
        }
        else
        {
            alpha = 0;
            beta = Math.PI;
            gamma = Math.Atan2(M10, -M00);
        }
        return (alpha * 180 / Math.PI, beta * 180 / Math.PI, gamma * 180 / Math.PI);
    }

    private const double FltEpsilon = 1.1920928955078125e-7;

    /// <summary>The nearest proper rotation (polar decomposition by a few Newton steps), against drift after many
    /// updates.</summary>
    public Matrix3 Orthonormalized()
    {
        var m = this;
        for (int i = 0; i < 3; i++)
        {
            var inv = m.Transpose().Inverse();
            m = new Matrix3(
                (m.M00 + inv.M00) / 2, (m.M01 + inv.M01) / 2, (m.M02 + inv.M02) / 2,
                (m.M10 + inv.M10) / 2, (m.M11 + inv.M11) / 2, (m.M12 + inv.M12) / 2,
                (m.M20 + inv.M20) / 2, (m.M21 + inv.M21) / 2, (m.M22 + inv.M22) / 2);
        }
        return m;
    }

    public Matrix3 Inverse()
    {
        double det = Determinant;
        return new Matrix3(
            (M11 * M22 - M12 * M21) / det, (M02 * M21 - M01 * M22) / det, (M01 * M12 - M02 * M11) / det,
            (M12 * M20 - M10 * M22) / det, (M00 * M22 - M02 * M20) / det, (M02 * M10 - M00 * M12) / det,
            (M10 * M21 - M11 * M20) / det, (M01 * M20 - M00 * M21) / det, (M00 * M11 - M01 * M10) / det);
    }
}
