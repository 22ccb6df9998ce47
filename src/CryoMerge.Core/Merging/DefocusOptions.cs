using CryoMerge.Core.Ctf;

namespace CryoMerge.Core.Merging;

/// <summary>How defocus follows a change of the pixel size at which the CTF was fitted.</summary>
public enum DefocusCorrection
{
    /// <summary>r^2 x old plus the band-weighted Cs constant (science.md 1.5); Cs unchanged. The default.</summary>
    Band,
    /// <summary>scale_ctf.sh's arithmetic: 1/k fixed at 5.68 A in old-pixel frequency units.</summary>
    PaperConstant,
    /// <summary>r^2 x old and Cs x r^4: the fitted CTF is kept exactly, with an apparent Cs.</summary>
    ScaleCs,
}

/// <summary>Choice of defocus correction, with the CTF-fit band for <see cref="DefocusCorrection.Band"/>.</summary>
public sealed record DefocusOptions(DefocusCorrection Correction = DefocusCorrection.Band, CtfFitBand? Band = null,
    BandWeighting Weighting = BandWeighting.Ring)
{
    public static DefocusOptions Default { get; } = new();

    public CtfFitBand FitBand => Band ?? CtfFitBand.Default;

    /// <summary>The change for one pixel-size change and one microscope (Cs in mm, voltage in kV).</summary>
    public DefocusChange For(PixelChange pixel, double csMm, double kilovolts) => Correction switch
    {
        DefocusCorrection.PaperConstant => DefocusRescaling.PaperConstant(pixel.Old, pixel.New, csMm, kilovolts),
        DefocusCorrection.ScaleCs => DefocusRescaling.ScaleCs(pixel.Old, pixel.New, csMm),
        _ => DefocusRescaling.ForBand(pixel.Old, pixel.New, csMm, kilovolts, FitBand, Weighting),
    };

    /// <summary>Whether the voltage is needed (not for Cs rescaling).</summary>
    public bool NeedsVoltage => Correction != DefocusCorrection.ScaleCs;
}

/// <summary>A pixel size relabelled from <paramref name="Old"/> to <paramref name="New"/> (A); r = New / Old.</summary>
public sealed record PixelChange(double Old, double New)
{
    public double Ratio => New / Old;
}
