using MathNet.Numerics;

namespace CryoMerge.Core.Imaging;

/// <summary>
/// The low-pass that a Fourier crop applies, without changing the box: components whose frequency along
/// any axis reaches <c>fraction</c> of that axis' Nyquist frequency are removed (a box-shaped, hard-edged
/// band, like cropping the spectrum to fraction x N). Applied before real-space downsampling so that
/// nothing above the new Nyquist frequency aliases into the result.
/// </summary>
public static class FourierCropFilter
{
    /// <summary>Filters <paramref name="data"/> (shape.Count values) in place; <paramref name="spectrum"/> is scratch
    /// of the half-spectrum length.</summary>
    /// <param name="fraction">New pixel count / old pixel count along each axis, in (0, 1]; 1 or more leaves the data
    /// unchanged.</param>
    public static void Apply(IFftBackend fft, Shape3 shape, Span<float> data, Span<Complex32> spectrum, double fraction,
        int threads = 0)
    {
        if (fraction >= 1) return;
        if (!(fraction > 0)) throw new ArgumentOutOfRangeException(nameof(fraction), fraction,
            "the fraction must be positive");
        if (data.Length != shape.Count) throw new ArgumentException($"data must hold {shape.Count} values");
        var spec = spectrum[..checked((int)FftLayout.SpectrumLength(shape))];
        fft.ForwardReal(shape, data, spec, threads);
        int hx = shape.X / 2 + 1;
        // Keep |k| with 2|k| < fraction x N along each axis (strictly below the new Nyquist frequency).
        double limX = fraction * shape.X, limY = fraction * shape.Y, limZ = fraction * shape.Z;
        float scale = (float)(1.0 / shape.Count);
        for (int z = 0; z < shape.Z; z++)
        {
            int kz = z <= shape.Z / 2 ? z : z - shape.Z;
            bool zOut = shape.Z > 1 && 2.0 * Math.Abs(kz) >= limZ;
            for (int y = 0; y < shape.Y; y++)
            {
                int ky = y <= shape.Y / 2 ? y : y - shape.Y;
                var row = spec.Slice(hx * (y + shape.Y * z), hx);
                if (zOut || (shape.Y > 1 && 2.0 * Math.Abs(ky) >= limY))
                {
                    row.Clear();
                    continue;
                }
                for (int x = 0; x < hx; x++)
                    row[x] = 2.0 * x >= limX ? Complex32.Zero : row[x] * scale;
            }
        }
        fft.InverseReal(shape, spec, data, threads);
    }
}
