using CryoMerge.Core.Analysis;

namespace CryoMerge.Core.Formats;

/// <summary>
/// cryoSPARC's particle pose and RELION's Euler angles, both ways, exactly.
/// <para>
/// cryoSPARC stores a 3D pose as a rotation vector w (alignments3D/pose, radians): the rotation R = exp([w]x) by |w|
/// about w/|w|, right-handed (Rodrigues). RELION's rlnAngleRot, rlnAngleTilt, rlnAnglePsi (degrees) define the
/// matrix A of Euler_angles2matrix (ZYZ), which maps map coordinates to image coordinates (see
/// <see cref="Imaging.EulerAngles"/>). The two are each other's transpose: <b>A = R^T</b>. This is what pyem
/// (csparc2star.py: geom.expmap builds exp(-[w]x), i.e. R^T, and rot2euler reads it as RELION's A) and cryoDRGN
/// (parse_pose_csparc transposes expmap(w) to reach the convention its parse_pose_star builds from RELION's
/// angles) both do, and what their users' reconstructions from converted poses confirm.
/// </para>
/// <para>
/// A 2D pose (alignments2D/pose) is an in-plane angle θ in radians: R = Rz(θ), so A = Rz(θ)^T, which is RELION's
/// matrix for rot = tilt = 0 and psi = θ: rlnAnglePsi = θ in degrees, with no sign change.
/// </para>
/// <para>
/// Shifts (alignments*/shift, pixels of alignments*/psize_A) have RELION's sign: the particle's centre is at the box
/// centre plus the shift (RELION: rlnOriginXAngst), so rlnOriginXAngst = shift_x x psize_A with no sign change
/// (pyem, cryoDRGN and cryosparc-tools' recentring example all use the shift as RELION uses its origin). The pixel
/// size is the refinement's, alignments*/psize_A, not the image's blob/psize_A: they differ when the refinement ran
/// on downsampled images, which is the error of pyem issue 30 / pull request 125.
/// </para>
/// </summary>
public static class CryosparcPose
{
    private const double Degrees = 180 / Math.PI;

    /// <summary>RELION's Euler angles (degrees) of a cryoSPARC rotation vector (radians).</summary>
    public static (double Rot, double Tilt, double Psi) EulerFromPose(double wx, double wy, double wz) =>
        EulerFromMatrix(RotationFromVector(wx, wy, wz).Transpose());

    /// <summary>cryoSPARC's rotation vector (radians, length at most pi) of RELION's Euler angles (degrees).</summary>
    public static (double X, double Y, double Z) PoseFromEuler(double rot, double tilt, double psi) =>
        VectorFromRotation(Matrix3.FromRelionEuler(rot, tilt, psi).Transpose());

    /// <summary>exp([w]x): rotation by |w| radians about w (right-handed), accurate for every length.</summary>
    public static Matrix3 RotationFromVector(double wx, double wy, double wz)
    {
        double angle = Math.Sqrt(wx * wx + wy * wy + wz * wz);
        if (angle == 0) return Matrix3.Identity;
        return Matrix3.FromAxisAngle(new Vector3d(wx / angle, wy / angle, wz / angle), angle);
    }

    /// <summary>
    /// The rotation vector of a proper rotation, |w| in [0, pi]; a vector longer than pi (cryoSPARC writes some)
    /// comes back as its equivalent of length 2 pi - |w| about the opposite axis. Accurate to rounding everywhere:
    /// the angle is atan2(sin, cos), the axis comes from the antisymmetric part, or near pi from the symmetric part.
    /// </summary>
    public static (double X, double Y, double Z) VectorFromRotation(Matrix3 r)
    {
        double sx = (r.M21 - r.M12) / 2, sy = (r.M02 - r.M20) / 2, sz = (r.M10 - r.M01) / 2;   // sin(angle) x axis
        double sin = Math.Sqrt(sx * sx + sy * sy + sz * sz);
        double cos = (r.M00 + r.M11 + r.M22 - 1) / 2;
        double angle = Math.Atan2(sin, cos);
        if (sin == 0 && cos > 0) return (0, 0, 0);
        if (sin > 1e-3 || cos > 0)
        {
            double k = angle / sin;
            return (sx * k, sy * k, sz * k);
        }
        // Near pi the antisymmetric part vanishes: (R + R^T) / 2 - cos I = (1 - cos) a a^T.
        double d = 1 - cos;
        double bxx = r.M00 - cos, byy = r.M11 - cos, bzz = r.M22 - cos;
        double bxy = (r.M01 + r.M10) / 2, bxz = (r.M02 + r.M20) / 2, byz = (r.M12 + r.M21) / 2;
        double ax, ay, az;
        if (bxx >= byy && bxx >= bzz)
        {
            ax = Math.Sqrt(bxx / d);
            (ay, az) = (bxy / (d * ax), bxz / (d * ax));
        }
        else if (byy >= bzz)
        {
            ay = Math.Sqrt(byy / d);
            (ax, az) = (bxy / (d * ay), byz / (d * ay));
        }
        else
        {
            az = Math.Sqrt(bzz / d);
            (ax, ay) = (bxz / (d * az), byz / (d * az));
        }
        double norm = Math.Sqrt(ax * ax + ay * ay + az * az);
        // The antisymmetric part, small as it is, still says which of +a and -a turns by angle < pi.
        double sign = ax * sx + ay * sy + az * sz < 0 ? -1 : 1;
        double f = sign * angle / norm;
        return (ax * f, ay * f, az * f);
    }

    /// <summary>
    /// RELION's Euler angles (degrees; rot and psi in (-180, 180], tilt in [0, 180]) of RELION's matrix A, as
    /// Euler_matrix2angles chooses them (R 3.1.3 src/euler.cpp) but exact near tilt 0 and 180: there RELION sets
    /// tilt to 0 or 180 once sin(tilt) &lt; 16 x FLT_EPSILON, losing up to 2e-6 rad; here rot + psi (or psi - rot)
    /// comes from the entries that determine it, so the angles give back A to rounding (rot = 0 only below
    /// sin(tilt) = 1e-12).
    /// </summary>
    public static (double Rot, double Tilt, double Psi) EulerFromMatrix(Matrix3 a)
    {
        double sinTilt = Math.Sqrt(a.M02 * a.M02 + a.M12 * a.M12);
        double tilt = Math.Atan2(sinTilt, a.M22);
        // At tilt 0 or 180 only rot + psi (or psi - rot) is defined: rot = 0 there, as RELION chooses.
        double rot = sinTilt > 1e-12 ? Math.Atan2(a.M21, a.M20) : 0;
        double psi;
        if (a.M22 >= 0)
        {
            // (1 + cos tilt) cos(rot + psi) = A00 + A11, (1 + cos tilt) sin(rot + psi) = A01 - A10
            psi = Math.Atan2(a.M01 - a.M10, a.M00 + a.M11) - rot;
        }
        else
        {
            // (1 - cos tilt) cos(psi - rot) = A11 - A00, (1 - cos tilt) sin(psi - rot) = A01 + A10
            psi = Math.Atan2(a.M01 + a.M10, a.M11 - a.M00) + rot;
        }
        return (Wrap(rot * Degrees), tilt * Degrees, Wrap(psi * Degrees));
    }

    /// <summary>An angle in degrees brought into (-180, 180].</summary>
    private static double Wrap(double degrees)
    {
        double w = Math.IEEERemainder(degrees, 360);
        return w <= -180 ? w + 360 : w;
    }
}
