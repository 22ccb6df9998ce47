using CryoMerge.Core.Imaging;
using MathNet.Numerics;

namespace CryoMerge.Core.Reconstruction;

public static partial class ReconstructionSolver
{
    /// <summary>
    /// RELION's windowToOridimRealSpace: the FFTW-ordered padded transform windowed to the padded map size M
    /// (windowFourierTransform: cropped, or zero-padded keeping r &lt;= P/2 when --maxres made the grid small),
    /// centred by sign, inverted, cut to N^3 about M/2 and divided by padding^3 x N.
    /// </summary>
    private static Grid ToRealSpace(IFftBackend fft, ReconstructionGrid grid, Complex32[] data, int threads)
    {
        int p = grid.PaddedSize, hx = grid.HalfX;
        int m = grid.PaddedMapSize, hm = m / 2 + 1, n = grid.MapSize;
        bool growing = hm > hx;
        int keepR2 = (hx - 1) * (hx - 1);
        var spectrum = new Complex32[(long)hm * m * m];
        ForEachPlane(m, threads, k =>
        {
            int kp = Logical(k, hm, m);
            if (kp < -(p - hx) || kp > hx - 1) return;
            for (int i = 0; i < m; i++)
            {
                int ip = Logical(i, hm, m);
                if (ip < -(p - hx) || ip > hx - 1) continue;
                long inRow = (long)hx * ((ip < 0 ? ip + p : ip) + (long)p * (kp < 0 ? kp + p : kp));
                long outRow = (long)hm * (i + (long)m * k);
                for (int j = 0; j < Math.Min(hm, hx); j++)
                {
                    if (growing && kp * kp + ip * ip + j * j > keepR2) continue;
                    var v = data[inRow + j];
                    spectrum[outRow + j] = ((k + i + j) & 1) != 0 ? -v : v;
                }
            }
        });
        var shape = new Shape3(m, m, m);
        var real = new float[shape.Count];
        fft.InverseReal(shape, spectrum, real, threads);
        spectrum = null;
        var map = Grid.Cube(n);
        float norm = (float)(1 / (grid.Padding * grid.Padding * grid.Padding * n));
        int offset = m / 2 - n / 2;
        for (int z = 0; z < n; z++)
            for (int y = 0; y < n; y++)
            {
                var from = real.AsSpan((int)(offset + (long)m * ((y + offset) + (long)m * (z + offset))), n);
                var to = map.Data.AsSpan(n * (y + n * z), n);
                for (int x = 0; x < n; x++) to[x] = from[x] * norm;
            }
        return map;
    }

    /// <summary>
    /// RELION's softMaskOutsideMap with its defaults: voxels beyond radius N/2 move towards the mean of the voxels
    /// there (weighted by a raised cosine over 3 voxels), and beyond N/2 + 3 become that mean.
    /// </summary>
    internal static void SoftMaskOutsideMap(Grid map)
    {
        int n = map.Shape.X, h = n / 2;
        double radius = n / 2.0, width = 3, outer = radius + width;
        double sum = 0, sumBackground = 0;
        var data = map.Data;
        for (int z = 0; z < n; z++)
            for (int y = 0; y < n; y++)
                for (int x = 0; x < n; x++)
                {
                    double r = Radius(x - h, y - h, z - h);
                    if (r < radius) continue;
                    double f = r > outer ? 1 : 0.5 + 0.5 * Math.Cos(Math.PI * (outer - r) / width);
                    sum += f;
                    sumBackground += f * data[x + n * (y + n * z)];
                }
        double background = sumBackground / sum;
        for (int z = 0; z < n; z++)
            for (int y = 0; y < n; y++)
                for (int x = 0; x < n; x++)
                {
                    double r = Radius(x - h, y - h, z - h);
                    if (r < radius) continue;
                    int index = x + n * (y + n * z);
                    if (r > outer)
                        data[index] = (float)background;
                    else
                    {
                        double f = 0.5 + 0.5 * Math.Cos(Math.PI * (outer - r) / width);
                        data[index] = (float)((1 - f) * data[index] + f * background);
                    }
                }
    }

    /// <summary>RELION's griddingCorrect for trilinear interpolation: divide by sinc^2(r / (N x padding)), r from
    /// N/2.</summary>
    internal static void GriddingCorrect(Grid map, ReconstructionGrid grid)
    {
        int n = map.Shape.X, h = n / 2;
        double scale = 1 / (n * grid.Padding);
        var data = map.Data;
        for (int z = 0; z < n; z++)
            for (int y = 0; y < n; y++)
                for (int x = 0; x < n; x++)
                {
                    double r = Radius(x - h, y - h, z - h);
                    if (r == 0) continue;
                    double t = Math.PI * r * scale;
                    double sinc = Math.Sin(t) / t;
                    data[x + n * (y + n * z)] = (float)(data[x + n * (y + n * z)] / (sinc * sinc));
                }
    }

    private static double Radius(int x, int y, int z) => Math.Sqrt((double)x * x + (double)y * y + (double)z * z);
}
