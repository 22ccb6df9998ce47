using MathNet.Numerics;

namespace CryoMerge.Core.Imaging;

/// <summary>
/// <see cref="FourierResize"/> (RELION's <c>resizeMap</c>, same values) for many images of one size: the
/// spectrum buffer is allocated once, and when shrinking the spectrum is cropped in place, so resizing an
/// N x N image needs only the N x (N/2 + 1) spectrum besides the caller's image. One instance per thread.
/// </summary>
public sealed class FourierResizer
{
    private readonly IFftBackend _fft;
    private readonly int _threads;
    private readonly Complex32[]? _spectrum;   // null when the size does not change
    private readonly Complex32[]? _padded;   // only when enlarging

    /// <param name="threads">FFT threads per transform; 1 when several resizers run in parallel, 0 = backend's
    /// choice.</param>
    public FourierResizer(IFftBackend fft, int size, int newSize, int dimensions, int threads = 0)
    {
        if (size < 1) throw new ArgumentOutOfRangeException(nameof(size), size, "the size must be positive");
        if (newSize < 1) throw new ArgumentOutOfRangeException(nameof(newSize), newSize,
            "the new size must be positive");
        if (dimensions is not (2 or 3)) throw new ArgumentOutOfRangeException(nameof(dimensions), dimensions,
            "images (2) or volumes (3)");
        _fft = fft;
        _threads = threads;
        InputShape = dimensions == 3 ? new Shape3(size, size, size) : new Shape3(size, size, 1);
        OutputShape = dimensions == 3 ? new Shape3(newSize, newSize, newSize) : new Shape3(newSize, newSize, 1);
        if (newSize == size) return;
        _spectrum = new Complex32[FftLayout.SpectrumLength(InputShape)];
        if (Enlarging) _padded = new Complex32[FftLayout.SpectrumLength(OutputShape)];
    }

    /// <summary>Bytes a resizer for these sizes allocates.</summary>
    public static long BufferBytesFor(int size, int newSize, int dimensions)
    {
        if (size == newSize) return 0;
        Shape3 Shape(int n) => dimensions == 3 ? new Shape3(n, n, n) : new Shape3(n, n, 1);
        long bytes = 8 * FftLayout.SpectrumLength(Shape(size));
        if (newSize / 2 + 1 > size / 2 + 1) bytes += 8 * FftLayout.SpectrumLength(Shape(newSize));
        return bytes;
    }

    public Shape3 InputShape { get; }

    public Shape3 OutputShape { get; }

    /// <summary>Bytes of the buffers this resizer holds.</summary>
    public long BufferBytes => ((long?)_spectrum?.Length ?? 0) * 8 + ((long?)_padded?.Length ?? 0) * 8;

    private bool Enlarging => OutputShape.X / 2 + 1 > InputShape.X / 2 + 1;

    /// <summary>
    /// Resizes <paramref name="input"/> into <paramref name="output"/>. The two may be the same memory: the
    /// input is read completely (by the forward transform) before the output is written.
    /// </summary>
    public void Resize(ReadOnlySpan<float> input, Span<float> output)
    {
        long inCount = InputShape.Count, outCount = OutputShape.Count;
        if (input.Length
            != inCount) throw new ArgumentException($"the input must hold {inCount} values, not {input.Length}");
        if (output.Length
            != outCount) throw new ArgumentException($"the output must hold {outCount} values, not {output.Length}");
        if (_spectrum is null)
        {
            input.CopyTo(output);
            return;
        }
        int n = InputShape.X, m = OutputShape.X, dims = InputShape.Z > 1 ? 3 : 2;
        _fft.ForwardReal(InputShape, input, _spectrum, _threads);
        Span<Complex32> windowed;
        if (_padded is not null)
        {
            FourierResize.WindowSpectrum(_spectrum, n, dims, _padded, m);
            windowed = _padded;
        }
        else
        {
            CropInPlace(_spectrum, n, dims, m);
            windowed = _spectrum.AsSpan(0, checked((int)FftLayout.SpectrumLength(OutputShape)));
        }
        // RELION scales the forward transform by 1 / (voxels of the input); the inverse is unscaled.
        float scale = (float)(1.0 / inCount);
        for (int i = 0; i < windowed.Length; i++) windowed[i] *= scale;
        _fft.InverseReal(OutputShape, windowed, output, _threads);
    }

    /// <summary>
    /// The shrinking branch of <see cref="FourierResize.WindowSpectrum"/>, done in place: the M-sided half
    /// spectrum is packed at the start of the N-sided one. Every row moves to the same or a lower index, in
    /// increasing order, so no row is overwritten before it is read.
    /// </summary>
    internal static void CropInPlace(Span<Complex32> spectrum, int n, int dims, int m)
    {
        int hn = n / 2 + 1, hm = m / 2 + 1;
        if (hm > hn) throw new ArgumentException("cropping in place only shrinks");
        int ny = n, nz = dims == 3 ? n : 1, my = m, mz = dims == 3 ? m : 1;
        for (int k = 0; k < mz; k++)
        {
            int kp = k < hm ? k : k - mz;
            int ki = kp < 0 ? kp + nz : kp;
            if (dims == 2) ki = 0;
            for (int i = 0; i < my; i++)
            {
                int ip = i < hm ? i : i - my;
                int ii = ip < 0 ? ip + ny : ip;
                int from = hn * (ii + ny * ki), to = hm * (i + my * k);
                if (from != to) spectrum.Slice(from, hm).CopyTo(spectrum.Slice(to, hm));
            }
        }
    }
}
