using System.Diagnostics;
using CryoMerge.Core;
using CryoMerge.Core.Imaging;
using MathNet.Numerics;

namespace CryoMerge.Bench;

/// <summary>Forward + inverse real transforms with both backends on the sizes the issues name.</summary>
internal static class FftBench
{
    public static void Run(TextWriter report, IReadOnlyList<Shape3>? shapes = null)
    {
        shapes ??= [new Shape3(256, 256, 256), new Shape3(420, 420, 420), new Shape3(4096, 4096, 1)];
        var backends = new List<IFftBackend> { new ManagedFftBackend() };
        if (FftwBackend.TryCreate() is { } fftw) backends.Insert(0, fftw);
        report.WriteLine($"## FFT: forward + inverse, single precision, {Environment.ProcessorCount} threads");
        report.WriteLine();
        report.WriteLine($"| size | {string.Join(" | ", backends.Select(b => b.Name + " (ms)"))} | managed / fftw |");
        report.WriteLine($"|---|{string.Join("|", backends.Select(_ => "---:"))}|---:|");
        foreach (var shape in shapes)
        {
            var real = new float[shape.Count];
            var rng = new Random(1);
            for (int i = 0; i < real.Length; i++) real[i] = (float)rng.NextDouble();
            var spectrum = new Complex32[FftLayout.SpectrumLength(shape)];
            var back = new float[real.Length];
            var times = new List<double>();
            foreach (var fft in backends)
            {
                fft.ForwardReal(shape, real, spectrum);   // warm-up and planning
                fft.InverseReal(shape, spectrum, back);
                double best = double.MaxValue;
                int repeats = shape.Count > 50_000_000 ? 2 : 3;
                for (int r = 0; r < repeats; r++)
                {
                    var watch = Stopwatch.StartNew();
                    fft.ForwardReal(shape, real, spectrum);
                    fft.InverseReal(shape, spectrum, back);
                    best = Math.Min(best, watch.Elapsed.TotalMilliseconds);
                }
                times.Add(best);
            }
            string ratio = times.Count == 2 ? $"{times[1] / times[0]:F1}" : "-";
            report.WriteLine($"| {shape} | {string.Join(" | ", times.Select(t => t.ToString("F0")))} | {ratio} |");
        }
        report.WriteLine();
    }
}
