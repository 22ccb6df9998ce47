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
    public static Grid Generate(IFftBackend fft, Shape3 shape, SignalSpectrum spectrum, Grid? taper, int seed)
    {
        var white = new Grid(shape);
        var rng = new Random(seed);
        var d = white.Data;
        for (int i = 0; i < d.Length; i += 2)
        {
            double u1 = 1 - rng.NextDouble(), u2 = rng.NextDouble();
            double r = Math.Sqrt(-2 * Math.Log(u1));
            d[i] = (float)(r * Math.Cos(2 * Math.PI * u2));
            if (i + 1 < d.Length) d[i + 1] = (float)(r * Math.Sin(2 * Math.PI * u2));
        }
        // Unit white noise has E|F|^2 = N per component; the map's untapered noise has Noise x N / (sum of taper^2).
        double Gain(double k)
        {
            double x = k * spectrum.BoxLength;
            int i = (int)Math.Floor(x);
            if (i >= spectrum.Noise.Length - 1) return 0;
            double t = x - i;
            double noise = spectrum.Noise[i] * (1 - t) + spectrum.Noise[i + 1] * t;
            return Math.Sqrt(Math.Max(0, noise) / spectrum.TaperSquares);
        }
        var coloured = SpectralFilter.Apply(fft, white, Vector3d.All(spectrum.PixelSize), Gain);
        if (taper is not null)
            for (int i = 0; i < coloured.Data.Length; i++) coloured.Data[i] *= taper.Data[i];
        return coloured;
    }
}
