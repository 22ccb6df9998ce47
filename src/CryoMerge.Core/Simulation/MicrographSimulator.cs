using CryoMerge.Core.Ctf;
using CryoMerge.Core.Formats;
using CryoMerge.Core.Imaging;
using MathNet.Numerics;

namespace CryoMerge.Core.Simulation;

/// <summary>What one simulated micrograph turned out to be.</summary>
/// <param name="SignalVariance">Mean over its particles of the variance of the noise-free micrograph in the particle's
/// box.</param>
/// <param name="NoiseSigma">Standard deviation of the added white noise: sqrt(SignalVariance / SNR).</param>
public sealed record SimulatedMicrograph(int Index, string Name, string Path, int ParticleCount, double SignalVariance,
    double NoiseSigma);

/// <summary>
/// Renders one micrograph at the true pixel size: the projections of its particles are summed, the whole image is
/// multiplied in Fourier space by minus the true CTF (RELION's convention, so protein is dark as in a real
/// micrograph and white again after extraction with --invert), and white Gaussian noise is added at the requested
/// SNR. Deterministic for a plan and seed, whatever the thread count.
/// </summary>
public static class MicrographSimulator
{
    /// <summary>The micrograph's pixels (X fastest) and its signal and noise levels.</summary>
    public static float[] Render(IFftBackend fft, IProjectionSource source, SimulationSettings settings,
        MicrographPlan plan,
        out double signalVariance, out double noiseSigma, int fftThreads = 1)
    {
        int w = settings.MicrographWidth, h = settings.MicrographHeight;
        var image = new float[(long)w * h];
        foreach (var p in plan.Particles)
            source.AddProjection(image, w, h, p.X, p.Y, p.Rotation, settings.TruePixelSize);
        ApplyCtf(fft, image, w, h, new CtfModel(plan.TrueCtf), settings.TruePixelSize, fftThreads);
        signalVariance = MeanBoxVariance(image, w, h, plan.Particles, settings.Box);
        noiseSigma = signalVariance > 0 ? Math.Sqrt(signalVariance / settings.Snr) : 1;
        SimulationRandom.For(settings.Seed, SimulationPlanner.NoiseStream, plan.Index).AddGaussianNoise(image,
            noiseSigma);
        return image;
    }

    /// <summary>Renders the micrograph and writes it (float32 MRC, header at the nominal pixel size)
    /// atomically.</summary>
    public static SimulatedMicrograph Simulate(IFftBackend fft, IProjectionSource source, SimulationSettings settings,
        MicrographPlan plan,
        string outputPath, int fftThreads = 1)
    {
        var image = Render(fft, source, settings, plan, out double signal, out double sigma, fftThreads);
        var options = new MrcWriteOptions
        {
            PixelSize = Vector3d.All(settings.NominalPixelSize),
            Labels = ["CryoMerge simulated micrograph (true pixel differs from header if nominal != true)"],
        };
        MrcWriter.WriteFile(outputPath, new Shape3(settings.MicrographWidth, settings.MicrographHeight, 1),
            image, options);
        return new SimulatedMicrograph(plan.Index, plan.Name, outputPath, plan.Particles.Count, signal, sigma);
    }

    /// <summary>image := inverse FFT( -CTF x FFT(image) ), the CTF evaluated at the image's own pixel size.</summary>
    public static void ApplyCtf(IFftBackend fft, Span<float> image, int width, int height, CtfModel ctf,
        double pixelSize, int threads = 1)
    {
        var shape = new Shape3(width, height, 1);
        var spectrum = new Complex32[FftLayout.SpectrumLength(shape)];
        fft.ForwardReal(shape, image, spectrum, threads);
        int hx = width / 2 + 1;
        double xs = width * pixelSize, ys = height * pixelSize;
        float norm = (float)(-1.0 / ((double)width * height));
        for (int i = 0; i < height; i++)
        {
            int ip = i <= height / 2 ? i : i - height;
            double ky = ip / ys;
            var row = spectrum.AsSpan(i * hx, hx);
            for (int j = 0; j < hx; j++) row[j] *= (float)ctf.Value(j / xs, ky) * norm;
        }
        fft.InverseReal(shape, spectrum, image, threads);
    }

    private static double MeanBoxVariance(float[] image, int width, int height,
        IReadOnlyList<SimulatedParticle> particles, int box)
    {
        if (particles.Count == 0) return 0;
        double total = 0;
        foreach (var p in particles)
        {
            int x0 = Math.Max(0, (int)p.X - box / 2), y0 = Math.Max(0, (int)p.Y - box / 2);
            int x1 = Math.Min(width, x0 + box), y1 = Math.Min(height, y0 + box);
            var stats = ImageStatistics.Empty;
            for (int y = y0; y < y1; y++) stats = stats.Combine(ImageStatistics.Of(image.AsSpan(y * width + x0,
                x1 - x0)));
            total += stats.StdDev * stats.StdDev;
        }
        return total / particles.Count;
    }
}
