using CryoMerge.Core.Imaging;
using MathNet.Numerics;

namespace CryoMerge.Core.Analysis;

/// <summary>
/// Gaussian noise with a map's own noise spectrum (as measured in its solvent by <see cref="SignalSpectrum"/>), tapered
/// like the map. Adding such noise to both maps and refitting shows how the answer moves with noise: the shift of the
/// mean estimates the noise-induced bias (SIMEX: simulation-extrapolation), the spread the standard error.
/// </summary>
public static class NoiseSimulation
{
    /// <summary>
    /// Draws the noise directly in Fourier space (one inverse transform, half the random numbers of white noise made in
    /// real space): each component an independent complex Gaussian of the shell's power, Hermitian where the half
    /// spectrum holds both k and -k. Deterministic for a seed whatever the number of threads.
    /// </summary>
    public static Grid Generate(IFftBackend fft, Shape3 shape, SignalSpectrum spectrum, Grid? taper, int seed)
    {
        int hx = shape.X / 2 + 1;
        var f = new Complex32[FftLayout.SpectrumLength(shape)];
        double lx = shape.X * spectrum.PixelSize, ly = shape.Y * spectrum.PixelSize, lz = shape.Z * spectrum.PixelSize;
        // Unit white noise has E|F|^2 = N per component, and the inverse transform is unscaled: a component of
        // E|F|^2 = Noise / (sum of taper^2) x N, divided by N, gives the map's untapered noise.
        double norm = 1.0 / Math.Sqrt(shape.Count);
        double Sigma(int kx, int ky, int kz)
        {
            double fx = kx / lx, fy = (ky <= shape.Y / 2 ? ky : ky - shape.Y) / ly,
                fz = (kz <= shape.Z / 2 ? kz : kz - shape.Z) / lz;
            double x = Math.Sqrt(fx * fx + fy * fy + fz * fz) * spectrum.BoxLength;
            int i = (int)Math.Floor(x);
            if (i >= spectrum.Noise.Length - 1) return 0;
            double t = x - i;
            double noise = spectrum.Noise[i] * (1 - t) + spectrum.Noise[i + 1] * t;
            return Math.Sqrt(Math.Max(0, noise) / spectrum.TaperSquares) * norm;
        }
        Parallel.For(0, shape.Z, kz =>
        {
            // not HashCode.Combine: that is salted per process
            var rng = new Random(unchecked(seed * 1_000_003 + kz));
            for (int ky = 0; ky < shape.Y; ky++)
            {
                long row = (long)hx * (ky + (long)shape.Y * kz);
                for (int kx = 0; kx < hx; kx++)
                {
                    // Each component's real and imaginary parts have half its power.
                    double s = Sigma(kx, ky, kz) * Math.Sqrt(0.5);
                    var (a, b) = Normals(rng);
                    f[row + kx] = new Complex32((float)(s * a), (float)(s * b));
                }
            }
        });
        MakeHermitian(f, shape, hx, 0);
        if (shape.X % 2 == 0) MakeHermitian(f, shape, hx, shape.X / 2);
        var noise = new Grid(shape);
        fft.InverseReal(shape, f, noise.Data);
        if (taper is not null)
            for (int i = 0; i < noise.Data.Length; i++) noise.Data[i] *= taper.Data[i];
        return noise;
    }

    /// <summary>
    /// On a plane kx = 0 or X/2 the half spectrum holds both (ky, kz) and (-ky, -kz): the second becomes the conjugate
    /// of the first, and a component that is its own partner becomes real with the whole power (sqrt 2 x its real
    /// part).
    /// </summary>
    private static void MakeHermitian(Complex32[] f, Shape3 shape, int hx, int kx)
    {
        long Index(int ky, int kz) => kx + (long)hx * (ky + (long)shape.Y * kz);
        for (int kz = 0; kz < shape.Z; kz++)
            for (int ky = 0; ky < shape.Y; ky++)
            {
                int py = (shape.Y - ky) % shape.Y, pz = (shape.Z - kz) % shape.Z;
                long self = Index(ky, kz), partner = Index(py, pz);
                if (self == partner) f[self] = new Complex32(f[self].Real * MathF.Sqrt(2), 0);
                else if (self < partner) f[partner] = f[self].Conjugate();
            }
    }

    /// <summary>Two independent standard normal numbers (Box-Muller).</summary>
    private static (double, double) Normals(Random rng)
    {
        double u1 = 1 - rng.NextDouble(), u2 = rng.NextDouble();
        double r = Math.Sqrt(-2 * Math.Log(u1));
        return (r * Math.Cos(2 * Math.PI * u2), r * Math.Sin(2 * Math.PI * u2));
    }
}
