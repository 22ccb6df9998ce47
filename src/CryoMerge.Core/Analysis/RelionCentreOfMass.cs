using CryoMerge.Core.Imaging;

namespace CryoMerge.Core.Analysis;

/// <summary>
/// relion_image_handler --shift_com (RELION 3.1.3 src/transformations.h translateCenterOfMassToCenter with
/// DONT_WRAP): the centre of mass of the positive voxels, relative to the box centre N/2, is moved to the centre by
/// a trilinear real-space translation; voxels that come from outside the box become 0.
/// </summary>
public static class RelionCentreOfMass
{
    /// <summary>Centre of mass of the positive voxels in voxels relative to the centre (N/2 per axis); zero for a map
    /// with no positive voxel.</summary>
    public static Vector3d Of(Grid g)
    {
        var s = g.Shape;
        int cx = s.X / 2, cy = s.Y / 2, cz = s.Z / 2;
        double mass = 0, x = 0, y = 0, z = 0;
        var d = g.Data;
        for (int k = 0; k < s.Z; k++)
            for (int i = 0; i < s.Y; i++)
            {
                long row = (long)s.X * (i + (long)s.Y * k);
                for (int j = 0; j < s.X; j++)
                {
                    double v = d[row + j];
                    if (v <= 0) continue;
                    x += (j - cx) * v;
                    y += (i - cy) * v;
                    z += (k - cz) * v;
                    mass += v;
                }
            }
        return mass != 0 ? new Vector3d(x / mass, y / mass, z / mass) : default;
    }

    /// <summary>The map translated so that its centre of mass is at the box centre, as RELION does it.</summary>
    public static Grid Centre(Grid g) => Translate(g, Of(g));

    /// <summary>
    /// Output voxel r (relative to the centre) takes the input at r + <paramref name="from"/>, trilinearly
    /// interpolated; RELION's applyGeometry without wrapping (outside the box, or past its last voxel: 0).
    /// </summary>
    public static Grid Translate(Grid g, Vector3d from)
    {
        var s = g.Shape;
        var output = new Grid(s);
        if (from == default) return g.Clone();
        int cx = s.X / 2, cy = s.Y / 2, cz = s.Z / 2;
        // RELION's bounds in logical coordinates: [-c, N - c - 1], with XMIPP_EQUAL_ACCURACY slack.
        const double slack = 1e-6;
        var src = g.Data;
        var dst = output.Data;
        bool is3D = s.Z > 1;
        Parallel.For(0, s.Z, k =>
        {
            double zp = k - cz + (is3D ? from.Z : 0);
            bool zIn = zp >= -cz - slack && zp <= s.Z - cz - 1 + slack;
            for (int i = 0; i < s.Y; i++)
            {
                double yp = i - cy + from.Y;
                bool yIn = yp >= -cy - slack && yp <= s.Y - cy - 1 + slack;
                long o = (long)s.X * (i + (long)s.Y * k);
                for (int j = 0; j < s.X; j++)
                {
                    double xp = j - cx + from.X;
                    if (!zIn || !yIn || xp < -cx - slack || xp > s.X - cx - 1 + slack)
                    {
                        dst[o + j] = 0;
                        continue;
                    }
                    dst[o + j] = (float)Trilinear(src, s, xp + cx, yp + cy, is3D ? zp + cz : 0);
                }
            }
        });
        return output;
    }

    /// <summary>RELION's corner-anchored trilinear interpolation: (int) truncation, neighbours past the last voxel
    /// dropped.</summary>
    private static double Trilinear(float[] v, Shape3 s, double wx, double wy, double wz)
    {
        int m1 = (int)wx, n1 = (int)wy, o1 = (int)wz;
        wx -= m1;
        wy -= n1;
        wz -= o1;
        int m2 = m1 + 1, n2 = n1 + 1, o2 = o1 + 1;
        long Index(int o, int n, int m) => m + (long)s.X * (n + (long)s.Y * o);
        double t = (1 - wz) * (1 - wy) * (1 - wx) * v[Index(o1, n1, m1)];
        if (m2 < s.X) t += (1 - wz) * (1 - wy) * wx * v[Index(o1, n1, m2)];
        if (n2 < s.Y)
        {
            t += (1 - wz) * wy * (1 - wx) * v[Index(o1, n2, m1)];
            if (m2 < s.X) t += (1 - wz) * wy * wx * v[Index(o1, n2, m2)];
        }
        if (o2 < s.Z)
        {
            t += wz * (1 - wy) * (1 - wx) * v[Index(o2, n1, m1)];
            if (m2 < s.X) t += wz * (1 - wy) * wx * v[Index(o2, n1, m2)];
            if (n2 < s.Y)
            {
                t += wz * wy * (1 - wx) * v[Index(o2, n2, m1)];
                if (m2 < s.X) t += wz * wy * wx * v[Index(o2, n2, m2)];
            }
        }
        return t;
    }
}
