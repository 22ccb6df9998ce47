using CryoMerge.Core.Imaging;

namespace CryoMerge.Core.Tests.Imaging;

internal static class ImagingTestData
{
    public static Grid Noise(Shape3 shape, int seed)
    {
        var rng = new Random(seed);
        var g = new Grid(shape);
        for (int i = 0; i < g.Data.Length; i++) g.Data[i] = (float)(rng.NextDouble() * 2 - 1);
        return g;
    }

    /// <summary>
    /// A smooth, periodic, band-limited image or volume: a sum of a few cosines with whole numbers of cycles per
    /// box, all below <paramref name="maxCyclesPerPixel"/>, so that its DFT has no leakage.
    /// </summary>
    public static Grid BandLimited(Shape3 shape, int seed, double maxCyclesPerPixel = 0.12)
    {
        var rng = new Random(seed);
        int Cycles(int n) => n == 1 ? 0 : rng.Next(-(int)(maxCyclesPerPixel * n), (int)(maxCyclesPerPixel * n) + 1);
        var waves = Enumerable.Range(0, 6).Select(_ => (
            kx: (double)Cycles(shape.X) / shape.X, ky: (double)Cycles(shape.Y) / shape.Y,
            kz: (double)Cycles(shape.Z) / shape.Z,
            phase: rng.NextDouble() * 6.28, a: rng.NextDouble())).ToArray();
        var g = new Grid(shape);
        for (int z = 0; z < shape.Z; z++)
            for (int y = 0; y < shape.Y; y++)
                for (int x = 0; x < shape.X; x++)
                {
                    double v = 0;
                    foreach (var w in waves) v += w.a * Math.Cos(2 * Math.PI * (w.kx * x + w.ky * y + w.kz * z)
                        + w.phase);
                    g[x, y, z] = (float)v;
                }
        return g;
    }

    public static double StdDev(float[] values) => ImageStatistics.Of(values).StdDev;

    /// <summary>
    /// Largest absolute difference, with the voxel where it occurs (the first when the two are equal), for failure
    /// messages.
    /// </summary>
    public static (double Difference, long Index) MaxDifference(float[] a, float[] b)
    {
        double max = 0;
        long where = 0;
        for (long i = 0; i < a.Length; i++)
        {
            double d = Math.Abs(a[i] - b[i]);
            if (d > max) { max = d; where = i; }
        }
        return (max, where);
    }
}
