using MathNet.Numerics;

namespace CryoMerge.Core.Imaging;

/// <summary>Translation of a 2-D image by multiplying its half spectrum with a phase ramp.</summary>
public static class FourierShift
{
    /// <summary>
    /// Multiplies the half spectrum of an nx x ny image by exp(-2 pi i (kx sx / nx + ky sy / ny)), which moves the
    /// image content by (+sx, +sy) pixels (circularly), as RELION's shiftImageInFourierTransform does.
    /// </summary>
    public static void Apply(Span<Complex32> spectrum, int nx, int ny, double shiftX, double shiftY)
    {
        int hx = nx / 2 + 1;
        if (spectrum.Length != (long)hx * ny) throw new ArgumentException($"spectrum must hold {(long)hx * ny} values");
        if (shiftX == 0 && shiftY == 0) return;
        var column = new Complex32[hx];
        for (int j = 0; j < hx; j++) column[j] = Phase(j * shiftX / nx);
        for (int i = 0; i < ny; i++)
        {
            int ky = i <= ny / 2 ? i : i - ny;
            var rowPhase = Phase(ky * shiftY / ny);
            var row = spectrum.Slice(i * hx, hx);
            for (int j = 0; j < hx; j++) row[j] *= rowPhase * column[j];
        }
    }

    /// <summary>exp(-2 pi i t), computed from the fractional part of t so that whole turns are exact.</summary>
    private static Complex32 Phase(double turns)
    {
        double f = turns - Math.Floor(turns);
        if (f == 0) return new Complex32(1, 0);
        if (f == 0.5) return new Complex32(-1, 0);
        double angle = -2 * Math.PI * f;
        return new Complex32((float)Math.Cos(angle), (float)Math.Sin(angle));
    }
}
