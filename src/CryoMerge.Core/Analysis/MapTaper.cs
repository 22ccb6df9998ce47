using CryoMerge.Core.Imaging;

namespace CryoMerge.Core.Analysis;

/// <summary>
/// A map with its border solvent level subtracted and a cosine taper over its outer few voxels, so that Fourier
/// filters see no step where the periodic box wraps (cut-out zones have density up to their edges).
/// </summary>
internal static class MapTaper
{
    /// <summary>The map less the median of its border voxels, times <see cref="Window"/>.</summary>
    public static MapVolume Apply(MapVolume m)
    {
        var s = m.Shape;
        var border = new List<float>();
        for (int k = 0; k < s.Z; k++)
            for (int j = 0; j < s.Y; j++)
                for (int i = 0; i < s.X; i++)
                    if (i == 0 || j == 0 || k == 0 || i == s.X - 1 || j == s.Y - 1 || k == s.Z - 1)
                        border.Add(m.Grid[i, j, k]);
        border.Sort();
        float level = border[border.Count / 2];
        var window = Window(s);
        var g = new Grid(s);
        for (int i = 0; i < g.Data.Length; i++) g.Data[i] = (m.Grid.Data[i] - level) * window.Data[i];
        return m with { Grid = g };
    }

    /// <summary>Voxels of cosine taper at each face of a box: a twelfth of its smallest side, 1 to 6.</summary>
    public static int Width(Shape3 s) => Math.Clamp(Math.Min(s.X, Math.Min(s.Y, s.Z)) / 12, 1, 6);

    /// <summary>
    /// The separable cosine edge window: 1 inside, falling to 0 over the outer <see cref="Width"/> voxels.
    /// </summary>
    public static Grid Window(Shape3 s)
    {
        int width = Width(s);
        float[] Ramp(int n)
        {
            var r = new float[n];
            for (int i = 0; i < n; i++)
            {
                double t = Math.Min(1, Math.Min(i + 0.5, n - i - 0.5) / width);
                r[i] = (float)(t >= 1 ? 1 : 0.5 - 0.5 * Math.Cos(Math.PI * t));
            }
            return r;
        }
        var (rx, ry, rz) = (Ramp(s.X), Ramp(s.Y), Ramp(s.Z));
        var g = new Grid(s);
        Parallel.For(0, s.Z, k =>
        {
            for (int j = 0; j < s.Y; j++)
            {
                float w = ry[j] * rz[k];
                long row = ((long)k * s.Y + j) * s.X;
                for (int i = 0; i < s.X; i++) g.Data[row + i] = rx[i] * w;
            }
        });
        return g;
    }
}
