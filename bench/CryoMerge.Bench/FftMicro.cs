using BenchmarkDotNet.Attributes;
using CryoMerge.Core;
using CryoMerge.Core.Imaging;
using MathNet.Numerics;

namespace CryoMerge.Bench;

/// <summary>BenchmarkDotNet: one forward real transform per backend on a particle-sized and a map-sized grid.</summary>
[MemoryDiagnoser]
public class FftMicro
{
    private float[] _real = [];
    private Complex32[] _spectrum = [];
    private IFftBackend _fft = null!;

    [Params("fftw", "managed")]
    public string Backend { get; set; } = "fftw";

    [Params(64, 128)]
    public int Size { get; set; }

    private Shape3 Shape => new(Size, Size, Size);

    [GlobalSetup]
    public void Setup()
    {
        _fft = FftBackends.Create(Backend);
        _real = Enumerable.Range(0, (int)Shape.Count).Select(i => (float)Math.Sin(i)).ToArray();
        _spectrum = new Complex32[FftLayout.SpectrumLength(Shape)];
    }

    [Benchmark]
    public void Forward() => _fft.ForwardReal(Shape, _real, _spectrum);
}
