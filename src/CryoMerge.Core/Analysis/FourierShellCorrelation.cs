using CryoMerge.Core.Imaging;
using MathNet.Numerics;

namespace CryoMerge.Core.Analysis;

/// <summary>
/// Fourier shell correlation. <see cref="Relion"/> is relion_image_handler --fsc exactly (RELION 3.1.3
/// src/fftw.cpp getFSC): both maps transformed as they are, every component of the half transform (the kx = 0
/// plane included once, as RELION counts it) goes to shell ROUND(|k|) in pixel units, shells beyond X/2 are
/// dropped, FSC = sum Re(F1 conj F2) / sqrt(sum |F1|^2 sum |F2|^2).
/// </summary>
public static class FourierShellCorrelation
{
    /// <summary>relion_image_handler --i a --fsc b --angpix <paramref name="pixelSize"/>: same shape
    /// required.</summary>
    public static FscCurve Relion(IFftBackend fft, Grid a, Grid b, double pixelSize)
    {
        if (a.Shape
            != b.Shape) throw new ArgumentException($"FSC needs maps of the same shape, not {a.Shape} and {b.Shape}");
        var shape = a.Shape;
        var fa = Transform(fft, a);
        var fb = Transform(fft, b);
        return FromSpectra(shape, fa, fb, pixelSize, ShellRule.Relion);
    }

    /// <summary>The FSC of two maps multiplied by the same mask (values 0..1) first.</summary>
    public static FscCurve Masked(IFftBackend fft, Grid a, Grid b, Grid mask, double pixelSize,
        ShellRule rule = ShellRule.Relion)
    {
        if (a.Shape != b.Shape || a.Shape != mask.Shape)
            throw new ArgumentException(
                $"FSC needs maps and a mask of one shape, not {a.Shape}, {b.Shape} and {mask.Shape}");
        var ma = Multiply(a, mask);
        var mb = Multiply(b, mask);
        return FromSpectra(a.Shape, Transform(fft, ma), Transform(fft, mb), pixelSize, rule);
    }

    /// <summary>How components are assigned to shells.</summary>
    public enum ShellRule
    {
        /// <summary>RELION's: ROUND of the index radius, with RELION's index wrapping; shells 0..X/2. Exact for
        /// cubes.</summary>
        Relion,
        /// <summary>By physical frequency: shell = ROUND(|k| x L) with L the largest box side in A; right for non-cubic
        /// boxes.</summary>
        Physical,
    }

    /// <summary>The FSC of two half spectra (FFTW layout, <see cref="FftLayout.HalfShape"/>) of real grids of <paramref
    /// name="shape"/>.</summary>
    public static FscCurve FromSpectra(Shape3 shape, ReadOnlySpan<Complex32> fa, ReadOnlySpan<Complex32> fb,
        double pixelSize, ShellRule rule = ShellRule.Relion) =>
        FromSums(shape, ShellSums(shape, fa, fb, rule), pixelSize, rule);

    /// <summary>The FSC from per-shell sums already made by <see cref="ShellSums"/> with the same rule.</summary>
    public static FscCurve FromSums(Shape3 shape, Sums sums, double pixelSize, ShellRule rule = ShellRule.Relion)
    {
        int n = sums.Num.Length;
        var fsc = new double[n];
        var freq = new double[n];
        double length = (rule == ShellRule.Relion ? shape.X : Math.Max(shape.X, Math.Max(shape.Y,
            shape.Z))) * pixelSize;
        for (int i = 0; i < n; i++)
        {
            double d = Math.Sqrt(sums.Den1[i] * sums.Den2[i]);
            fsc[i] = d > 0 ? sums.Num[i] / d : 0;
            // RELION labels shell 0 with 1/999 A^-1.
            freq[i] = i > 0 ? i / length : 1.0 / FscCurve.ZeroShellResolution;
        }
        return new FscCurve(fsc, freq, sums.Counts);
    }

    /// <summary>Per-shell sums: cross term, the two powers and counts.</summary>
    public sealed record Sums(double[] Num, double[] Den1, double[] Den2, long[] Counts);

    public static Sums ShellSums(Shape3 shape, ReadOnlySpan<Complex32> fa, ReadOnlySpan<Complex32> fb,
        ShellRule rule = ShellRule.Relion)
    {
        var half = FftLayout.HalfShape(shape);
        if (fa.Length != half.Count || fb.Length
            != half.Count) throw new ArgumentException("spectra do not match the shape");
        int hx = half.X;
        int shells = rule == ShellRule.Relion ? hx : Math.Max(shape.X, Math.Max(shape.Y, shape.Z)) / 2 + 1;
        var num = new double[shells];
        var den1 = new double[shells];
        var den2 = new double[shells];
        var counts = new long[shells];
        double lx = 0, ly = 0, lz = 0;
        if (rule == ShellRule.Physical)
        {
            double l = Math.Max(shape.X, Math.Max(shape.Y, shape.Z));
            (lx, ly, lz) = (l / shape.X, l / shape.Y, l / shape.Z);
        }
        // One partial sum per Z plane, added in plane order: the same result whatever the threads do.
        var planes = new Sums[shape.Z];
        unsafe
        {
            fixed (Complex32* pa = fa, pb = fb)
            {
                var (a, b) = ((IntPtr)pa, (IntPtr)pb);
                Parallel.For(0, shape.Z, k =>
                {
                    var za = (Complex32*)a;
                    var zb = (Complex32*)b;
                    var plane = new Sums(new double[shells], new double[shells], new double[shells], new long[shells]);
                    for (int i = 0; i < shape.Y; i++)
                    {
                        long row = (long)hx * (i + (long)shape.Y * k);
                        for (int j = 0; j < hx; j++)
                        {
                            int idx = rule == ShellRule.Relion ? RelionShell(k, i, j, shape, hx) : PhysicalShell(k, i,
                                j, shape, lx, ly, lz);
                            if (idx >= shells) continue;
                            var z1 = za[row + j];
                            var z2 = zb[row + j];
                            plane.Num[idx] += (double)z1.Real * z2.Real + (double)z1.Imaginary * z2.Imaginary;
                            plane.Den1[idx] += (double)z1.Real * z1.Real + (double)z1.Imaginary * z1.Imaginary;
                            plane.Den2[idx] += (double)z2.Real * z2.Real + (double)z2.Imaginary * z2.Imaginary;
                            plane.Counts[idx]++;
                        }
                    }
                    planes[k] = plane;
                });
            }
        }
        foreach (var plane in planes)
            for (int i = 0; i < shells; i++)
            {
                num[i] += plane.Num[i];
                den1[i] += plane.Den1[i];
                den2[i] += plane.Den2[i];
                counts[i] += plane.Counts[i];
            }
        return new Sums(num, den1, den2, counts);
    }

    /// <summary>
    /// Components of the full (not half) transform per physical shell: a half-spectrum component stands for itself and
    /// its conjugate, except in the kx = 0 plane and the kx = Nyquist plane, where both are stored.
    /// </summary>
    internal static long[] FullSpectrumCounts(Shape3 shape)
    {
        var half = FftLayout.HalfShape(shape);
        int shells = Math.Max(shape.X, Math.Max(shape.Y, shape.Z)) / 2 + 1;
        double l = Math.Max(shape.X, Math.Max(shape.Y, shape.Z));
        double lx = l / shape.X, ly = l / shape.Y, lz = l / shape.Z;
        var counts = new long[shells];
        for (int k = 0; k < shape.Z; k++)
            for (int i = 0; i < shape.Y; i++)
                for (int j = 0; j < half.X; j++)
                {
                    int idx = PhysicalShell(k, i, j, shape, lx, ly, lz);
                    if (idx >= shells) continue;
                    bool self = j == 0 || (shape.X % 2 == 0 && j == shape.X / 2);
                    counts[idx] += self ? 1 : 2;
                }
        return counts;
    }

    /// <summary>RELION's FOR_ALL_ELEMENTS_IN_FFTW_TRANSFORM: kp = k when k &lt; X/2 + 1, else k - Z (likewise for
    /// Y).</summary>
    private static int RelionShell(int k, int i, int j, Shape3 shape, int hx)
    {
        long kp = k < hx ? k : k - shape.Z;
        long ip = i < hx ? i : i - shape.Y;
        return RelionRescale.Round(Math.Sqrt((double)(kp * kp + ip * ip + (long)j * j)));
    }

    internal static int PhysicalShell(int k, int i, int j, Shape3 shape, double lx, double ly, double lz)
    {
        double kp = (k <= shape.Z / 2 ? k : k - shape.Z) * lz;
        double ip = (i <= shape.Y / 2 ? i : i - shape.Y) * ly;
        double jp = j * lx;
        return RelionRescale.Round(Math.Sqrt(kp * kp + ip * ip + jp * jp));
    }

    internal static Complex32[] Transform(IFftBackend fft, Grid g)
    {
        var spectrum = new Complex32[FftLayout.SpectrumLength(g.Shape)];
        fft.ForwardReal(g.Shape, g.Data, spectrum);
        return spectrum;
    }

    internal static Grid Multiply(Grid a, Grid mask)
    {
        var r = new Grid(a.Shape);
        for (long i = 0; i < a.Data.LongLength; i++) r.Data[i] = a.Data[i] * mask.Data[i];
        return r;
    }
}
