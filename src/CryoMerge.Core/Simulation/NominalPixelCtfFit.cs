using CryoMerge.Core.Ctf;

namespace CryoMerge.Core.Simulation;

/// <summary>
/// The defocus a CTF program (CTFFIND, Gctf) reports when it fits Thon rings recorded at the true pixel size but
/// is told the nominal one, with Cs held at its nominal value (science.md section 1.5). The rings are fixed in
/// pixel frequency s; the program reads them at k = s / p_nom, where the microscope made them at s / p_true.
/// With r = p_nom / p_true the k^2 term matches for df = r^2 df_true; the Cs term cannot match and a least-squares
/// fit over the program's band absorbs it into the defocus:
/// df_fit = r^2 df_true + 0.5 Cs lambda^2 (1 - r^4) k_eff^2, with k_eff^2 = sum(w k^6) / sum(w k^4) over the
/// fitting band in the program's (nominal) units and w proportional to k (Fourier rings of a 2-D spectrum):
/// k_eff^2 = (3/4) (kb^8 - ka^8) / (kb^6 - ka^6). The same relation read backwards is what scale-ctf applies.
/// </summary>
public static class NominalPixelCtfFit
{
    /// <summary>Default fitting band of CTF programs: 30 A to 5 A.</summary>
    public const double DefaultLowResolution = 30, DefaultHighResolution = 5;

    /// <summary>k_eff^2 in 1/A^2 for ring weighting over [1/lowResolution, 1/highResolution], capped at Nyquist.</summary>
    public static double EffectiveFrequencySquared(double pixelSize, double lowResolution = DefaultLowResolution, double highResolution = DefaultHighResolution)
    {
        double ka = 1 / lowResolution, kb = Math.Min(1 / highResolution, 0.5 / pixelSize);
        if (kb <= ka) throw new ArgumentException($"the CTF fitting band {lowResolution}-{highResolution} A is empty at {pixelSize} A/px");
        return 0.75 * (Math.Pow(kb, 8) - Math.Pow(ka, 8)) / (Math.Pow(kb, 6) - Math.Pow(ka, 6));
    }

    /// <summary>The defocus (A, positive underfocus) fitted at <paramref name="nominalPixel"/> for a true defocus at <paramref name="truePixel"/>.</summary>
    public static double Defocus(double trueDefocus, double truePixel, double nominalPixel, double voltage, double sphericalAberration,
        double lowResolution = DefaultLowResolution, double highResolution = DefaultHighResolution)
    {
        double r = nominalPixel / truePixel;
        double lambda = Electron.Wavelength(voltage);
        double cs = sphericalAberration * 1e7;
        double k2 = EffectiveFrequencySquared(nominalPixel, lowResolution, highResolution);
        return r * r * trueDefocus + 0.5 * cs * lambda * lambda * (1 - r * r * r * r) * k2;
    }

    /// <summary>The CTF values a program fitting at the nominal pixel writes: both defoci converted, angle and the rest unchanged.</summary>
    public static CtfParameters Fitted(CtfParameters truth, double truePixel, double nominalPixel,
        double lowResolution = DefaultLowResolution, double highResolution = DefaultHighResolution) => truth with
    {
        DefocusU = Defocus(truth.DefocusU, truePixel, nominalPixel, truth.Voltage, truth.SphericalAberration, lowResolution, highResolution),
        DefocusV = Defocus(truth.DefocusV, truePixel, nominalPixel, truth.Voltage, truth.SphericalAberration, lowResolution, highResolution),
    };
}
