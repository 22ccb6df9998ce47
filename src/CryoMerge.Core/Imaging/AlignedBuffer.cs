using System.Runtime.InteropServices;

namespace CryoMerge.Core.Imaging;

/// <summary>
/// Native memory aligned to 64 bytes, for FFTW: executing every transform of a shape on equally aligned arrays
/// means one plan and bit-identical results whichever managed array the data came from.
/// </summary>
internal sealed unsafe class AlignedBuffer : IDisposable
{
    public const int Alignment = 64;

    private AlignedBuffer(long floats)
    {
        Floats = floats;
        Pointer = (float*)NativeMemory.AlignedAlloc((nuint)(floats * sizeof(float)), Alignment);
        GC.AddMemoryPressure(floats * sizeof(float));
    }

    public float* Pointer { get; private set; }

    public long Floats { get; }

    public Span<float> AsSpan(int length) => new(Pointer, length);

    /// <summary>A buffer of at least <paramref name="floats"/>, reusing <paramref name="cached"/> when it is big
    /// enough.</summary>
    public static AlignedBuffer Rent(ref AlignedBuffer? cached, long floats)
    {
        if (cached is not null && cached.Floats >= floats) return cached;
        cached?.Dispose();
        cached = new AlignedBuffer(floats);
        return cached;
    }

    public static AlignedBuffer Create(long floats) => new(floats);

    public void Dispose()
    {
        Free();
        GC.SuppressFinalize(this);
    }

    ~AlignedBuffer() => Free();

    private void Free()
    {
        if (Pointer == null) return;
        NativeMemory.AlignedFree(Pointer);
        GC.RemoveMemoryPressure(Floats * sizeof(float));
        Pointer = null;
    }
}
