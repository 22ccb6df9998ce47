using CryoMerge.Core.Imaging;

namespace CryoMerge.Core.Analysis;

/// <summary>How a map's resolution was found.</summary>
public enum MapResolutionSource
{
    /// <summary>Stated in the merge plan (e.g. from the data set's RELION PostProcess).</summary>
    Plan,
    /// <summary>The masked FSC of the two half maps at 0.143.</summary>
    HalfMaps,
    /// <summary>The map's own spectral signal/noise, with the solvent as the noise.</summary>
    SignalToNoise,
}

/// <summary>A map's resolution (A) and how it was found.</summary>
public sealed record MapResolutionEstimate(double Resolution, MapResolutionSource Source)
{
    /// <summary>"half-map FSC at 0.143", "stated in the plan", "spectral signal/noise".</summary>
    public string Method => Source switch
    {
        MapResolutionSource.Plan => "stated in the plan",
        MapResolutionSource.HalfMaps => "half-map FSC at 0.143 in an automatic mask",
        _ => "spectral signal/noise of the map, its solvent as noise",
    };
}

/// <summary>
/// Cheap estimates of a map's resolution, to choose the best-resolved data set as the reference of a merge. With half
/// maps: their masked FSC at 0.143 (the gold standard). With one map: where its own signal/noise, the solvent's power
/// spectrum taken as its noise, falls to the level at which half maps of it would correlate at 0.143. Filtering is
/// seen too: beyond a low-pass the signal falls below the noise the map had before it, so a map low-passed at 6 A is
/// estimated at about 6 A. Each costs a few FFTs of the map.
/// </summary>
public static class MapResolution
{
    public const double FscThreshold = 0.143;

    /// <summary>
    /// The full map's signal/noise at which its half maps (each with twice the noise power) correlate at 0.143:
    /// FSC = SNR_half / (1 + SNR_half), SNR_full = 2 SNR_half, so 2 x 0.143 / 0.857 = 0.334.
    /// </summary>
    public static readonly double SignalToNoiseThreshold = 2 * FscThreshold / (1 - FscThreshold);

    /// <summary>Shells coarser than this (A) are not judged: solvent boundaries and masks dominate them.</summary>
    public const double CoarsestJudged = 20;

    /// <summary>The noise the map had before any filter is its largest solvent power finer than this (A).</summary>
    public const double NoiseFloorFrom = 10;

    /// <summary>A solvent whose power stays below this fraction of the map's is flattened (masked).</summary>
    public const double MinimumNoise = 1e-6;

    public static MapResolutionEstimate FromHalfMaps(IFftBackend fft, MapVolume half1, MapVolume half2)
    {
        if (half1.Shape != half2.Shape)
            throw new CryoMergeInputException(half2.Name, $"half map is {half2.Shape}, its other half {half1.Shape}");
        var sum = new Grid(half1.Shape);
        for (int i = 0; i < sum.Data.Length; i++) sum.Data[i] = 0.5f * (half1.Grid.Data[i] + half2.Grid.Data[i]);
        var mask = AutoMask.Create(fft, half1 with { Grid = sum });
        var fsc = FourierShellCorrelation.Masked(fft, half1.Grid, half2.Grid, mask, half1.PixelSize);
        return new MapResolutionEstimate(fsc.InterpolatedResolutionAt(FscThreshold), MapResolutionSource.HalfMaps);
    }

    /// <summary>
    /// The resolution from the map's own spectral signal/noise; null when it has too little solvent, or none with
    /// noise in it, to measure its noise.
    /// </summary>
    public static MapResolutionEstimate? FromSignalToNoise(IFftBackend fft, MapVolume map)
    {
        var density = AutoMask.Create(fft, map);
        if (SolventRegion.Create(fft, map, density) is not { } solvent) return null;
        // Zero-mean solvent, so that the box edges add no step to the transform.
        double sum = 0, weight = 0;
        for (int i = 0; i < solvent.Data.Length; i++)
        {
            sum += solvent.Data[i] * (double)map.Grid.Data[i];
            weight += solvent.Data[i];
        }
        float level = (float)(sum / weight);
        var centred = new Grid(map.Shape);
        for (int i = 0; i < centred.Data.Length; i++) centred.Data[i] = map.Grid.Data[i] - level;
        var spectrum = SignalSpectrum.Measure(fft, map with { Grid = centred }, solvent);
        return FromSpectrum(spectrum) is double resolution
            ? new MapResolutionEstimate(resolution, MapResolutionSource.SignalToNoise)
            : null;
    }

    /// <summary>
    /// The first shell finer than <see cref="CoarsestJudged"/> where signal (power minus noise) over noise falls below
    /// <see cref="SignalToNoiseThreshold"/>, interpolated in frequency; the noise of a shell is never taken below the
    /// largest noise power finer than <see cref="NoiseFloorFrom"/> (the map's noise before a low-pass). Nyquist when
    /// it never falls; null when the solvent holds next to no power (a masked or flattened map: no noise to measure).
    /// </summary>
    internal static double? FromSpectrum(SignalSpectrum spectrum)
    {
        double length = spectrum.BoxLength;
        int nyquist = Math.Min(spectrum.Power.Length - 1, (int)Math.Floor(length / (2 * spectrum.PixelSize)));
        int first = Math.Max(1, (int)Math.Ceiling(length / CoarsestJudged));
        double floor = 0;
        for (int i = Math.Max(first, (int)Math.Ceiling(length / NoiseFloorFrom)); i <= nyquist; i++)
            floor = Math.Max(floor, spectrum.Noise[i]);
        double signal = 0;
        for (int i = first; i <= nyquist; i++) signal = Math.Max(signal, spectrum.Power[i]);
        if (!(floor > MinimumNoise * signal)) return null;
        double Snr(int i) => Math.Max(spectrum.Power[i] - spectrum.Noise[i], 0)
            / Math.Max(Math.Max(spectrum.Noise[i], floor), double.Epsilon);
        double t = SignalToNoiseThreshold;
        for (int i = first; i <= nyquist; i++)
        {
            double s = Snr(i);
            if (s >= t) continue;
            if (i == first) return length / i;
            double previous = Snr(i - 1), f = (i - 1) + (previous - t) / (previous - s);
            return length / f;
        }
        return length / nyquist;
    }
}
