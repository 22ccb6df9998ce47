using System.Collections.Concurrent;
using MathNet.Numerics;

namespace CryoMerge.Core.Imaging;

/// <summary>
/// FFTW 3 single precision (the library RELION uses) through P/Invoke. Plans are made with FFTW_ESTIMATE,
/// once per shape, direction, thread count and array alignment, and cached; FFTW's planner is not thread-safe
/// so planning is serialised, while execution with the new-array interface runs concurrently.
/// </summary>
public sealed unsafe class FftwBackend : IFftBackend, IDisposable
{
    private readonly FftwNative _native;
    private readonly ConcurrentDictionary<PlanKey, IntPtr> _plans = new();
    private static readonly Lock PlannerLock = new();   // one planner per process, whatever the instance

    private readonly record struct PlanKey(Shape3 Shape, bool Forward, int Threads, int AlignIn, int AlignOut);

    private FftwBackend(FftwNative native) => _native = native;

    /// <summary>Loads FFTW; null when libfftw3f is not installed.</summary>
    public static FftwBackend? TryCreate() => FftwNative.TryLoad() is { } native ? new FftwBackend(native) : null;

    public string Name => "fftw";

    public string Describe() =>
        $"{_native.Version} single precision ({_native.LibraryName}{(_native.HasThreads ? ", threads" : ", no threads library")}), FFTW_ESTIMATE plans cached per shape";

    public void ForwardReal(Shape3 shape, ReadOnlySpan<float> real, Span<Complex32> spectrum, int threads = 0)
    {
        FftLayout.CheckLengths(shape, real.Length, spectrum.Length);
        fixed (float* input = real)
        fixed (Complex32* output = spectrum)
        {
            var plan = Plan(shape, forward: true, threads, input, (float*)output);
            _native.ExecuteDftR2C(plan, input, (float*)output);
        }
    }

    public void InverseReal(Shape3 shape, Span<Complex32> spectrum, Span<float> real, int threads = 0)
    {
        FftLayout.CheckLengths(shape, real.Length, spectrum.Length);
        fixed (Complex32* input = spectrum)
        fixed (float* output = real)
        {
            var plan = Plan(shape, forward: false, threads, (float*)input, output);
            _native.ExecuteDftC2R(plan, (float*)input, output);
        }
    }

    private IntPtr Plan(Shape3 shape, bool forward, int threads, float* input, float* output)
    {
        if (threads <= 0) threads = FftLayout.AutoThreads(shape);
        if (!_native.HasThreads) threads = 1;
        var key = new PlanKey(shape, forward, threads, _native.AlignmentOf(input), _native.AlignmentOf(output));
        if (_plans.TryGetValue(key, out var plan)) return plan;
        lock (PlannerLock)
        {
            if (_plans.TryGetValue(key, out plan)) return plan;
            // FFTW wants the slowest dimension first: (Z, Y, X), leaving out unit leading dimensions.
            int rank = shape.Z > 1 ? 3 : shape.Y > 1 ? 2 : 1;
            int* n = stackalloc int[3];
            if (rank == 3) { n[0] = shape.Z; n[1] = shape.Y; n[2] = shape.X; }
            else if (rank == 2) { n[0] = shape.Y; n[1] = shape.X; }
            else n[0] = shape.X;
            if (_native.HasThreads) _native.PlanWithNThreads(threads);
            // FFTW_ESTIMATE does not touch the arrays, so the caller's own (pinned) arrays can be used to plan.
            plan = forward
                ? _native.PlanDftR2C(rank, n, input, output, FftwNative.Estimate)
                : _native.PlanDftC2R(rank, n, input, output, FftwNative.Estimate | FftwNative.DestroyInput);
            if (plan == IntPtr.Zero) throw new InvalidOperationException($"FFTW could not plan a {shape} transform");
            _plans[key] = plan;
            return plan;
        }
    }

    public void Dispose()
    {
        lock (PlannerLock)
        {
            foreach (var plan in _plans.Values) _native.DestroyPlan(plan);
            _plans.Clear();
        }
    }
}
