using CryoMerge.Core.Imaging;
using MathNet.Numerics;

namespace CryoMerge.Core.Analysis;

/// <summary>
/// Radial Fourier filters in physical units (gain as a function of spatial frequency in 1/A) and band-limited
/// resampling of grids of any shape: the spectrum is cropped or zero-padded per axis, so a box keeps its length in
/// Angstrom and its values (not integrals), and input index i lands on output index i x M / N.
/// </summary>
public static class SpectralFilter
{
    /// <summary>Filters <paramref name="input"/> (pixel size per axis in A) by a radial gain.</summary>
    public static Grid Apply(IFftBackend fft, Grid input, Vector3d pixel, Func<double, double> gain, int threads = 0) =>
        Resample(fft, input, pixel, input.Shape, gain, threads);

    /// <summary>
    /// Filters and resamples onto <paramref name="outputShape"/> (same box length in A, so the pixel becomes
    /// N x p / M per axis). Frequencies beyond the smaller grid's Nyquist (and its Nyquist plane when sizes differ) are
    /// dropped.
    /// </summary>
    /// <param name="splineCompensation">
    /// Also divide by the mean frequency response of cubic B-spline interpolation on the output grid,
    /// sinc^4(f) x 3 / (2 + cos 2 pi f) per axis (f in cycles per output voxel), so that a spline fitted to the result
    /// reproduces the filtered map's amplitudes when it is sampled between voxels.
    /// </param>
    public static Grid Resample(IFftBackend fft, Grid input, Vector3d pixel, Shape3 outputShape, Func<double,
        double>? gain = null, int threads = 0, bool splineCompensation = false)
    {
        var n = input.Shape;
        var m = outputShape;
        var spectrum = new Complex32[FftLayout.SpectrumLength(n)];
        fft.ForwardReal(n, input.Data, spectrum, threads);
        var output = new Complex32[FftLayout.SpectrumLength(m)];
        int hn = n.X / 2 + 1, hm = m.X / 2 + 1;
        // Largest |index| kept per axis: everything when sizes agree, strictly below the smaller Nyquist otherwise.
        int limX = n.X == m.X ? n.X / 2 : (Math.Min(n.X, m.X) - 1) / 2;
        int limY = n.Y == m.Y ? n.Y / 2 : (Math.Min(n.Y, m.Y) - 1) / 2;
        int limZ = n.Z == m.Z ? n.Z / 2 : (Math.Min(n.Z, m.Z) - 1) / 2;
        double lx = n.X * pixel.X, ly = n.Y * pixel.Y, lz = n.Z * pixel.Z;
        float scale = (float)(1.0 / n.Count);
        var cx = Compensation(m.X, splineCompensation);
        var cy = Compensation(m.Y, splineCompensation);
        var cz = Compensation(m.Z, splineCompensation);
        Parallel.For(0, m.Z, kz =>
        {
            int fz = kz <= m.Z / 2 ? kz : kz - m.Z;
            if (m.Z == 1) fz = 0;
            bool zOk = Math.Abs(fz) <= limZ;
            for (int iy = 0; iy < m.Y; iy++)
            {
                int fy = iy <= m.Y / 2 ? iy : iy - m.Y;
                long outRow = (long)hm * (iy + (long)m.Y * kz);
                if (!zOk || Math.Abs(fy) > limY)
                {
                    output.AsSpan((int)outRow, hm).Clear();
                    continue;
                }
                int sy = fy < 0 ? fy + n.Y : fy, sz = fz < 0 ? fz + n.Z : fz;
                long inRow = (long)hn * (sy + (long)n.Y * sz);
                double ky = fy / ly, kz2 = fz / lz;
                double k2yz = ky * ky + kz2 * kz2;
                for (int jx = 0; jx < hm; jx++)
                {
                    if (jx > limX)
                    {
                        output[outRow + jx] = default;
                        continue;
                    }
                    float g = scale * cx[jx] * cy[iy] * cz[kz];
                    if (gain is not null)
                    {
                        double kx = jx / lx;
                        g *= (float)gain(Math.Sqrt(kx * kx + k2yz));
                    }
                    output[outRow + jx] = spectrum[inRow + jx] * g;
                }
            }
        });
        var result = new Grid(m);
        fft.InverseReal(m, output, result.Data, threads);
        return result;
    }

    /// <summary>Per-index inverse of the cubic B-spline interpolation response along one axis of n voxels (all 1 when
    /// off).</summary>
    private static float[] Compensation(int n, bool on)
    {
        var c = new float[n];
        for (int i = 0; i < n; i++)
        {
            int f = i <= n / 2 ? i : i - n;
            c[i] = on && n > 1 ? (float)(1 / SplineResponse((double)f / n)) : 1f;
        }
        return c;
    }

    /// <summary>Mean response of cubic B-spline interpolation at f cycles per voxel: sinc^4(f) x 3 / (2 + cos 2 pi
    /// f).</summary>
    public static double SplineResponse(double f)
    {
        double x = Math.PI * f;
        double sinc = Math.Abs(x) < 1e-12 ? 1 : Math.Sin(x) / x;
        return Math.Pow(sinc, 4) * 3 / (2 + Math.Cos(2 * x));
    }

    /// <summary>Raised-cosine low-pass: 1 below <paramref name="resolution"/> + width/2, 0 beyond resolution - width/2
    /// (both in 1/A terms).</summary>
    /// <param name="resolution">Resolution (A) where the gain is one half.</param>
    /// <param name="edgeFraction">Width of the edge as a fraction of the cut-off frequency.</param>
    public static Func<double, double> LowPass(double resolution, double edgeFraction = 0.2)
    {
        double k0 = 1 / resolution, w = edgeFraction * k0;
        return k => CosineEdge(k, k0, w, falling: true);
    }

    /// <summary>Raised-cosine high-pass with the half-gain point at <paramref name="resolution"/> A.</summary>
    public static Func<double, double> HighPass(double resolution, double edgeFraction = 0.5)
    {
        double k0 = 1 / resolution, w = edgeFraction * k0;
        return k => CosineEdge(k, k0, w, falling: false);
    }

    /// <summary>Gaussian blur by a B-factor: exp(-B k^2 / 4).</summary>
    public static Func<double, double> BFactor(double b) => k => Math.Exp(-b * k * k / 4);

    private static double CosineEdge(double k, double k0, double width, bool falling)
    {
        double t = width <= 0 ? (k < k0 ? 0 : 1) : Math.Clamp((k - (k0 - width / 2)) / width, 0, 1);
        double rising = 0.5 - 0.5 * Math.Cos(Math.PI * t);
        return falling ? 1 - rising : rising;
    }

    /// <summary>
    /// Box lengths M per axis for a pixel at or a little finer than <paramref name="targetPixel"/> (never finer than
    /// the
    /// input unless <paramref name="allowFiner"/>), rounded up to sizes whose transforms are fast.
    /// </summary>
    public static Shape3 ShapeForPixel(Shape3 shape, double pixel, double targetPixel, bool allowFiner = false)
    {
        if (!allowFiner && targetPixel <= pixel * 1.0001) return shape;
        if (Math.Abs(targetPixel - pixel) <= pixel * 1e-4) return shape;
        int Size(int n)
        {
            if (n == 1) return 1;
            int m = FftLayout.FastSize(Math.Max(4, (int)Math.Round(n * pixel / targetPixel)));
            // Coarser than the input only when that saves something.
            return !allowFiner && m >= n ? n : m;
        }
        return new Shape3(Size(shape.X), Size(shape.Y), Size(shape.Z));
    }
}
