namespace CryoMerge.Core.Ctf;

/// <summary>How the frequencies of a CTF fit count in the least-squares fit that absorbs the Cs term into
/// defocus.</summary>
public enum BandWeighting
{
    /// <summary>Every frequency counts the same (a 1-D fit of a rotational average): k_eff^2 = (5/7)(kb^7 - ka^7)/(kb^5
    /// - ka^5).</summary>
    Uniform,
    /// <summary>
    /// Every pixel of a 2-D power spectrum counts the same, so a ring at frequency k weighs in proportion to k (how
    /// CTFFIND and Gctf fit): k_eff^2 = (3/4)(kb^8 - ka^8)/(kb^6 - ka^6). The default.
    /// </summary>
    Ring,
}

/// <summary>The resolution band of the CTF fit, in Angstrom as labelled at the pixel size the fit used (CTFFIND's
/// defaults: 30-5 A).</summary>
public sealed record CtfFitBand(double LowResolution = 30, double HighResolution = 5)
{
    public static CtfFitBand Default { get; } = new();

    /// <summary>Checks 0 &lt; high &lt; low; the message names the problem.</summary>
    public string? Problem =>
        !(HighResolution > 0) || !(LowResolution > 0) || double.IsInfinity(LowResolution)
            ? "the band's resolutions must be positive (in A)"
        : HighResolution >= LowResolution
            ? $"the band must go from low to high resolution (e.g. 30,5), not {LowResolution},{HighResolution}"
        : null;
}

/// <summary>A defocus change: new = <see cref="Factor"/> x old + <see cref="Constant"/> (A), and the Cs to write with
/// it.</summary>
/// <param name="Factor">r^2 with r = new pixel / old pixel.</param>
/// <param name="Constant">Added to every scaled defocus, in A; positive means the defocus is increased.</param>
/// <param name="NewCs">Spherical aberration to write, in mm (unchanged unless Cs is rescaled).</param>
/// <param name="EffectiveResolution">1/k_eff in A at the new pixel size, or null when no constant is added.</param>
public sealed record DefocusChange(double Factor, double Constant, double NewCs, double? EffectiveResolution)
{
    public double Apply(double defocus) => Factor * defocus + Constant;
}

/// <summary>
/// Defocus (and Cs) after relabelling the pixel size at which a CTF was fitted (science.md section 1.5).
/// A fitted Thon-ring pattern is fixed in pixel frequency; with r = p_new / p_old the k^2 term stays the same when
/// defocus scales by r^2, but the Cs (k^4) term cannot, because Cs is a physical constant. A least-squares fit over
/// the band absorbed the mismatch into defocus, so the best defocus at the new pixel size is
/// <c>r^2 df_old + 0.5 Cs lambda^2 (1 - r^4) k_eff^2</c>, k_eff^2 = sum(w k^6) / sum(w k^4) over the band in new
/// frequency units. The paper's scale_ctf.sh is this with 1/k_eff fixed at 5.68 A in old-pixel units.
/// </summary>
public static class DefocusRescaling
{
    /// <summary>scale_ctf.sh's "average-ish spatial resolution" (A), in the old pixel's frequency units.</summary>
    public const double PaperResolution = 5.68;

    /// <summary>Cs in mm to Angstrom.</summary>
    public const double MillimetreInAngstrom = 1e7;

    /// <summary>sum(w k^6) / sum(w k^4) over [1/low, 1/high] (1/A^2), for continuous k with the given
    /// weighting.</summary>
    public static double EffectiveFrequencySquared(CtfFitBand band, BandWeighting weighting = BandWeighting.Ring)
    {
        if (band.Problem is { } problem) throw new ArgumentException(problem, nameof(band));
        double ka = 1 / band.LowResolution, kb = 1 / band.HighResolution;
        return weighting switch
        {
            BandWeighting.Uniform => 5.0 / 7.0 * (Math.Pow(kb, 7) - Math.Pow(ka, 7)) / (Math.Pow(kb,
                5) - Math.Pow(ka, 5)),
            _ => 3.0 / 4.0 * (Math.Pow(kb, 8) - Math.Pow(ka, 8)) / (Math.Pow(kb, 6) - Math.Pow(ka, 6)),
        };
    }

    /// <summary>
    /// The band-weighted correction (the default). The band is given as the fit labelled it (old pixel); in new
    /// frequency units k_new = k_old / r, so k_eff^2 (new) = k_eff^2 (old) / r^2.
    /// </summary>
    public static DefocusChange ForBand(double oldPixel, double newPixel, double csMm, double kilovolts,
        CtfFitBand? band = null, BandWeighting weighting = BandWeighting.Ring)
    {
        double r = Ratio(oldPixel, newPixel);
        double kEff2 = EffectiveFrequencySquared(band ?? CtfFitBand.Default, weighting) / (r * r);
        double lambda = Electron.Wavelength(kilovolts);
        double constant = 0.5 * csMm * MillimetreInAngstrom * lambda * lambda * (1 - Math.Pow(r, 4)) * kEff2;
        return new DefocusChange(r * r, constant, csMm, 1 / Math.Sqrt(kEff2));
    }

    /// <summary>
    /// Exactly what scale_ctf.sh computes (gawk, each step printed to 6 decimals): Cs rounded to whole Angstrom,
    /// lambda 0.0197 A at 300 kV and 0.0251 A at 200 kV (RELION's value rounded to 4 decimals otherwise),
    /// alpha = old/new, new = old / alpha^2 - correction with correction = -0.5 Cs lambda^2 (alpha^2 - alpha^-2) /
    /// 5.68^2.
    /// The script prints "plus a constant correction of {correction}" although it subtracts it: for
    /// 0.900 -> 0.880, Cs 2.7 mm, 300 kV it prints -14.602555 and increases the defocus by 14.60 A.
    /// </summary>
    public static DefocusChange PaperConstant(double oldPixel, double newPixel, double csMm, double kilovolts)
    {
        Ratio(oldPixel, newPixel);
        double cs = Math.Round(csMm * MillimetreInAngstrom, MidpointRounding.ToEven);
        double lambda = Math.Round(kilovolts) switch
        {
            300 => 0.0197,
            200 => 0.0251,
            _ => Math.Round(Electron.Wavelength(kilovolts), 4),
        };
        double varC = Six(-0.5 * cs * lambda * lambda);
        double alpha = Six(oldPixel / newPixel);
        double alpha2 = Six(alpha * alpha);
        double constant = Six(varC * alpha * alpha - varC / (alpha * alpha));
        double correction = Six(constant / (PaperResolution * PaperResolution));
        double r = newPixel / oldPixel;
        return new DefocusChange(1 / alpha2, -correction, csMm, PaperResolution * r);
    }

    /// <summary>The factor scale_ctf.sh prints ("Defocus scaled by 0.956049"): 1/alpha^2 to 6 decimals.</summary>
    public static double PaperPrintedFactor(double oldPixel, double newPixel)
    {
        double alpha = Six(oldPixel / newPixel);
        return Six(1 / Six(alpha * alpha));
    }

    /// <summary>
    /// Keeps the fitted CTF exactly (the same Thon rings at every pixel frequency): defocus x r^2 and
    /// Cs x r^4, r = new/old. The Cs written is then the apparent Cs of the fit at the new pixel size, which is the
    /// law Cs_app = Cs (p_nom/p_true)^4 read from the old labelling to the new one: relabelling 0.900 -> 0.880 A gives
    /// 2.7 -> 2.47 mm; the RELION documentation's 0.51 A true / 0.54 A nominal gives 2.7 -> 3.39 mm the other way.
    /// </summary>
    public static DefocusChange ScaleCs(double oldPixel, double newPixel, double csMm)
    {
        double r = Ratio(oldPixel, newPixel);
        return new DefocusChange(r * r, 0, csMm * Math.Pow(r, 4), null);
    }

    /// <summary>
    /// The CTF phase without the amplitude-contrast and phase-shift terms, in the brief's sign convention
    /// (RELION's gamma is its negative): pi lambda df k^2 - (pi/2) Cs lambda^3 k^4, k in 1/A.
    /// </summary>
    public static double Phase(double k, double defocus, double csMm, double kilovolts)
    {
        double lambda = Electron.Wavelength(kilovolts);
        double cs = csMm * MillimetreInAngstrom;
        return Math.PI * lambda * defocus * k * k - Math.PI / 2 * cs * lambda * lambda * lambda * k * k * k * k;
    }

    private static double Ratio(double oldPixel, double newPixel)
    {
        if (!(oldPixel > 0) || !(newPixel > 0)) throw new ArgumentOutOfRangeException(nameof(oldPixel),
            "pixel sizes must be positive");
        return newPixel / oldPixel;
    }

    private static double Six(double v) => Math.Round(v, 6, MidpointRounding.ToEven);
}
