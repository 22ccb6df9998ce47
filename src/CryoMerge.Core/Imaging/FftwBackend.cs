using System.Collections.Concurrent;
using System.Runtime.InteropServices;
using MathNet.Numerics;

namespace CryoMerge.Core.Imaging;

/// <summary>
/// FFTW 3 single precision (the library RELION uses) through P/Invoke. Plans are made with FFTW_ESTIMATE,
/// once per shape, direction and thread count, and cached; transforms run on 64-byte-aligned scratch memory so that
/// results are bit-identical whatever managed arrays hold the data. FFTW's planner is not thread-safe
/// so planning is serialised, while execution with the new-array interface runs concurrently.
/// <para>
/// The instance <see cref="ForAnalysis"/> returns pads large 3-D grids in its scratch memory (rows and planes a few
/// elements longer): FFTW_ESTIMATE plans on power-of-two strides thrash the cache (256^3: 150 ms, padded 40 ms; 512^3:
/// 1.7 s, padded 0.26 s). Its plans differ from RELION's, so its results differ from theirs in the last bits; it is for
/// the scale fit, not for the RELION-exact paths.
/// </para>
/// </summary>
public sealed unsafe class FftwBackend : IFftBackend, IDisposable
{
    private readonly FftwNative _native;
    private readonly ConcurrentDictionary<PlanKey, IntPtr> _plans = new();
    private readonly bool _padded;
    private FftwBackend? _analysis;

    private readonly record struct PlanKey(Shape3 Shape, bool Forward, int Threads);

    private FftwBackend(FftwNative native, bool padded = false) => (_native, _padded) = (native, padded);

    /// <summary>Extra floats per real row and rows per plane in padded scratch (the complex row gets half as
    /// many).</summary>
    private const int RowPad = 8, PlanePad = 4;

    public IFftBackend ForAnalysis()
    {
        if (_padded) return this;
        if (_analysis is null) Interlocked.CompareExchange(ref _analysis, new FftwBackend(_native, padded: true), null);
        return _analysis;
    }

    /// <summary>Whether this shape is transformed through padded scratch: 3-D grids of 2^18 voxels or more.</summary>
    private bool Pads(Shape3 shape) => _padded && shape.Z > 1 && shape.Count >= 1 << 18;

    /// <summary>Row length and rows per plane of the real and the complex scratch arrays.</summary>
    private (int RealRow, int ComplexRow, int Rows) Layout(Shape3 shape) => Pads(shape)
        ? (shape.X + RowPad, shape.X / 2 + 1 + RowPad / 2, shape.Y + PlanePad)
        : (shape.X, shape.X / 2 + 1, shape.Y);

    /// <summary>Loads FFTW; null when libfftw3f is not installed.</summary>
    public static FftwBackend? TryCreate() => FftwNative.TryLoad() is { } native ? new FftwBackend(native) : null;

    public string Name => "fftw";

    public string Describe() =>
        $"{_native.Version} single precision " +
        $"({_native.LibraryName}{(_native.HasThreads ? ", threads" : ", no threads " +
        "library")}), FFTW_ESTIMATE plans cached per shape";

    public void ForwardReal(Shape3 shape, ReadOnlySpan<float> real, Span<Complex32> spectrum, int threads = 0)
    {
        FftLayout.CheckLengths(shape, real.Length, spectrum.Length);
        Enter();
        var (realRow, complexRow, rows) = Layout(shape);
        var (input, output) = Scratch((long)realRow * rows * shape.Z, 2L * complexRow * rows * shape.Z);
        try
        {
            var paddedSpectrum = new Span<Complex32>(output.Pointer, (int)(output.Floats / 2));
            CopyRows(real, shape.X, input.AsSpan((int)input.Floats), realRow, shape, rows);
            _native.ExecuteDftR2C(Plan(shape, forward: true, threads), input.Pointer, output.Pointer);
            CopyRows<Complex32>(paddedSpectrum, complexRow, spectrum, shape.X / 2 + 1, shape, rows, fromPadded: true);
        }
        finally
        {
            Return(input, output);
            Leave();
        }
    }

    public void InverseReal(Shape3 shape, Span<Complex32> spectrum, Span<float> real, int threads = 0)
    {
        FftLayout.CheckLengths(shape, real.Length, spectrum.Length);
        Enter();
        var (realRow, complexRow, rows) = Layout(shape);
        var (output, input) = Scratch((long)realRow * rows * shape.Z, 2L * complexRow * rows * shape.Z);
        try
        {
            var paddedSpectrum = new Span<Complex32>(input.Pointer, (int)(input.Floats / 2));
            CopyRows<Complex32>(spectrum, shape.X / 2 + 1, paddedSpectrum, complexRow, shape, rows);
            _native.ExecuteDftC2R(Plan(shape, forward: false, threads), input.Pointer, output.Pointer);
            CopyRows<float>(output.AsSpan((int)output.Floats), realRow, real, shape.X, shape, rows, fromPadded: true);
        }
        finally
        {
            Return(output, input);
            Leave();
        }
    }

    /// <summary>
    /// Copies rows of <paramref name="length"/> (X or X/2 + 1) elements between a dense array and scratch whose rows
    /// and
    /// planes may be padded; one block copy when they are not.
    /// </summary>
    private static void CopyRows<T>(ReadOnlySpan<T> from, int fromRow, Span<T> to, int toRow, Shape3 shape,
        int paddedRows, bool fromPadded = false)
    {
        int length = Math.Min(fromRow, toRow);
        if (fromRow == toRow && paddedRows == shape.Y)
        {
            from[..(fromRow * shape.Y * shape.Z)].CopyTo(to);
            return;
        }
        int fromRows = fromPadded ? paddedRows : shape.Y, toRows = fromPadded ? shape.Y : paddedRows;
        for (int k = 0; k < shape.Z; k++)
            for (int j = 0; j < shape.Y; j++)
                from.Slice((k * fromRows + j) * fromRow, length).CopyTo(to.Slice((k * toRows + j) * toRow, length));
    }

    // Per-thread aligned scratch: FFTW always sees 64-byte-aligned arrays, so there is one plan per shape and the
    // result does not depend on where the caller's array happens to start. Very large buffers are not kept.
    [ThreadStatic] private static AlignedBuffer? t_real;
    [ThreadStatic] private static AlignedBuffer? t_complex;
    private const long MaxCachedFloats = 32L << 20;   // 128 MB per buffer

    private static (AlignedBuffer Real, AlignedBuffer Complex) Scratch(long realFloats, long complexFloats)
    {
        var real = realFloats <= MaxCachedFloats ? AlignedBuffer.Rent(ref t_real,
            realFloats) : AlignedBuffer.Create(realFloats);
        var complex = complexFloats <= MaxCachedFloats ? AlignedBuffer.Rent(ref t_complex,
            complexFloats) : AlignedBuffer.Create(complexFloats);
        return (real, complex);
    }

    private static void Return(AlignedBuffer real, AlignedBuffer complex)
    {
        if (!ReferenceEquals(real, t_real)) real.Dispose();
        if (!ReferenceEquals(complex, t_complex)) complex.Dispose();
    }

    private IntPtr Plan(Shape3 shape, bool forward, int threads)
    {
        if (threads <= 0) threads = FftLayout.AutoThreads(shape);
        if (!_native.HasThreads) threads = 1;
        var key = new PlanKey(shape, forward, threads);
        if (_plans.TryGetValue(key, out var plan)) return plan;
        lock (FftwNative.PlannerLock)
        {
            if (_plans.TryGetValue(key, out plan)) return plan;
            // FFTW wants the slowest dimension first: (Z, Y, X), leaving out unit leading dimensions.
            int rank = shape.Z > 1 ? 3 : shape.Y > 1 ? 2 : 1;
            int* n = stackalloc int[3];
            if (rank == 3) { n[0] = shape.Z; n[1] = shape.Y; n[2] = shape.X; }
            else if (rank == 2) { n[0] = shape.Y; n[1] = shape.X; }
            else n[0] = shape.X;
            if (_native.HasThreads) _native.PlanWithNThreads(threads);
            // FFTW_ESTIMATE never reads or writes the arrays it plans with, only looks at their alignment and
            // whether they are the same: two small, distinct, 64-byte-aligned stand-ins are enough.
            using var input = AlignedBuffer.Create(64);
            using var output = AlignedBuffer.Create(64);
            if (Pads(shape))
            {
                var (realRow, complexRow, rows) = Layout(shape);
                int* real = stackalloc int[3] { shape.Z, rows, realRow };
                int* complex = stackalloc int[3] { shape.Z, rows, complexRow };
                plan = forward
                    ? _native.PlanManyDftR2C(3, n, 1, input.Pointer, real, 1, 0, output.Pointer, complex, 1, 0,
                        FftwNative.Estimate)
                    : _native.PlanManyDftC2R(3, n, 1, input.Pointer, complex, 1, 0, output.Pointer, real, 1, 0,
                        FftwNative.Estimate | FftwNative.DestroyInput);
            }
            else
                plan = forward
                    ? _native.PlanDftR2C(rank, n, input.Pointer, output.Pointer, FftwNative.Estimate)
                    : _native.PlanDftC2R(rank, n, input.Pointer, output.Pointer,
                        FftwNative.Estimate | FftwNative.DestroyInput);
            if (plan == IntPtr.Zero) throw new InvalidOperationException($"FFTW could not plan a {shape} transform");
            _plans[key] = plan;
            return plan;
        }
    }

    // Transforms may still run when the owner disposes the backend (a silo stopped while its work items run on
    // the thread pool): plans are destroyed only once the last running transform has left.
    private int _running;
    private volatile bool _disposed;

    private void Enter()
    {
        Interlocked.Increment(ref _running);
        if (_disposed)
        {
            Leave();
            throw new ObjectDisposedException(nameof(FftwBackend));
        }
    }

    private void Leave()
    {
        if (Interlocked.Decrement(ref _running) == 0 && _disposed) DestroyPlans();
    }

    public void Dispose()
    {
        _analysis?.Dispose();
        _disposed = true;
        if (Volatile.Read(ref _running) == 0) DestroyPlans();
    }

    private void DestroyPlans()
    {
        lock (FftwNative.PlannerLock)
        {
            foreach (var plan in _plans.Values) _native.DestroyPlan(plan);
            _plans.Clear();
        }
    }
}
