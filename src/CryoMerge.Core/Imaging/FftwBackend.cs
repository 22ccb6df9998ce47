using System.Collections.Concurrent;
using System.Runtime.InteropServices;
using MathNet.Numerics;

namespace CryoMerge.Core.Imaging;

/// <summary>
/// FFTW 3 single precision (the library RELION uses) through P/Invoke. Plans are made with FFTW_ESTIMATE,
/// once per shape, direction and thread count, and cached; transforms run on 64-byte-aligned scratch memory so that
/// results are bit-identical whatever managed arrays hold the data. FFTW's planner is not thread-safe
/// so planning is serialised, while execution with the new-array interface runs concurrently.
/// </summary>
public sealed unsafe class FftwBackend : IFftBackend, IDisposable
{
    private readonly FftwNative _native;
    private readonly ConcurrentDictionary<PlanKey, IntPtr> _plans = new();

    private readonly record struct PlanKey(Shape3 Shape, bool Forward, int Threads);

    private FftwBackend(FftwNative native) => _native = native;

    /// <summary>Loads FFTW; null when libfftw3f is not installed.</summary>
    public static FftwBackend? TryCreate() => FftwNative.TryLoad() is { } native ? new FftwBackend(native) : null;

    public string Name => "fftw";

    public string Describe() =>
        $"{_native.Version} single precision ({_native.LibraryName}{(_native.HasThreads ? ", threads" : ", no threads library")}), FFTW_ESTIMATE plans cached per shape";

    public void ForwardReal(Shape3 shape, ReadOnlySpan<float> real, Span<Complex32> spectrum, int threads = 0)
    {
        FftLayout.CheckLengths(shape, real.Length, spectrum.Length);
        Enter();
        var (input, output) = Scratch(real.Length, 2 * spectrum.Length);
        try
        {
            real.CopyTo(input.AsSpan(real.Length));
            _native.ExecuteDftR2C(Plan(shape, forward: true, threads), input.Pointer, output.Pointer);
            MemoryMarshal.Cast<float, Complex32>(output.AsSpan(2 * spectrum.Length)).CopyTo(spectrum);
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
        var (output, input) = Scratch(real.Length, 2 * spectrum.Length);
        try
        {
            MemoryMarshal.Cast<Complex32, float>(spectrum).CopyTo(input.AsSpan(2 * spectrum.Length));
            _native.ExecuteDftC2R(Plan(shape, forward: false, threads), input.Pointer, output.Pointer);
            output.AsSpan(real.Length).CopyTo(real);
        }
        finally
        {
            Return(output, input);
            Leave();
        }
    }

    // Per-thread aligned scratch: FFTW always sees 64-byte-aligned arrays, so there is one plan per shape and the
    // result does not depend on where the caller's array happens to start. Very large buffers are not kept.
    [ThreadStatic] private static AlignedBuffer? t_real;
    [ThreadStatic] private static AlignedBuffer? t_complex;
    private const long MaxCachedFloats = 32L << 20;   // 128 MB per buffer

    private static (AlignedBuffer Real, AlignedBuffer Complex) Scratch(long realFloats, long complexFloats)
    {
        var real = realFloats <= MaxCachedFloats ? AlignedBuffer.Rent(ref t_real, realFloats) : AlignedBuffer.Create(realFloats);
        var complex = complexFloats <= MaxCachedFloats ? AlignedBuffer.Rent(ref t_complex, complexFloats) : AlignedBuffer.Create(complexFloats);
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
            plan = forward
                ? _native.PlanDftR2C(rank, n, input.Pointer, output.Pointer, FftwNative.Estimate)
                : _native.PlanDftC2R(rank, n, input.Pointer, output.Pointer, FftwNative.Estimate | FftwNative.DestroyInput);
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
