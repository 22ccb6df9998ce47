namespace CryoMerge.Core.Reconstruction;

/// <summary>
/// The Fourier transform of the Kaiser-Bessel blob that RELION's iterative gridding weights convolve with
/// (R 3.1.3 <c>src/backprojector.h</c>: radius 2 x 1.9 = 3.8 padded voxels, alpha 15, order 0;
/// <c>src/funcs.cpp</c> kaiser_Fourier_value; <c>src/tabfuncs.cpp</c> TabFtBlob), normalised to 1 at 0 and
/// looked up as RELION does: a table of 10000 values over [0, 0.5), indexed by truncation, 0 beyond.
/// </summary>
internal static class GriddingBlob
{
    public const double Radius = 3.8, Alpha = 15;
    private const int Entries = 10000;
    private const double Sampling = 0.5 / Entries;

    private static readonly double[] Table = Build();

    /// <summary>RELION's tab_ftblob(w) / tab_ftblob(0), for w = r / (N x padding), r a real-space distance in padded
    /// voxels.</summary>
    public static double Normalised(double w)
    {
        int index = (int)(Math.Abs(w) / Sampling);
        return index >= Entries ? 0 : Table[index];
    }

    private static double[] Build()
    {
        var table = new double[Entries];
        double at0 = Unnormalised(0);
        for (int i = 0; i < Entries; i++) table[i] = Unnormalised(i * Sampling) / at0;
        return table;
    }

    /// <summary>
    /// kaiser_Fourier_value for order 0 without its constant factor (2 pi)^1.5 a^3 / I0(alpha), which cancels:
    /// I_1.5(sigma) / sigma^1.5 with sigma = sqrt(|alpha^2 - (2 pi a w)^2|), or J_1.5 beyond 2 pi a w = alpha.
    /// </summary>
    private static double Unnormalised(double w)
    {
        double t = 2 * Math.PI * Radius * w;
        double sigma = Math.Sqrt(Math.Abs(Alpha * Alpha - t * t));
        if (sigma == 0) return 0;
        double bessel = t > Alpha
            ? Math.Sqrt(2 / (Math.PI * sigma)) * (Math.Sin(sigma) / sigma - Math.Cos(sigma))
            : Math.Sqrt(2 / (Math.PI * sigma)) * (Math.Cosh(sigma) - Math.Sinh(sigma) / sigma);
        return bessel / Math.Pow(sigma, 1.5);
    }
}
