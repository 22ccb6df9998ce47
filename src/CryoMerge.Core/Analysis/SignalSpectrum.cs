using CryoMerge.Core.Imaging;

namespace CryoMerge.Core.Analysis;

/// <summary>
/// The radial power spectrum of a whole (tapered, unmasked) map, and of its noise as estimated from the solvent: the
/// region well away from the density and the box edges, scaled to the box. Their difference is the signal power; its
/// square root is the amplitude profile by which a map is whitened, so that both maps' <em>signal</em> ends up with
/// the same profile however different their noise, blur or filtering (otherwise the fitted scale is biased).
/// Shell i is at i / L, L the largest box side in A at the nominal pixel size.
/// </summary>
/// <param name="Counts">Components of the full transform in each shell.</param>
public sealed record SignalSpectrum(double BoxLength, double PixelSize, double[] Power, double[] Noise,
    bool HasNoiseEstimate, long[] Counts, long VoxelCount, double TaperSquares)
{
    /// <summary>Fraction of the power kept as signal where the noise estimate takes (nearly) all of it.</summary>
    public const double MinimumSignalFraction = 0.05;

    /// <summary>Measures a map's spectrum; <paramref name="solvent"/> (weights 0..1, or null) says where only noise
    /// is.</summary>
    /// <param name="window">The taper the map was multiplied by (its noise was too), or null for none.</param>
    public static SignalSpectrum Measure(IFftBackend fft, MapVolume map, Grid? solvent, Grid? window = null)
    {
        var s = map.Shape;
        double length = Math.Max(s.X, Math.Max(s.Y, s.Z)) * map.PixelSize;
        var (power, _) = ShellPower(fft, map.Grid, s);
        var noise = new double[power.Length];
        bool has = false;
        if (solvent is not null)
        {
            // Noise power scales with the sum of squared weights the noise went through: the solvent weights times
            // the taper there, against the taper over the whole box.
            double sw2 = 0, box2 = 0;
            var weighted = new Grid(s);
            for (int i = 0; i < weighted.Data.Length; i++)
            {
                double t = window?.Data[i] ?? 1, w = solvent.Data[i];
                weighted.Data[i] = (float)(map.Grid.Data[i] * w);
                sw2 += w * w * t * t;
                box2 += t * t;
            }
            var (outside, _) = ShellPower(fft, weighted, s);
            double factor = box2 / sw2;
            for (int i = 0; i < noise.Length; i++) noise[i] = outside[i] * factor;
            has = true;
        }
        double taper2 = 0;
        for (long i = 0; i < s.Count; i++) { double t = window?.Data[i] ?? 1; taper2 += t * t; }
        return new SignalSpectrum(length, map.PixelSize, power, noise, has,
            FourierShellCorrelation.FullSpectrumCounts(s), s.Count, taper2);
    }

    /// <summary>Signal amplitude at spatial frequency <paramref name="k"/> (1/A) when the map's true pixel is <paramref
    /// name="scale"/> x nominal.</summary>
    public double Amplitude(double k, double scale = 1)
    {
        double x = k * BoxLength * scale;
        int i = (int)Math.Floor(x);
        if (i >= Power.Length - 1) return 0;
        double t = x - i;
        double Signal(int j) => Math.Sqrt(Math.Max(Power[j] - Noise[j], MinimumSignalFraction * Power[j]));
        return Signal(i) * (1 - t) + Signal(i + 1) * t;
    }

    /// <summary>
    /// Expected noise power per Fourier component at <paramref name="k"/> (1/A) of this map's noise resampled onto a
    /// grid of
    /// <paramref name="gridPixel"/> A and multiplied by a mask whose squares sum to <paramref name="maskSquares"/>: the
    /// noise to take out of the powers of a <see cref="MaskedComparison"/>.
    /// </summary>
    public double MaskedNoisePower(double k, double scale, double gridPixel, double maskSquares)
    {
        if (!HasNoiseEstimate) return 0;
        double x = k * BoxLength * scale;
        int i = (int)Math.Floor(x);
        if (i >= Noise.Length - 1) return 0;
        double t = x - i;
        double noise = Noise[i] * (1 - t) + Noise[i + 1] * t;
        // Noise[] is |FFT|^2 of the tapered box: per-voxel spectral density times the taper's sum of squares. Density
        // per A^3 is that times the voxel volume; on another grid it is divided by that grid's voxel volume.
        double ratio = PixelSize * scale / gridPixel;
        return noise / TaperSquares * ratio * ratio * ratio * maskSquares;
    }

    /// <summary>
    /// Variance per voxel (where the taper is 1) of the map's noise after a radial filter: the estimate the objective
    /// needs to remove the noise of map 2 from its normalisation. Zero without a noise estimate.
    /// </summary>
    public double FilteredNoiseVariance(Func<double, double> gain, double scale = 1)
    {
        if (!HasNoiseEstimate) return 0;
        double sum = 0;
        for (int i = 0; i < Noise.Length; i++)
        {
            double g = gain(i / (BoxLength * scale));
            sum += (double)Counts[i] * g * g * Noise[i];
        }
        return sum / ((double)VoxelCount * TaperSquares);
    }

    /// <summary>Estimated fraction of the power at <paramref name="k"/> that is signal (1 without a noise
    /// estimate).</summary>
    public double SignalFraction(double k, double scale = 1)
    {
        if (!HasNoiseEstimate) return 1;
        double x = k * BoxLength * scale;
        int i = (int)Math.Floor(x);
        if (i >= Power.Length - 1) return 0;
        double t = x - i;
        double p = Power[i] * (1 - t) + Power[i + 1] * t, n = Noise[i] * (1 - t) + Noise[i + 1] * t;
        return p > 0 ? Math.Clamp((p - n) / p, 0, 1) : 0;
    }

    /// <summary>Mean |F|^2 per physical shell (ROUND(|k| L)) and the number of components in each.</summary>
    private static (double[] Power, long[] Counts) ShellPower(IFftBackend fft, Grid g, Shape3 s)
    {
        var f = FourierShellCorrelation.Transform(fft, g);
        var sums = FourierShellCorrelation.ShellSums(s, f, f, FourierShellCorrelation.ShellRule.Physical);
        var p = new double[sums.Counts.Length];
        for (int i = 0; i < p.Length; i++) p[i] = sums.Den1[i] / Math.Max(1, sums.Counts[i]);
        return (p, sums.Counts);
    }
}

/// <summary>Where a map holds only solvent: outside a generous mask around its density and away from the box
/// edges.</summary>
public static class SolventRegion
{
    /// <summary>Soft weights of the solvent, or null when too little is left (a cut-out zone, a tightly boxed
    /// map).</summary>
    /// <param name="density">A generous mask of the map's density (e.g. <see cref="AutoMask.Create"/>).</param>
    /// <param name="extra">Another mask whose region is excluded too (a user's mask), or null.</param>
    public static Grid? Create(IFftBackend fft, MapVolume map, Grid density, Grid? extra = null)
    {
        var s = map.Shape;
        const int border = 1;
        var hard = new Grid(s);
        for (int k = 0; k < s.Z; k++)
            for (int j = 0; j < s.Y; j++)
                for (int i = 0; i < s.X; i++)
                {
                    bool edge = i < border || j < border || k < border || i >= s.X - border || j >= s.Y - border || k
                        >= s.Z - border;
                    float inside = Math.Max(density[i, j, k], extra is null ? 0f : extra[i, j, k]);
                    hard[i, j, k] = !edge && inside <= 0 ? 1 : 0;
                }
        // Soften the region's edge by two voxels (then it is no longer a box-car in Fourier space).
        var soft = AutoMask.BallConvolve(fft, hard, 2);
        double sum = 0;
        for (int i = 0; i < soft.Data.Length; i++)
        {
            float v = hard.Data[i] > 0 ? Math.Clamp(soft.Data[i], 0f, 1f) : 0f;
            soft.Data[i] = v;
            sum += v * (double)v;
        }
        return sum >= Math.Max(1000, 0.02 * s.Count) ? soft : null;
    }
}
