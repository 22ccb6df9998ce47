using System.Globalization;

namespace CryoMerge.Core.Analysis;

/// <summary>The Fourier filters of one refinement level: one for each map, and the resolution they reach.</summary>
/// <param name="Reference">Gain for map 1 (its own frame, 1/A).</param>
/// <param name="Map">Gain for map 2 (1/A at its current pixel size estimate).</param>
/// <param name="Resolution">Where the weights end (A): the resolution both maps support together.</param>
public sealed record FitFilters(RadialGain Reference, RadialGain Map, double Resolution)
{
    /// <summary>Both maps low-passed alike (the coarse levels).</summary>
    public static FitFilters LowPass(double resolution, double maxFrequency)
    {
        var gain = RadialGain.Tabulate(SpectralFilter.LowPass(resolution, 0.4), maxFrequency);
        return new FitFilters(gain, gain, resolution);
    }

    /// <summary>
    /// Filters from a masked FSC between the maps at the current pose. Each map is whitened by the amplitude of its own
    /// signal (<see cref="SignalSpectrum"/>) so that the signal of both has the same radial profile: a map sharper or
    /// blurrier or noisier than the other would otherwise pull the scale, because the weighting of map 2 stretches with
    /// the candidate pixel size. Then both are weighted by sqrt(FSC / (1 - FSC^2)), the least-squares weight for two
    /// maps with independent noise, from the high-pass edge (default 30 A) to where the smoothed FSC falls below 0.143.
    /// </summary>
    /// <param name="mapScale">Current estimate of map 2's scale (its true pixel over the nominal one).</param>
    /// <param name="finest">Finest resolution allowed (A), from both pixel sizes.</param>
    /// <param name="shellLog">Receives the measured and fitted amplitude profiles, a line per shell (diagnostics), or
    /// null.</param>
    public static FitFilters FromFsc(MaskedComparison comparison, SignalSpectrum reference, SignalSpectrum map,
        double mapScale, double referencePixel, double highPass, double finest, Action<string>? shellLog = null)
    {
        var curve = comparison.Curve;
        int n = curve.ShellCount;
        var smooth = new double[n];
        for (int i = 0; i < n; i++)
        {
            int lo = Math.Max(1, i - 1), hi = Math.Min(n - 1, i + 1);
            double sum = 0;
            for (int j = lo; j <= hi; j++) sum += curve.Fsc[j];
            smooth[i] = i == 0 ? curve.Fsc[0] : sum / (hi - lo + 1);
        }
        var smoothed = curve with { Fsc = smooth };
        double kc = smoothed.FrequencyAt(0.143);
        // Stop before either map's amplitude falls steeply (the edge of a low-pass filter, as relion_postprocess
        // leaves at the reported resolution): whitening there would divide by almost nothing, and map 2's filter, set
        // at the current scale estimate, would be so sensitive to that estimate that refinement could not settle.
        double step = curve.Frequency.Length > 1 ? curve.Frequency[1] : kc / 10;
        // The band's raised-cosine edge reaches 12.5 % past its half point; keep all of it before a steep drop.
        double steep = Math.Min(SteepFrequency(k => reference.Amplitude(k), step, 1 / highPass, kc * 1.2),
            SteepFrequency(k => map.Amplitude(k, mapScale), step, 1 / highPass, kc * 1.2));
        // Nor past where either map's signal sinks into its noise (a map filtered after noise was added keeps its
        // noise but loses its signal): there the amplitude ratio cannot be measured.
        steep = Math.Min(steep, Math.Min(Faint(k => reference.SignalFraction(k), step, 1 / highPass, kc * 1.2),
            Faint(k => map.SignalFraction(k, mapScale), step, 1 / highPass, kc * 1.2)));
        kc = Math.Min(kc, steep / (1 + EdgeFraction / 2));
        kc = Math.Min(kc, 1 / finest);
        double resolution = 1 / kc;
        // Keep the band at least an octave wide: a low-resolution pair moves the high-pass down.
        double hp = Math.Max(Math.Min(highPass, 2.5 * resolution), resolution * 1.5);
        var low = SpectralFilter.LowPass(resolution, EdgeFraction);
        var high = SpectralFilter.HighPass(hp, 0.5);
        double Weight(double k)
        {
            double f = Math.Clamp(Interpolate(smooth, step, k), 0.0, 0.95);
            return Math.Sqrt(f / (1 - f * f)) * low(k) * high(k);
        }
        double maxK = kc * 1.5;
        // Smooth profiles, fitted over the band with the band's weights: shell-to-shell scatter of the measured
        // amplitudes (noise subtraction makes it worse) would otherwise pass straight into the scale.
        var ks = new List<double>();
        var ws = new List<double>();
        var logRef = new List<double>();
        var logRatio = new List<double>();
        // Signal power per component of each masked map: measured at the same Fourier components, less the noise
        // expected from the solvent, so the particle's own speckle cancels in the ratio.
        for (int i = 1; i < n && i * step <= maxK; i++)
        {
            double k = i * step;
            double w = Weight(k);
            double p1 = comparison.ReferencePower[i], p2 = comparison.MapPower[i];
            double n1 = reference.MaskedNoisePower(k, 1, referencePixel, comparison.MaskSquares);
            double n2 = map.MaskedNoisePower(k, mapScale, referencePixel, comparison.MaskSquares);
            double s1 = Math.Max(p1 - n1, SignalSpectrum.MinimumSignalFraction * p1);
            double s2 = Math.Max(p2 - n2, SignalSpectrum.MinimumSignalFraction * p2);
            double a1 = Math.Sqrt(s1), a2 = Math.Sqrt(s2);
            if (w <= 0 || a1 <= 0 || a2 <= 0) continue;
            ks.Add(k / kc);
            ws.Add(w * w * k * k);
            logRef.Add(Math.Log(a1));
            logRatio.Add(Math.Log(a1 / a2));
        }
        if (ks.Count < 4)
            throw new CryoMergeInputException("",
                "the maps share too few Fourier shells to compare " +
                "(is one map empty or filtered to very low resolution?)");
        var refFit = PolynomialInSquare(ks, ws, logRef, Math.Min(3, ks.Count - 1));
        var ratioFit = PolynomialInSquare(ks, ws, logRatio, Math.Min(2, ks.Count - 2));
        if (shellLog is not null)
            for (int i = 0; i < ks.Count; i++)
            {
                double k = ks[i] * kc;
                int shell = (int)Math.Round(k / step);
                double n1 = reference.MaskedNoisePower(k, 1, referencePixel, comparison.MaskSquares);
                double n2 = map.MaskedNoisePower(k, mapScale, referencePixel, comparison.MaskSquares);
                shellLog(string.Create(CultureInfo.InvariantCulture,
                    $"  shell {k:0.0000} 1/A: weight {ws[i]:0.###e0}, " +
                    $"log ratio {logRatio[i]:0.0000} (fit {ratioFit(ks[i]):0.0000}), " +
                    $"log reference {logRef[i]:0.000} (fit {refFit(ks[i]):0.000}); " +
                    $"power 1 {comparison.ReferencePower[shell]:0.##e0} (noise {n1:0.##e0}), " +
                    $"power 2 {comparison.MapPower[shell]:0.##e0} (noise {n2:0.##e0})"));
            }
        var refGain = RadialGain.Tabulate(k => Weight(k) * Math.Exp(-refFit(k / kc)), maxK);
        var mapGain = RadialGain.Tabulate(k => Weight(k) * Math.Exp(ratioFit(k / kc) - refFit(k / kc)), maxK);
        return new FitFilters(refGain, mapGain, resolution);
    }

    /// <summary>Signal fraction below which a shell is noise for this purpose.</summary>
    private const double FaintSignal = 0.1;

    private static double Faint(Func<double, double> signalFraction, double step, double from, double to)
    {
        for (double k = from; k <= to * 1.3; k += step / 2)
            if (signalFraction(k) < FaintSignal) return Math.Max(from, k - step / 2);
        return double.PositiveInfinity;
    }

    /// <summary>
    /// Weighted least-squares polynomial in x^2 of the given degree; returns the fitted function of x.
    /// </summary>
    private static Func<double, double> PolynomialInSquare(List<double> x, List<double> w, List<double> y, int degree)
    {
        int m = degree + 1;
        var a = MathNet.Numerics.LinearAlgebra.Matrix<double>.Build.Dense(m, m);
        var b = MathNet.Numerics.LinearAlgebra.Vector<double>.Build.Dense(m);
        for (int i = 0; i < x.Count; i++)
        {
            double x2 = x[i] * x[i];
            var powers = new double[m];
            for (int p = 0; p < m; p++) powers[p] = Math.Pow(x2, p);
            for (int r = 0; r < m; r++)
            {
                b[r] += w[i] * powers[r] * y[i];
                for (int c = 0; c < m; c++) a[r, c] += w[i] * powers[r] * powers[c];
            }
        }
        var coef = a.Solve(b);
        return v =>
        {
            double v2 = v * v, sum = 0, pow = 1;
            for (int p = 0; p < m; p++) { sum += coef[p] * pow; pow *= v2; }
            return sum;
        };
    }

    /// <summary>Width of the band's low-pass edge as a fraction of its frequency.</summary>
    private const double EdgeFraction = 0.25;

    /// <summary>
    /// Logarithmic slope (d log A / d log k) steeper than any B-factor decay, and the amplitude floor.
    /// </summary>
    private const double SteepSlope = -15, AmplitudeFloor = 1e-3;

    /// <summary>
    /// The last frequency before an amplitude profile drops steeply or to almost nothing (searched from <paramref
    /// name="from"/> to <paramref name="to"/>).
    /// </summary>
    private static double SteepFrequency(Func<double, double> amplitude, double step, double from, double to)
    {
        double max = 0;
        for (double k = from; k <= to * 1.3; k += step / 2) max = Math.Max(max, amplitude(k));
        if (max <= 0) return from;
        for (double k = Math.Max(from, 2 * step); k <= to * 1.3; k += step / 2)
        {
            double a0 = amplitude(k - step), a1 = amplitude(k + step);
            if (amplitude(k) < AmplitudeFloor * max || a1 <= 0) return k - step / 2;
            double slope = Math.Log(a1 / Math.Max(a0, 1e-300)) / Math.Log((k + step) / (k - step));
            if (slope < SteepSlope) return k - step / 2;
        }
        return double.PositiveInfinity;
    }

    /// <summary>Linear interpolation of per-shell values (shell i at i x step) at frequency k.</summary>
    private static double Interpolate(double[] values, double step, double k)
    {
        double x = k / step;
        int i = (int)Math.Floor(x);
        if (i >= values.Length - 1) return values[^1];
        if (i < 0) return values[0];
        double t = x - i;
        return values[i] * (1 - t) + values[i + 1] * t;
    }
}
