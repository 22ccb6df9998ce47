using System.Globalization;
using System.Text.Json;
using CryoMerge.Core.Formats;
using CryoMerge.Core.Imaging;
using CryoMerge.Tests;

namespace CryoMerge.Cli.Tests;

/// <summary>simulate, extract and window from the command line, end to end, with RELION reading the results.</summary>
public sealed class SimulateExtractWindowCommandTests
{
    private static CliRunner.Result Simulate(string output, params string[] extra) => CliRunner.Run(
        ["simulate", "--angpix-true", "2.5", "--micrographs", "4", "--particles", "30", "--mic-size", "576x512",
        "--box", "64", "--snr", "2",
         "--seed", "5", "--o", output, .. extra]);

    [Fact]
    public void RelionReconstructsTheTruthMapFromSimulatedParticlesExtractedWithTheirTrueAngles()
    {
        // Euler convention, CTF sign and convention, sub-pixel origins, contrast and extraction all have to be right
        // for this: relion_reconstruct --ctf from our particles gives back the phantom, and not its mirror image.
        Requires.Relion("relion_reconstruct");
        Requires.Mrcfile();
        using var dir = new TempDir();
        string sim = dir.File("sim");
        var simulate = Simulate(sim, "--write-map", "--json");
        Assert.True(simulate.ExitCode == 0, simulate.Error);
        Assert.Equal(120, JsonDocument.Parse(simulate.Out).RootElement.GetProperty("particles").GetInt32());
        var extract = CliRunner.Run("extract", "--mics", Path.Combine(sim, "micrographs_ctf.star"), "--coords",
            Path.Combine(sim, "particles_truth.star"),
            "--box", "64", "--invert", "--o", dir.File("extract"), "--json");
        Assert.True(extract.ExitCode == 0, extract.Error);
        var run = Tool.Run("relion_reconstruct", ["--i", dir.File("extract/particles.star"), "--o",
            dir.File("rec.mrc"), "--ctf"]);
        Assert.True(run.ExitCode == 0, run.Stderr + run.Stdout);
        using var rec = MrcFile.Open(dir.File("rec.mrc"));
        using var truth = MrcFile.Open(Path.Combine(sim, "map_truth.mrc"));
        // Compared at 10 A (Fourier-cropped to 32^3): 120 particles carry little signal beyond.
        var fft = FftBackends.Create();
        var b64 = truth.ReadAll();
        var mirror64 = new float[b64.Length];
        for (int z = 0; z < 64; z++) Array.Copy(b64, ((64 - z) % 64) * 4096, mirror64, z * 4096, 4096);
        var a = FourierResize.Resize(fft, new Grid(rec.Shape, rec.ReadAll()), 32).Data;
        var b = FourierResize.Resize(fft, new Grid(truth.Shape, b64), 32).Data;
        var mirror = FourierResize.Resize(fft, new Grid(truth.Shape, mirror64), 32).Data;
        double cc = ImageComparison.Correlation(a, b), ccMirror = ImageComparison.Correlation(a, mirror);
        Assert.True(cc > 0.9, $"correlation with the truth {cc}");
        Assert.True(ccMirror < 0.5, $"correlation with the mirror image {ccMirror}");
        // mrcfile accepts what we wrote.
        foreach (var f in new[] { Path.Combine(sim, "Micrographs", "mic000001.mrc"),
            dir.File("extract/Micrographs/mic000001.mrcs"), Path.Combine(sim, "map_truth.mrc") })
            Assert.Equal(0, Tool.Run(Requires.DebianPython, ["-c",
                $"import mrcfile,sys; sys.exit(0 if mrcfile.validate('{f}') else 1)"]).ExitCode);
    }

    [Fact]
    public void WindowingTheExtractedParticlesKeepsThemReadableByRelion()
    {
        Requires.Relion("relion_star_handler");
        using var dir = new TempDir();
        string sim = dir.File("sim");
        Assert.Equal(0, Simulate(sim).ExitCode);
        var extract = CliRunner.Run("extract", "--mics", Path.Combine(sim, "micrographs_ctf.star"), "--coord-dir", sim,
            "--coord-suffix", "_coords.star",
            "--box", "64", "--scale", "56", "--bg-diameter", "48", "--invert", "--o", dir.File("extract"));
        Assert.True(extract.ExitCode == 0, extract.Error);
        Assert.Contains("Extracted 120 particles from 4 micrographs", extract.Out);
        var window = CliRunner.Run("window", "--i", dir.File("extract/particles.star"), "--box", "48", "--o",
            dir.File("window"), "--json");
        Assert.True(window.ExitCode == 0, window.Error);
        var json = JsonDocument.Parse(window.Out).RootElement;
        Assert.Equal(120, json.GetProperty("images").GetInt32());
        Assert.Equal(48, json.GetProperty("box").GetInt32());
        var star = StarFile.Read(dir.File("window/particles.star"));
        var optics = star.Block("optics").RequireTable();
        Assert.Equal(48, optics.GetInt(0, RelionLabels.ImageSize));
        Assert.Equal(2.5 * 64 / 56, optics.GetDouble(0, RelionLabels.ImagePixelSize), 1e-6);
        var run = Tool.Run("relion_star_handler", ["--i", dir.File("window/particles.star"), "--o",
            dir.File("copy.star")]);
        Assert.True(run.ExitCode == 0, run.Stderr + run.Stdout);
    }

    [Fact]
    public void TheSameCommandTwiceGivesByteIdenticalMicrographs()
    {
        using var dir = new TempDir();
        Assert.Equal(0, Simulate(dir.File("a"), "--threads", "1").ExitCode);
        Assert.Equal(0, Simulate(dir.File("b"), "--threads", "2").ExitCode);
        foreach (var f in new[] { "Micrographs/mic000004.mrc", "micrographs_ctf.star", "particles_truth.star",
            "truth.json" })
            Assert.True(File.ReadAllBytes(Path.Combine(dir.File("a"),
                f)).AsSpan().SequenceEqual(File.ReadAllBytes(Path.Combine(dir.File("b"), f))), f);
    }

    [Fact]
    public void AMissingMicrographIsBadInputNamingItWithNothingWritten()
    {
        using var dir = new TempDir();
        string sim = dir.File("sim");
        Assert.Equal(0, Simulate(sim).ExitCode);
        File.Delete(Path.Combine(sim, "Micrographs", "mic000003.mrc"));
        var result = CliRunner.Run("extract", "--mics", Path.Combine(sim, "micrographs_ctf.star"), "--coords",
            Path.Combine(sim, "particles_truth.star"),
            "--box", "64", "--o", dir.File("out"));
        Assert.Equal(1, result.ExitCode);
        Assert.StartsWith("cryomerge: Micrographs/mic000003.mrc: micrograph not found", result.Error.Trim());
        Assert.False(Directory.Exists(dir.File("out")));
    }

    [Fact]
    public void AWindowLargerThanTheScaledBoxIsRefusedAndAnOddBoxWarns()
    {
        using var dir = new TempDir();
        string sim = dir.File("sim");
        Assert.Equal(0, Simulate(sim).ExitCode);
        string mics = Path.Combine(sim, "micrographs_ctf.star"), coords = Path.Combine(sim, "particles_truth.star");
        var big = CliRunner.Run("extract", "--mics", mics, "--coords", coords, "--box", "64", "--scale", "48",
            "--window", "56", "--o", dir.File("x"));
        Assert.Equal(1, big.ExitCode);
        Assert.Contains("--window: 56 is larger than the 48-pixel box after scaling", big.Error);
        var odd = CliRunner.Run("extract", "--mics", mics, "--coords", coords, "--box", "63", "--scale", "71", "--o",
            dir.File("y"));
        Assert.True(odd.ExitCode == 0, odd.Error);
        Assert.Contains("warning: --box 63 is odd; using 64", odd.Error);
        Assert.Contains("72 x 72 px", odd.Out);   // upsampled: --scale 71 -> 72 > --box
        var none = CliRunner.Run("extract", "--mics", mics, "--box", "64", "--o", dir.File("z"));
        Assert.Equal(1, none.ExitCode);
        Assert.Contains("give the coordinates", none.Error);
    }

    [Theory]
    [InlineData("--defocus", "25000-8000")]
    [InlineData("--defocus", "abc")]
    [InlineData("--mic-size", "4096x")]
    public void AMalformedRangeOrSizeIsAUsageError(string option, string value)
    {
        var result = CliRunner.Run("simulate", "--angpix-true", "1", option, value, "--o", "/tmp/never");
        Assert.Equal(2, result.ExitCode);
        Assert.False(Directory.Exists("/tmp/never"));
    }

    [Fact]
    public void AnImpossibleSimulationIsBadInputNamingTheOption()
    {
        using var dir = new TempDir();
        var result = CliRunner.Run("simulate", "--angpix-true", "1", "--micrographs", "1", "--particles", "400",
            "--mic-size", "512", "--box", "128", "--o", dir.File("s"));
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("cryomerge: --particles:", result.Error);
    }
}
