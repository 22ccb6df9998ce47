using MathNet.Numerics;
using MathNet.Numerics.IntegralTransforms;

namespace CryoMerge.Core.Imaging;

/// <summary>
/// Managed fallback: MathNet.Numerics 1-D complex transforms (radix-2 or Bluestein) applied along X, then Y,
/// then Z. MathNet's own multi-dimensional API needs the MKL provider, which we do not have. Slower than FFTW
/// (several times on powers of two, far more on other sizes) but needs no native library.
/// </summary>
public sealed class ManagedFftBackend : IFftBackend
{
    public string Name => "managed";

    public string Describe() => "managed (MathNet.Numerics 1-D transforms along each axis, single precision)";

    public void ForwardReal(Shape3 shape, ReadOnlySpan<float> real, Span<Complex32> spectrum, int threads = 0)
    {
        FftLayout.CheckLengths(shape, real.Length, spectrum.Length);
        int hx = shape.X / 2 + 1, nx = shape.X, rows = shape.Y * shape.Z;
        var options = Options(threads, shape);
        // Spans cannot be captured by lambdas: copy through arrays owned by this call.
        var input = real.ToArray();
        var output = new Complex32[spectrum.Length];
        Parallel.For(0, rows, options, () => new Complex32[nx], (row, _, line) =>
        {
            var src = input.AsSpan(row * nx, nx);
            for (int x = 0; x < nx; x++) line[x] = new Complex32(src[x], 0);
            Fourier.Forward(line, FourierOptions.NoScaling);
            line.AsSpan(0, hx).CopyTo(output.AsSpan(row * hx, hx));
            return line;
        }, _ => { });
        TransformAxis(output, hx, shape.Y, shape.Z, alongZ: false, forward: true, options);
        TransformAxis(output, hx, shape.Y, shape.Z, alongZ: true, forward: true, options);
        output.CopyTo(spectrum);
    }

    public void InverseReal(Shape3 shape, Span<Complex32> spectrum, Span<float> real, int threads = 0)
    {
        FftLayout.CheckLengths(shape, real.Length, spectrum.Length);
        int hx = shape.X / 2 + 1, nx = shape.X, rows = shape.Y * shape.Z;
        var options = Options(threads, shape);
        var work = spectrum.ToArray();
        TransformAxis(work, hx, shape.Y, shape.Z, alongZ: true, forward: false, options);
        TransformAxis(work, hx, shape.Y, shape.Z, alongZ: false, forward: false, options);
        var output = new float[real.Length];
        Parallel.For(0, rows, options, () => new Complex32[nx], (row, _, line) =>
        {
            var half = work.AsSpan(row * hx, hx);
            half.CopyTo(line);
            // Rebuild the redundant half from Hermitian symmetry; the real part of the inverse then equals c2r.
            for (int x = hx; x < nx; x++) line[x] = half[nx - x].Conjugate();
            Fourier.Inverse(line, FourierOptions.NoScaling);
            var dst = output.AsSpan(row * nx, nx);
            for (int x = 0; x < nx; x++) dst[x] = line[x].Real;
            return line;
        }, _ => { });
        output.CopyTo(real);
    }

    /// <summary>1-D transforms along Y (for every X, Z) or along Z (for every X, Y) of a (hx, ny, nz) array.</summary>
    private static void TransformAxis(Complex32[] data, int hx, int ny, int nz, bool alongZ, bool forward,
        ParallelOptions options)
    {
        int length = alongZ ? nz : ny;
        if (length == 1) return;
        long stride = alongZ ? (long)hx * ny : hx;
        int lines = alongZ ? hx * ny : hx * nz;
        Parallel.For(0, lines, options, () => new Complex32[length], (i, _, line) =>
        {
            long start = alongZ ? i : (long)(i / hx) * hx * ny + i % hx;
            for (int k = 0; k < length; k++) line[k] = data[start + k * stride];
            if (forward) Fourier.Forward(line, FourierOptions.NoScaling);
            else Fourier.Inverse(line, FourierOptions.NoScaling);
            for (int k = 0; k < length; k++) data[start + k * stride] = line[k];
            return line;
        }, _ => { });
    }

    private static ParallelOptions Options(int threads, Shape3 shape) =>
        new() { MaxDegreeOfParallelism = threads > 0 ? threads : FftLayout.AutoThreads(shape) };
}
