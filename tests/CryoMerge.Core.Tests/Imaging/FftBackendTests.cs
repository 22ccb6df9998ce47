using CryoMerge.Core.Imaging;
using MathNet.Numerics;

namespace CryoMerge.Core.Tests.Imaging;

/// <summary>Both FFT backends against the naive DFT on odd, even and prime sizes, Parseval, round trips and
/// concurrency.</summary>
public sealed class FftBackendTests
{
    public static TheoryData<string> Backends() => ["fftw", "managed"];

    public static TheoryData<string, int, int, int> BackendsAndShapes()
    {
        var data = new TheoryData<string, int, int, int>();
        (int, int, int)[] shapes = [(1, 1, 1), (2, 1, 1), (7, 1, 1), (16, 1, 1), (17, 1, 1), (30, 1, 1), (97, 1, 1),
            (8, 6, 1), (15, 7, 1), (13, 11, 1), (6, 5, 4), (7, 9, 11), (16, 16, 16), (5, 1, 3)];
        foreach (var backend in new[] { "fftw", "managed" })
            foreach (var (x, y, z) in shapes) data.Add(backend, x, y, z);
        return data;
    }

    private static IFftBackend Backend(string name)
    {
        if (name == "fftw" && FftwBackend.TryCreate() is null)
        {
            if (CryoMerge.Tests.Requires.InCi) Assert.Fail(
                "CI=true but libfftw3f.so.3 is missing: .ci/run must install libfftw3-single3");
            Assert.Skip("libfftw3f.so.3 (Debian package libfftw3-single3) is not installed here");
        }
        return FftBackends.Create(name);
    }

    private static float[] Random(Shape3 shape, int seed)
    {
        var rng = new Random(seed);
        return Enumerable.Range(0, (int)shape.Count).Select(_ => (float)(rng.NextDouble() * 2 - 1)).ToArray();
    }

    [Theory]
    [MemberData(nameof(BackendsAndShapes))]
    public void ForwardMatchesTheNaiveDft(string backend, int x, int y, int z)
    {
        var shape = new Shape3(x, y, z);
        var real = Random(shape, x * 10000 + y * 100 + z);
        var spectrum = new Complex32[FftLayout.SpectrumLength(shape)];
        Backend(backend).ForwardReal(shape, real, spectrum);
        var reference = NaiveDft.ForwardReal(shape, real);
        // Single precision: errors grow like log N times epsilon times the spectrum's scale (sqrt N here).
        double tolerance = 2e-6 * Math.Sqrt(shape.Count) * Math.Log2(shape.Count + 2);
        for (int i = 0; i < spectrum.Length; i++)
        {
            double error = Math.Sqrt(Math.Pow(spectrum[i].Real - reference[i].Real,
                2) + Math.Pow(spectrum[i].Imaginary - reference[i].Imaginary, 2));
            Assert.True(error <= tolerance,
                $"{backend} {shape}: component {i}: {spectrum[i]} vs {reference[i]} (error {error:G3}, tolerance " +
                $"{tolerance:G3})");
        }
    }

    [Theory]
    [MemberData(nameof(BackendsAndShapes))]
    public void InverseOfForwardReturnsTheDataTimesN(string backend, int x, int y, int z)
    {
        var shape = new Shape3(x, y, z);
        var fft = Backend(backend);
        var real = Random(shape, 7 + x + y + z);
        var spectrum = new Complex32[FftLayout.SpectrumLength(shape)];
        fft.ForwardReal(shape, real, spectrum);
        if (shape.Count > 1) Assert.NotEqual(real[0], spectrum[0].Real);   // the forward step changed the data
        var back = new float[real.Length];
        fft.InverseReal(shape, spectrum, back);
        for (int i = 0; i < real.Length; i++)
            Assert.True(Math.Abs(back[i] / shape.Count - real[i]) < 1e-5,
                $"{backend} {shape}: voxel {i}: {back[i] / shape.Count} vs {real[i]}");
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public void ParsevalHoldsOnA3DGrid(string backend)
    {
        var shape = new Shape3(24, 18, 15);
        var real = Random(shape, 3);
        var spectrum = new Complex32[FftLayout.SpectrumLength(shape)];
        Backend(backend).ForwardReal(shape, real, spectrum);
        double energy = real.Sum(v => (double)v * v);
        // Sum over the full spectrum = half-spectrum counted twice except the kx = 0 and (even X) Nyquist planes.
        double spectral = 0;
        int hx = shape.X / 2 + 1;
        for (int i = 0; i < spectrum.Length; i++)
        {
            int kx = i % hx;
            double weight = kx == 0 || (shape.X % 2 == 0 && kx == shape.X / 2) ? 1 : 2;
            spectral += weight * spectrum[i].MagnitudeSquared;
        }
        Assert.Equal(energy, spectral / shape.Count, energy * 1e-5);
    }

    [Fact]
    public void FftwAndManagedAgreeOnALargerNonPowerOfTwoVolume()
    {
        var shape = new Shape3(50, 42, 36);
        var real = Random(shape, 11);
        var a = new Complex32[FftLayout.SpectrumLength(shape)];
        var b = new Complex32[a.Length];
        Backend("fftw").ForwardReal(shape, real, a);
        Backend("managed").ForwardReal(shape, real, b);
        double scale = Math.Sqrt(shape.Count);
        for (int i = 0; i < a.Length; i++) Assert.True((a[i] - b[i]).Magnitude < 2e-5 * scale,
            $"component {i}: {a[i]} vs {b[i]}");
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public void ConcurrentTransformsOfMixedShapesGiveTheSequentialResults(string backend)
    {
        var fft = Backend(backend);
        Shape3[] shapes = [new(32, 32, 1), new(33, 20, 1), new(16, 16, 16), new(64, 1, 1)];
        var inputs = shapes.Select((s, i) => Random(s, 100 + i)).ToArray();
        var expected = shapes.Select((s, i) =>
        {
            var spectrum = new Complex32[FftLayout.SpectrumLength(s)];
            fft.ForwardReal(s, inputs[i], spectrum, threads: 1);
            return spectrum;
        }).ToArray();
        Parallel.For(0, 200, new ParallelOptions { MaxDegreeOfParallelism = 8 }, n =>
        {
            int i = n % shapes.Length;
            var spectrum = new Complex32[expected[i].Length];
            fft.ForwardReal(shapes[i], inputs[i], spectrum, threads: 1);
            Assert.Equal(expected[i], spectrum);
        });
    }

    [Fact]
    public void UnknownBackendNameIsAnError()
    {
        var e = Assert.Throws<CryoMergeInputException>(() => FftBackends.Create("cufft"));
        Assert.Contains("unknown FFT backend 'cufft'", e.Problem);
    }

    [Fact]
    public void WrongBufferLengthsAreRefused()
    {
        var fft = new ManagedFftBackend();
        Assert.Throws<ArgumentException>(() => fft.ForwardReal(new Shape3(8, 8, 1), new float[63], new Complex32[40]));
        Assert.Throws<ArgumentException>(() => fft.ForwardReal(new Shape3(8, 8, 1), new float[64], new Complex32[39]));
    }

    [Theory]
    [InlineData(64, 64, 64)]
    [InlineData(70, 66, 60)]
    [InlineData(96, 80, 72)]
    public void AnalysisBackendPadsLargeGridsAndGivesTheSameTransform(int x, int y, int z)
    {
        var fft = Backend("fftw");
        var padded = fft.ForAnalysis();
        Assert.NotSame(fft, padded);
        var shape = new Shape3(x, y, z);
        var real = Random(shape, x + y + z);
        var plain = new Complex32[FftLayout.SpectrumLength(shape)];
        var fast = new Complex32[plain.Length];
        fft.ForwardReal(shape, real, plain);
        padded.ForwardReal(shape, real, fast);
        double scale = Math.Sqrt(shape.Count), worst = 0;
        for (int i = 0; i < plain.Length; i++) worst = Math.Max(worst, (plain[i] - fast[i]).Magnitude / scale);
        Assert.True(worst < 1e-5, $"{shape}: forward transforms differ by {worst:G3} of sqrt(N)");
        // Round trip through the padded inverse: N times the data, and the input spectrum is not needed afterwards.
        var back = new float[real.Length];
        padded.InverseReal(shape, fast, back);
        for (int i = 0; i < real.Length; i++)
            Assert.True(Math.Abs(back[i] / shape.Count - real[i]) < 1e-5,
                $"{shape}: voxel {i}: {back[i] / shape.Count} vs {real[i]}");
    }
}
