using System.Globalization;
using CryoMerge.Core;
using CryoMerge.Core.Formats;

namespace CryoMerge.Bench;

/// <summary>
/// <c>cryomerge rescale</c> and <c>relion_image_handler --rescale_angpix</c> side by side, in one run, on the same
/// generated files: a micrograph, a movie, a map and a particle stack. Both run as command-line programs (ours
/// through <c>dotnet cryomerge.dll</c>, start-up included), timed and memory-sampled the same way (wall time,
/// VmHWM). RELION 3.1.3 is single-threaded with double-precision FFTW; we use single precision on all cores.
/// </summary>
internal static class RescaleBench
{
    private sealed record Case(string Name, string File, Shape3 Shape, bool Stack);

    public static void Run(bool small, string workDirectory, TextWriter report)
    {
        string dir = Path.Combine(workDirectory, "rescale");
        Directory.CreateDirectory(dir);
        const double pixel = 1.0, target = 1.1;
        Case[] cases = small
            ?
            [
                new("micrograph 1024^2", "mic_1024.mrc", new Shape3(1024, 1024, 1), false),
                new("movie 8 x 1024^2", "movie_8x1024.mrcs", new Shape3(1024, 1024, 8), true),
                new("map 96^3", "map_96.mrc", new Shape3(96, 96, 96), false),
                new("stack 500 x 128^2", "stack_500x128.mrcs", new Shape3(128, 128, 500), true),
            ]
            :
            [
                new("micrograph 4096^2", "mic_4096.mrc", new Shape3(4096, 4096, 1), false),
                new("movie 40 x 4096^2", "movie_40x4096.mrcs", new Shape3(4096, 4096, 40), true),
                new("map 256^3", "map_256.mrc", new Shape3(256, 256, 256), false),
                new("stack 10,000 x 256^2", "stack_10000x256.mrcs", new Shape3(256, 256, 10_000), true),
            ];
        string cryomerge = BuildCryomerge();
        int repeats = small ? 2 : 1;
        report.WriteLine($"## rescale {pixel} -> {target} A/px: cryomerge rescale vs relion_image_handler --rescale_angpix ({(small ? "reduced sizes" : "full sizes")}, best of {repeats})");
        report.WriteLine();
        report.WriteLine("| input | output | cryomerge (s) | peak MiB | relion_image_handler (s) | peak MiB | time ratio (ours / RELION) | memory ratio |");
        report.WriteLine("|---|---|---:|---:|---:|---:|---:|---:|");
        foreach (var c in cases)
        {
            string input = Path.Combine(dir, c.File);
            if (!File.Exists(input)) Generate(input, c.Shape, c.Stack, pixel);
            string ext = Path.GetExtension(c.File);
            string ours = Path.Combine(dir, "ours" + ext), relion = Path.Combine(dir, "relion" + ext);
            string t = target.ToString(CultureInfo.InvariantCulture);
            var relionRun = Measure.External("relion_image_handler", ["--i", input, "--o", relion, "--rescale_angpix", t], repeats);
            var ourRun = Measure.External("dotnet", [cryomerge, "rescale", "--i", input, "--o", ours, "--rescale-angpix", t], repeats);
            string shape = Check(ours, relion);
            report.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {c.Name} | {shape} | {ourRun.Seconds:F2} | {ourRun.PeakMiB:F0} | {relionRun.Seconds:F2} | {relionRun.PeakMiB:F0} | {ourRun.Seconds / relionRun.Seconds:F2} | {ourRun.PeakMiB / relionRun.PeakMiB:F2} |"));
            report.Flush();
            File.Delete(ours);
            File.Delete(relion);
        }
        report.WriteLine();
        report.WriteLine($"relion_image_handler runs single-threaded with double-precision FFTW; cryomerge uses single-precision FFTW on {Environment.ProcessorCount} cores (small images of a stack in parallel, one FFT thread each; 4096^2 frames one at a time with threaded FFTs, within its default 512 MiB buffer budget). Both times include program start-up; peak memory is VmHWM.");
        report.WriteLine($"Files in {dir} (inputs are kept for the next run). Our outputs were checked against RELION's: same shape and pixel size, largest difference below 1e-5 of the standard deviation on the sections compared.");
    }

    /// <summary>
    /// Builds the cryomerge executable in Release (quick when up to date) and returns its dll. It is not a project
    /// reference: the CLI brings Orleans, whose Roslyn version clashes with BenchmarkDotNet's.
    /// </summary>
    internal static string BuildCryomerge()
    {
        string project = Path.Combine(RepositoryRoot(), "src", "CryoMerge.Cli");
        Measure.External("dotnet", ["build", "-c", "Release", "-v", "q", "-nologo", project], repeats: 1);   // throws if the build fails
        string dll = Path.Combine(project, "bin", "Release", "net10.0", "cryomerge.dll");
        if (!File.Exists(dll)) throw new InvalidOperationException($"{dll} was not built");
        return dll;
    }

    /// <summary>The repository this bench was built from (the folder of CryoMerge.Distributed.sln).</summary>
    internal static string RepositoryRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "CryoMerge.Distributed.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("cannot find the repository (CryoMerge.Distributed.sln) above " + AppContext.BaseDirectory);
    }

    /// <summary>Noise images written section by section (so that a 2.7 GB movie never sits in memory).</summary>
    private static void Generate(string path, Shape3 shape, bool stack, double pixel)
    {
        var rng = new Random(2019);
        using var writer = MrcWriter.Create(path, shape, new MrcWriteOptions { PixelSize = Vector3d.All(pixel), IsStack = stack });
        var section = new float[shape.SectionCount];
        for (int z = 0; z < shape.Z; z++)
        {
            for (int i = 0; i < section.Length; i++) section[i] = rng.NextSingle() * 2 - 1;
            writer.WriteSection(z, section);
        }
        writer.Commit();
    }

    /// <summary>Compares a few sections of the two outputs; a mismatch stops the benchmark (it would compare unlike work).</summary>
    private static string Check(string ours, string relion)
    {
        using var a = MrcFile.Open(ours);
        using var b = MrcFile.Open(relion, MrcReadOptions.Permissive);
        if (a.Shape != b.Shape) throw new InvalidOperationException($"shapes differ: ours {a.Shape}, RELION {b.Shape}");
        if (Math.Abs(a.PixelSize.X - b.PixelSize.X) > 1e-5 * b.PixelSize.X) throw new InvalidOperationException($"pixel sizes differ: {a.PixelSize.X} vs {b.PixelSize.X}");
        foreach (int z in new[] { 0, a.Shape.Z / 2, a.Shape.Z - 1 }.Distinct())
        {
            var x = a.ReadSection(z);
            var y = b.ReadSection(z);
            double max = 0, sum = 0, sum2 = 0;
            for (int i = 0; i < x.Length; i++)
            {
                max = Math.Max(max, Math.Abs(x[i] - y[i]));
                sum += y[i];
                sum2 += (double)y[i] * y[i];
            }
            double std = Math.Sqrt(Math.Max(0, sum2 / y.Length - (sum / y.Length) * (sum / y.Length)));
            if (max > 1e-5 * std) throw new InvalidOperationException($"section {z} differs from RELION's by {max:G3} (std {std:G3})");
        }
        return a.Shape.Z == 1 ? $"{a.Shape.X}^2" : $"{a.Shape.X} x {a.Shape.Y} x {a.Shape.Z}";
    }
}
