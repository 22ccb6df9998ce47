using CryoMerge.Core.Imaging;
using MathNet.Numerics;

namespace CryoMerge.Core.Tests.Imaging;

/// <summary>
/// Several silos in one process each own an FFTW backend, and a stopped silo disposes its backend while its
/// work items may still be transforming. Both used to crash the process inside FFTW.
/// </summary>
public sealed class FftwLifetimeTests
{
    private static FftwBackend Create()
    {
        var fftw = FftwBackend.TryCreate();
        if (fftw is null)
        {
            if (CryoMerge.Tests.Requires.InCi) Assert.Fail("CI=true but libfftw3f.so.3 is missing");
            Assert.Skip("libfftw3f.so.3 is not installed here");
        }
        return fftw;
    }

    [Fact]
    public void BackendsCreatedWhileOthersPlanDoNotRace()
    {
        Parallel.For(0, 16, i =>
        {
            using var fftw = Create();
            var shape = new Shape3(30 + i, 20 + i, 1);   // a new shape each time: every call plans
            fftw.ForwardReal(shape, new float[shape.Count], new Complex32[FftLayout.SpectrumLength(shape)], threads: 1);
        });
    }

    [Fact]
    public async Task DisposingWhileTransformsRunLetsThemFinishAndRefusesNewOnes()
    {
        var fftw = Create();
        var shape = new Shape3(128, 128, 1);
        var real = Enumerable.Range(0, (int)shape.Count).Select(i => (float)Math.Sin(i)).ToArray();
        using var started = new CountdownEvent(2);
        int completed = 0, refused = 0;
        var workers = Enumerable.Range(0, 2).Select(_ => Task.Run(() =>
        {
            var spectrum = new Complex32[FftLayout.SpectrumLength(shape)];
            started.Signal();
            for (int k = 0; k < 200; k++)
            {
                try
                {
                    fftw.ForwardReal(shape, real, spectrum, threads: 1);
                    Interlocked.Increment(ref completed);
                }
                catch (ObjectDisposedException)
                {
                    Interlocked.Increment(ref refused);
                    return;
                }
            }
        }, TestContext.Current.CancellationToken)).ToArray();
        started.Wait(TestContext.Current.CancellationToken);
        fftw.Dispose();
        await Task.WhenAll(workers);
        Assert.True(completed > 0);
        Assert.Throws<ObjectDisposedException>(() => fftw.ForwardReal(shape, real,
            new Complex32[FftLayout.SpectrumLength(shape)]));
    }
}
