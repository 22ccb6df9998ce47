using System.Text.Json;
using CryoMerge.Core;
using CryoMerge.Core.Formats;
using CryoMerge.Core.Imaging;
using CryoMerge.Tests;

namespace CryoMerge.Cli.Tests;

/// <summary>cryomerge reconstruct on particles that simulate and extract made, as a user would run them.</summary>
public sealed class ReconstructCommandTests
{
    [Fact]
    public void HalfMapsOfExtractedParticlesGiveBackTheTruthAndNotItsMirrorImage()
    {
        using var dir = new TempDir();
        string sim = dir.File("sim");
        var simulate = CliRunner.Run("simulate", "--angpix-true", "2.5", "--micrographs", "6", "--particles", "50",
            "--mic-size", "640x576",
            "--box", "64", "--snr", "2", "--seed", "7", "--write-map", "--o", sim);
        Assert.True(simulate.ExitCode == 0, simulate.Error);
        var extract = CliRunner.Run("extract", "--mics", Path.Combine(sim, "micrographs_ctf.star"), "--coords",
            Path.Combine(sim, "particles_truth.star"),
            "--box", "64", "--invert", "--o", dir.File("extract"));
        Assert.True(extract.ExitCode == 0, extract.Error);
        var halves = new List<float[]>();
        foreach (string half in new[] { "1", "2" })
        {
            var run = CliRunner.Run("reconstruct", "--i", dir.File("extract/particles.star"), "--o",
                dir.File($"half{half}.mrc"), "--ctf",
                "--subset", half, "--j", "2", "--json");
            Assert.True(run.ExitCode == 0, run.Error);
            var json = JsonDocument.Parse(run.Out).RootElement;
            Assert.Equal(150, json.GetProperty("particles").GetInt32());
            Assert.Equal(64, json.GetProperty("box").GetInt32());
            Assert.Equal(2.5, json.GetProperty("pixelSize").GetDouble(), 1e-6);
            using var map = MrcFile.Open(dir.File($"half{half}.mrc"));
            Assert.Equal(2.5, map.PixelSize.X, 1e-5);
            halves.Add(map.ReadAll());
        }
        using var truth = MrcFile.Open(Path.Combine(sim, "map_truth.mrc"));
        var t = truth.ReadAll();
        var mirror = new float[t.Length];
        for (int z = 0; z < 64; z++) Array.Copy(t, ((64 - z) % 64) * 4096, mirror, z * 4096, 4096);
        // Compared at 10 A (Fourier-cropped to 32^3): 150 particles per half carry little signal beyond.
        var fft = FftBackends.Create();
        float[] Low(float[] map) => FourierResize.Resize(fft, new Grid(new Shape3(64, 64, 64), map), 32).Data;
        foreach (var half in halves)
        {
            double cc = Correlation(Low(half), Low(t)), ccMirror = Correlation(Low(half), Low(mirror));
            Assert.True(cc > 0.85, $"correlation with the truth {cc}");
            Assert.True(ccMirror < 0.5, $"correlation with the mirror image {ccMirror}");
        }
        Assert.True(Correlation(Low(halves[0]), Low(halves[1])) > 0.85, "the two half maps disagree");
    }

    [Fact]
    public void AHalfThatTheFileDoesNotHaveIsBadInputWithNoMapWritten()
    {
        using var dir = new TempDir();
        string sim = dir.File("sim");
        Assert.Equal(0, CliRunner.Run("simulate", "--angpix-true", "2.5", "--micrographs", "1", "--particles", "5",
            "--mic-size", "512x512",
            "--box", "64", "--seed", "3", "--o", sim).ExitCode);
        var extract = CliRunner.Run("extract", "--mics", Path.Combine(sim, "micrographs_ctf.star"), "--coords",
            Path.Combine(sim, "particles_truth.star"),
            "--box", "64", "--invert", "--o", dir.File("extract"));
        Assert.True(extract.ExitCode == 0, extract.Error);
        var run = CliRunner.Run("reconstruct", "--i", dir.File("extract/particles.star"), "--o", dir.File("map.mrc"),
            "--subset", "3");
        Assert.Equal(1, run.ExitCode);
        Assert.Contains("--subset: must be 1 or 2", run.Error);
        var usage = CliRunner.Run("reconstruct", "--o", dir.File("map.mrc"));
        Assert.Equal(2, usage.ExitCode);
        Assert.False(File.Exists(dir.File("map.mrc")));
    }

    private static double Correlation(float[] a, float[] b)
    {
        double ma = a.Average(), mb = b.Average(), ab = 0, aa = 0, bb = 0;
        for (int i = 0; i < a.Length; i++)
        {
            ab += (a[i] - ma) * (b[i] - mb);
            aa += (a[i] - ma) * (a[i] - ma);
            bb += (b[i] - mb) * (b[i] - mb);
        }
        return ab / Math.Sqrt(aa * bb);
    }
}
