using CryoMerge.Core.Imaging;
using MathNet.Numerics;

namespace CryoMerge.Core.Reconstruction;

public static partial class ReconstructionSolver
{
    /// <summary>
    /// RELION's iterative gridding weights (Pipe and Menon 1999, Eq. 14): W starts at 1 inside the sphere
    /// (r^2 &lt; R^2) and 0 outside; each iteration divides W by max(1e-6, |(W x weights) * blob|), the convolution
    /// done
    /// as RELION does it, by a product in real space on the odd padded grid. The data are then multiplied by W.
    /// </summary>
    private static void ApplyGriddingWeights(IFftBackend fft, ReconstructionGrid grid, Complex32[] data,
        float[] weights,
        int iterations, bool relionGrid, int threads)
    {
        int p = grid.PaddedSize, hx = grid.HalfX, maxR2 = grid.MaxRadius2;
        long n = grid.Count;
        // Double, as in RELION: unsampled components grow by 1e6 per iteration. Only components inside the sphere
        // start (and stay) non-zero, so w != 0 marks them.
        var w = new double[n];
        ForEachPlane(p, threads, k =>
        {
            int kp = Logical(k, hx, p);
            for (int i = 0; i < p; i++)
            {
                int ip = Logical(i, hx, p);
                long row = (long)hx * (i + (long)p * k);
                for (int j = 0; j < hx && kp * kp + ip * ip + j * j < maxR2; j++) w[row + j] = 1;
            }
        });
        if (iterations > 0)
        {
            // The convolution's grid: RELION's odd P, or the next fast FFT size (same kernel, sampled more finely).
            int q = relionGrid ? p : FftLayout.FastSize(p), hq = q / 2 + 1;
            var shape = new Shape3(q, q, q);
            var conv = new Complex32[(long)hq * q * q];
            var real = new float[shape.Count];
            var blob = BlobByRadius2(grid, q);
            float scale = 1f / ((float)q * q * q);   // RELION's forward transform is normalised by the size
            for (int iteration = 0; iteration < iterations; iteration++)
            {
                if (q != p) Array.Clear(conv);
                ForEachRow(p, hx, q, hq, threads, (from, to) =>
                {
                    for (int j = 0; j < hx; j++)
                        conv[to + j] = new Complex32((float)Math.Clamp(w[from + j] * weights[from + j],
                            -1e30, 1e30), 0);
                });
                fft.InverseReal(shape, conv, real, threads);
                MultiplyByBlob(real, q, blob, threads);
                fft.ForwardReal(shape, real, conv, threads);
                ForEachRow(p, hx, q, hq, threads, (from, to) =>
                {
                    for (int j = 0; j < hx; j++)
                        if (w[from + j] != 0) w[from + j] /= Math.Max(1e-6, conv[to + j].Magnitude * scale);
                });
            }
        }
        ForEachPlane(p, threads, k =>
        {
            long start = (long)hx * p * k, end = start + (long)hx * p;
            for (long m = start; m < end; m++)
            {
                var v = data[m];
                double f = w[m];
                data[m] = new Complex32((float)(v.Real * f), (float)(v.Imaginary * f));
            }
        });
    }

    /// <summary>
    /// FT(blob)(r / (N x padding)) / FT(blob)(0) by r^2, for the real-space grid of RELION's convoluteBlobRealSpace,
    /// whose coordinates run k &lt; Q/2 ? k : k - Q (from -(P/2 + 1) to P/2 - 1 on RELION's odd side Q = P); on a
    /// larger grid Q, r is in units of the P grid's voxels (P / Q of Q's).
    /// </summary>
    private static float[] BlobByRadius2(ReconstructionGrid grid, int q)
    {
        int most = q - q / 2;
        var table = new float[3 * most * most + 1];
        double scale = (double)grid.PaddedSize / q / (grid.MapSize * grid.Padding);
        for (int r2 = 0; r2 < table.Length; r2++) table[r2] = (float)GriddingBlob.Normalised(Math.Sqrt(r2) * scale);
        return table;
    }

    private static void MultiplyByBlob(float[] real, int p, float[] blob, int threads)
    {
        int half = p / 2;
        ForEachPlane(p, threads, k =>
        {
            int kp = k < half ? k : k - p;
            for (int i = 0; i < p; i++)
            {
                int ip = i < half ? i : i - p;
                int r2yz = kp * kp + ip * ip;
                var row = real.AsSpan((int)((long)p * (i + (long)p * k)), p);
                for (int j = 0; j < p; j++)
                {
                    int jp = j < half ? j : j - p;
                    row[j] *= blob[r2yz + jp * jp];
                }
            }
        });
    }

    /// <summary>
    /// Runs <paramref name="body"/>(start on the P grid, start on the Q grid) for every row of the P grid's half
    /// transform, rows of equal logical frequency on both grids.
    /// </summary>
    private static void ForEachRow(int p, int hx, int q, int hq, int threads, Action<long, long> body) =>
        ForEachPlane(p, threads, k =>
        {
            int kp = Logical(k, hx, p), kq = kp < 0 ? kp + q : kp;
            for (int i = 0; i < p; i++)
            {
                int ip = Logical(i, hx, p), iq = ip < 0 ? ip + q : ip;
                body((long)hx * (i + (long)p * k), (long)hq * (iq + (long)q * kq));
            }
        });

    /// <summary>Runs <paramref name="body"/> for planes 0 .. <paramref name="planes"/> - 1 on up to <paramref
    /// name="threads"/> threads.</summary>
    private static void ForEachPlane(int planes, int threads, Action<int> body)
    {
        if (threads <= 1)
            for (int k = 0; k < planes; k++) body(k);
        else
            Parallel.For(0, planes, new ParallelOptions { MaxDegreeOfParallelism = threads }, body);
    }
}
