namespace CryoMerge.Core.Analysis;

/// <summary>
/// Nearly uniform samplings of all 3-D rotations: viewing directions on a Fibonacci sphere (equal area each) times
/// equally spaced in-plane angles, as RELION's Euler angles (rot, tilt, psi). Uniform directions with uniform psi
/// sample the rotation group evenly.
/// </summary>
public static class RotationGrid
{
    /// <summary>Rotations about <paramref name="stepDegrees"/> apart (4 pi / step^2 directions x 360 / step in-plane
    /// angles).</summary>
    public static Matrix3[] Uniform(double stepDegrees)
    {
        double step = stepDegrees * Math.PI / 180;
        int directions = Math.Max(2, (int)Math.Round(4 * Math.PI / (step * step)));
        int psis = Math.Max(1, (int)Math.Ceiling(360 / stepDegrees));
        var result = new List<Matrix3>(directions * psis);
        double golden = Math.PI * (3 - Math.Sqrt(5));
        for (int i = 0; i < directions; i++)
        {
            double z = 1 - (2.0 * i + 1) / directions;
            double tilt = Math.Acos(z) * 180 / Math.PI;
            double rot = (i * golden % (2 * Math.PI)) * 180 / Math.PI;
            for (int j = 0; j < psis; j++)
                result.Add(Matrix3.FromRelionEuler(rot, tilt, j * 360.0 / psis));
        }
        return result.ToArray();
    }
}
