namespace CryoMerge.Core.Analysis;

/// <summary>
/// A Fourier shell correlation curve: one value per shell, shell i at spatial frequency i / (box x pixel). Shell 0 is
/// labelled 999 A, as relion_image_handler --fsc does.
/// </summary>
/// <param name="Fsc">Correlation per shell.</param>
/// <param name="Frequency">Spatial frequency of each shell in 1/A.</param>
/// <param name="Counts">Fourier components that went into each shell (of the half transform).</param>
public sealed record FscCurve(double[] Fsc, double[] Frequency, long[] Counts)
{
    /// <summary>RELION's label for shell 0.</summary>
    public const double ZeroShellResolution = 999.0;

    public int ShellCount => Fsc.Length;

    /// <summary>Resolution of shell i in A (999 for shell 0).</summary>
    public double Resolution(int shell) => shell > 0 ? 1.0 / Frequency[shell] : ZeroShellResolution;

    /// <summary>
    /// RELION's convention (relion_postprocess, 3.1.3 src/postprocessing.cpp): the resolution of the last shell
    /// before the first one whose FSC is below <paramref name="threshold"/>; no interpolation. 999 when even shell 1
    /// is below, Nyquist when the curve never drops.
    /// </summary>
    public double ResolutionAt(double threshold)
    {
        double resolution = ZeroShellResolution;
        for (int i = 0; i < Fsc.Length; i++)
        {
            if (Fsc[i] < threshold) break;
            resolution = Resolution(i);
        }
        return resolution;
    }

    /// <summary>
    /// The paper script's convention (determine_relative_pixel_size.py): the first shell whose FSC is not above the
    /// threshold, skipping shells at or below -0.5, linearly interpolated in Angstrom with the last shell above it;
    /// the last shell's resolution when the curve never drops.
    /// </summary>
    public double InterpolatedResolutionAt(double threshold)
    {
        int above = 0;
        for (int i = 0; i < Fsc.Length; i++)
        {
            if (Fsc[i] > threshold) above = i;
            else if (Fsc[i] > -0.5)
            {
                double x1 = Resolution(above), x2 = Resolution(i), y1 = Fsc[above], y2 = Fsc[i];
                // The script returns 999 on a zero division (equal FSC values in both shells).
                return y1 == y2 ? ZeroShellResolution : x1 + (x2 - x1) * (y1 - threshold) / (y1 - y2);
            }
        }
        return Resolution(Fsc.Length - 1);
    }

    /// <summary>
    /// The spatial frequency (1/A) where the curve first falls below the threshold, linearly interpolated between
    /// shells in frequency (smoother than either convention above; used to choose filters).
    /// </summary>
    public double FrequencyAt(double threshold)
    {
        for (int i = 1; i < Fsc.Length; i++)
        {
            if (Fsc[i] >= threshold) continue;
            double f0 = Fsc[i - 1], f1 = Fsc[i];
            double t = f0 == f1 ? 0 : Math.Clamp((f0 - threshold) / (f0 - f1), 0, 1);
            return Frequency[i - 1] + t * (Frequency[i] - Frequency[i - 1]);
        }
        return Frequency[^1];
    }

    /// <summary>
    /// The resolution (A) where the curve first falls below the threshold, interpolated in frequency
    /// (<see cref="FrequencyAt"/>): the number the merge's summary and plots give for a curve, so that they agree.
    /// </summary>
    public double CrossingResolution(double threshold) => 1 / FrequencyAt(threshold);

    /// <summary>The paper script's score: mean over FSC 0.5, 0.4, 0.3 and 0.2 of <see cref="InterpolatedResolutionAt"/>
    /// (A; lower is better).</summary>
    public double PaperScore() =>
        (InterpolatedResolutionAt(0.5) + InterpolatedResolutionAt(0.4) + InterpolatedResolutionAt(0.3)
        + InterpolatedResolutionAt(0.2)) / 4;
}
