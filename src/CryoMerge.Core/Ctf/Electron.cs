namespace CryoMerge.Core.Ctf;

/// <summary>Electron optics constants as RELION uses them.</summary>
public static class Electron
{
    /// <summary>
    /// Relativistic electron wavelength in Angstrom for an acceleration voltage in kV, as RELION computes it
    /// (<c>src/ctf.cpp</c>): 12.2643247 / sqrt(V (1 + 0.978466e-6 V)), V in volts. 0.019687 A at 300 kV,
    /// 0.025079 A at 200 kV.
    /// </summary>
    public static double Wavelength(double kilovolts)
    {
        if (kilovolts <= 0) throw new ArgumentOutOfRangeException(nameof(kilovolts), kilovolts,
            "the voltage must be positive");
        double v = kilovolts * 1e3;
        return 12.2643247 / Math.Sqrt(v * (1 + v * 0.978466e-6));
    }
}
