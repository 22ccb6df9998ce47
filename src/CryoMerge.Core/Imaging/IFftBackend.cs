using MathNet.Numerics;

namespace CryoMerge.Core.Imaging;

/// <summary>
/// Real-to-complex Fourier transforms of 1-, 2- and 3-D grids of any size (X fastest), in FFTW's conventions:
/// the forward transform uses exp(-2 pi i k x / N), neither direction is scaled, and the spectrum is the
/// non-redundant half, (X/2 + 1) x Y x Z complex values with X fastest. Implementations are safe to call
/// from several threads at once.
/// </summary>
public interface IFftBackend
{
    /// <summary>Short name, also the value of CRYOMERGE_FFT that selects it: "fftw" or "managed".</summary>
    string Name { get; }

    /// <summary>One line for --verbose output: library, precision, threads.</summary>
    string Describe();

    /// <summary>Forward transform of <paramref name="real"/> (shape.Count values) into the half spectrum.</summary>
    /// <param name="threads">Threads for this one transform; 0 lets the backend decide by size. Use 1 when
    /// the caller already runs transforms in parallel.</param>
    void ForwardReal(Shape3 shape, ReadOnlySpan<float> real, Span<Complex32> spectrum, int threads = 0);

    /// <summary>Inverse transform of a half spectrum into real values. The spectrum is overwritten.</summary>
    void InverseReal(Shape3 shape, Span<Complex32> spectrum, Span<float> real, int threads = 0);

    /// <summary>
    /// A backend for analysis that need not match RELION's transforms bit for bit and may choose faster plans (padded
    /// strides for FFTW); this one when there is nothing faster.
    /// </summary>
    IFftBackend ForAnalysis() => this;
}

/// <summary>Sizes of half spectra.</summary>
public static class FftLayout
{
    /// <summary>Shape of the half spectrum of a real grid: (X/2 + 1, Y, Z).</summary>
    public static Shape3 HalfShape(Shape3 shape) => new(shape.X / 2 + 1, shape.Y, shape.Z);

    /// <summary>Number of complex values in the half spectrum.</summary>
    public static long SpectrumLength(Shape3 shape) => HalfShape(shape).Count;

    internal static void CheckLengths(Shape3 shape, int realLength, int spectrumLength)
    {
        if (shape.X <= 0 || shape.Y <= 0 || shape.Z <= 0) throw new ArgumentOutOfRangeException(nameof(shape), shape,
            "sizes must be positive");
        if (realLength
            != shape.Count) throw new ArgumentException($"real data must hold {shape.Count} values, not {realLength}");
        if (spectrumLength
            != SpectrumLength(shape)) throw new ArgumentException(
            $"spectrum must hold {SpectrumLength(shape)} values, not {spectrumLength}");
    }

    /// <summary>
    /// The smallest even size at or above <paramref name="n"/> whose only prime factors are 2, 3, 5 and 7. FFTW with
    /// FFTW_ESTIMATE plans is 10-100x slower on odd sizes and large primes (75^3: 500 ms; 120^3: 5 ms).
    /// </summary>
    public static int FastSize(int n)
    {
        for (int m = Math.Max(2, n + n % 2); ; m += 2)
        {
            int r = m;
            foreach (int f in (ReadOnlySpan<int>)[2, 3, 5, 7])
                while (r % f == 0) r /= f;
            if (r == 1) return m;
        }
    }

    /// <summary>Threads worth using for one transform of this size on this machine.</summary>
    internal static int AutoThreads(Shape3 shape) => shape.Count >= 1 << 18 ? Environment.ProcessorCount : 1;
}
