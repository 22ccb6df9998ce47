using System.Runtime.InteropServices;

namespace CryoMerge.Core.Imaging;

/// <summary>
/// The few FFTW 3 single-precision entry points we use, bound at run time from libfftw3f.so.3 (Debian package
/// libfftw3-single3) so that a machine without it falls back to managed code instead of failing.
/// </summary>
internal sealed unsafe class FftwNative
{
    public const uint Estimate = 1u << 6;   // FFTW_ESTIMATE: plan without touching the arrays
    public const uint DestroyInput = 1u;    // FFTW_DESTROY_INPUT

    public delegate* unmanaged[Cdecl]<int, int*, float*, float*, uint, IntPtr> PlanDftR2C;
    public delegate* unmanaged[Cdecl]<int, int*, float*, float*, uint, IntPtr> PlanDftC2R;
    // fftwf_plan_many_dft_r2c / c2r: rank, n, howmany, in, inembed, istride, idist, out, onembed, ostride, odist,
    // flags.
    public delegate* unmanaged[Cdecl]<int, int*, int, float*, int*, int, int, float*, int*, int, int, uint,
        IntPtr> PlanManyDftR2C;
    public delegate* unmanaged[Cdecl]<int, int*, int, float*, int*, int, int, float*, int*, int, int, uint,
        IntPtr> PlanManyDftC2R;
    public delegate* unmanaged[Cdecl]<IntPtr, float*, float*, void> ExecuteDftR2C;
    public delegate* unmanaged[Cdecl]<IntPtr, float*, float*, void> ExecuteDftC2R;
    public delegate* unmanaged[Cdecl]<IntPtr, void> DestroyPlan;
    public delegate* unmanaged[Cdecl]<float*, int> AlignmentOf;
    public delegate* unmanaged[Cdecl]<int, void> PlanWithNThreads;   // null without the threads library

    public string Version { get; private set; } = "FFTW 3";
    public string LibraryName { get; private set; } = "";
    public bool HasThreads => PlanWithNThreads != null;

    /// <summary>
    /// FFTW's planner is process-wide global state: every planner call (fftwf_init_threads, planning, destroying
    /// plans) must hold this lock, whichever backend instance makes it.
    /// </summary>
    public static readonly Lock PlannerLock = new();

    private static readonly Lazy<FftwNative?> Shared = new(Load, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>The process-wide binding of FFTW (loaded and initialised once); null when it is not
    /// installed.</summary>
    public static FftwNative? TryLoad() => Shared.Value;

    private static FftwNative? Load()
    {
        foreach (var name in new[] { "libfftw3f.so.3", "libfftw3f.so", "libfftw3f.3.dylib", "libfftw3f-3.dll" })
        {
            if (!NativeLibrary.TryLoad(name, out var lib)) continue;
            var native = new FftwNative { LibraryName = name };
            if (!native.Bind(lib)) continue;
            native.BindThreads(name);
            return native;
        }
        return null;
    }

    private bool Bind(IntPtr lib)
    {
        if (!NativeLibrary.TryGetExport(lib, "fftwf_plan_dft_r2c", out var r2c) ||
            !NativeLibrary.TryGetExport(lib, "fftwf_plan_dft_c2r", out var c2r) ||
            !NativeLibrary.TryGetExport(lib, "fftwf_plan_many_dft_r2c", out var manyR2c) ||
            !NativeLibrary.TryGetExport(lib, "fftwf_plan_many_dft_c2r", out var manyC2r) ||
            !NativeLibrary.TryGetExport(lib, "fftwf_execute_dft_r2c", out var exr2c) ||
            !NativeLibrary.TryGetExport(lib, "fftwf_execute_dft_c2r", out var exc2r) ||
            !NativeLibrary.TryGetExport(lib, "fftwf_destroy_plan", out var destroy) ||
            !NativeLibrary.TryGetExport(lib, "fftwf_alignment_of", out var align))
            return false;
        PlanDftR2C = (delegate* unmanaged[Cdecl]<int, int*, float*, float*, uint, IntPtr>)r2c;
        PlanDftC2R = (delegate* unmanaged[Cdecl]<int, int*, float*, float*, uint, IntPtr>)c2r;
        PlanManyDftR2C = (delegate* unmanaged[Cdecl]<int, int*, int, float*, int*, int, int, float*, int*, int, int,
            uint, IntPtr>)manyR2c;
        PlanManyDftC2R = (delegate* unmanaged[Cdecl]<int, int*, int, float*, int*, int, int, float*, int*, int, int,
            uint, IntPtr>)manyC2r;
        ExecuteDftR2C = (delegate* unmanaged[Cdecl]<IntPtr, float*, float*, void>)exr2c;
        ExecuteDftC2R = (delegate* unmanaged[Cdecl]<IntPtr, float*, float*, void>)exc2r;
        DestroyPlan = (delegate* unmanaged[Cdecl]<IntPtr, void>)destroy;
        AlignmentOf = (delegate* unmanaged[Cdecl]<float*, int>)align;
        if (NativeLibrary.TryGetExport(lib, "fftwf_version", out var version))
            Version = Marshal.PtrToStringAnsi(version) ?? Version;
        return true;
    }

    private void BindThreads(string mainName)
    {
        string threadsName = mainName.Replace("libfftw3f", "libfftw3f_threads", StringComparison.Ordinal);
        if (!NativeLibrary.TryLoad(threadsName, out var lib)) return;
        if (!NativeLibrary.TryGetExport(lib, "fftwf_init_threads", out var init) ||
            !NativeLibrary.TryGetExport(lib, "fftwf_plan_with_nthreads", out var with))
            return;
        lock (PlannerLock)
        {
            if (((delegate* unmanaged[Cdecl]<int>)init)() == 0) return;
        }
        PlanWithNThreads = (delegate* unmanaged[Cdecl]<int, void>)with;
    }
}
