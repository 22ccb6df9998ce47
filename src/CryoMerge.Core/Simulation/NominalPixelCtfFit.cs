using CryoMerge.Core.Ctf;

namespace CryoMerge.Core.Simulation;

/// <summary>
/// The defocus a CTF program (CTFFIND, Gctf) reports when it fits Thon rings recorded at the true pixel size but
/// is told the nominal one, with Cs held at its nominal value (science.md section 1.5). The rings are fixed in
/// pixel frequency; the program reads them at k = s / p_nom where the microscope made them at s / p_true. With
/// r = p_nom / p_true: df_fit = r^2 df_true + 0.5 Cs lambda^2 (1 - r^4) k_eff^2, k_eff^2 = sum(w k^6) / sum(w k^4)
/// over the program's band in its own (nominal) units, rings weighted by k. This is
/// <see cref="DefocusRescaling.ForBand"/> from the true to the nominal pixel with the band converted to the true
/// labelling, so scale-ctf from the nominal back to the true pixel (band as fitted) recovers the true defocus exactly.
/// </summary>
public static class NominalPixelCtfFit
{
    /// <summary>Default fitting band of CTF programs: 30 A to 5 A.</summary>
    public const double DefaultLowResolution = 30, DefaultHighResolution = 5;

    /// <summary>The defocus (A, positive underfocus) fitted at <paramref name="nominalPixel"/> for a true defocus at
    /// <paramref name="truePixel"/>.</summary>
    public static double Defocus(double trueDefocus, double truePixel, double nominalPixel, double voltage,
        double sphericalAberration,
        double lowResolution = DefaultLowResolution, double highResolution = DefaultHighResolution)
    {
        double r = nominalPixel / truePixel;
        var band = new CtfFitBand(lowResolution / r, highResolution / r);   // the program's band, in true-pixel labels
        return DefocusRescaling.ForBand(truePixel, nominalPixel, sphericalAberration, voltage, band,
            BandWeighting.Ring).Apply(trueDefocus);
    }

    /// <summary>The CTF values a program fitting at the nominal pixel writes: both defoci converted, angle and the rest
    /// unchanged.</summary>
    public static CtfParameters Fitted(CtfParameters truth, double truePixel, double nominalPixel,
        double lowResolution = DefaultLowResolution, double highResolution = DefaultHighResolution) => truth with
    {
        DefocusU = Defocus(truth.DefocusU, truePixel, nominalPixel, truth.Voltage, truth.SphericalAberration,
            lowResolution, highResolution),
        DefocusV = Defocus(truth.DefocusV, truePixel, nominalPixel, truth.Voltage, truth.SphericalAberration,
        lowResolution, highResolution),
    };
}
