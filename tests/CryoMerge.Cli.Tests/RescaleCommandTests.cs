using System.Diagnostics;
using System.Security.Cryptography;
using System.Text.Json;
using CryoMerge.Core;
using CryoMerge.Core.Formats;
using CryoMerge.Tests;

namespace CryoMerge.Cli.Tests;

public sealed class RescaleCommandTests
{
    private static string Dll => Path.Combine(AppContext.BaseDirectory, "cryomerge.dll");

    [Fact]
    public void RescalingAMapPrintsThePixelSizeReachedAndWarnsWithBetterBoxes()
    {
        Requires.SharedData();
        using var dir = new TempDir();
        var result = CliRunner.Run("rescale", "--i", TestFiles.RealFile("ngl/betaGal.mrc"), "--o", dir.File("bg.mrc"),
            "--rescale-angpix", "4.0");
        Assert.Equal(0, result.ExitCode);
        Assert.Contains("100 x 100 x 100 -> 88 x 88 x 88", result.Out);
        Assert.Contains("-> 4.022727 A (requested 4 A, +0.568 %)", result.Out);
        Assert.Contains("warning: ", result.Error);
        Assert.Contains("reached 4.022727 A/px", result.Error);
        Assert.Contains("122 -> 108 px at 3.998889 A/px", result.Error);
        using var output = MrcFile.Open(dir.File("bg.mrc"));
        Assert.Equal(4.022727, output.PixelSize.X, 5);
    }

    [Fact]
    public void JsonGivesTheResultObjectAndNothingElseOnStdout()
    {
        using var dir = new TempDir();
        WriteImage(dir.File("mic.mrc"), new Shape3(300, 200, 1), 1.0);
        var result = CliRunner.Run("rescale", "--i", dir.File("mic.mrc"), "--o", dir.File("out.mrc"),
            "--rescale-angpix", "1.3", "--method", "spline", "--json");
        Assert.Equal(0, result.ExitCode);
        var json = JsonDocument.Parse(result.Out).RootElement;
        Assert.Equal("image", json.GetProperty("imageKind").GetString());
        Assert.Equal("spline", json.GetProperty("method").GetString());
        Assert.Equal([231, 154, 1], json.GetProperty("outputShape").EnumerateArray().Select(e => e.GetInt32()));
        Assert.Equal(1.3, json.GetProperty("pixelSize").GetDouble());
        Assert.False(json.GetProperty("differsFromRequest").GetBoolean());
        Assert.Equal(JsonValueKind.Null, json.GetProperty("warning").ValueKind);
        Assert.Equal("", result.Error);
    }

    [Fact]
    public void ANewBoxAloneKeepsThePixelSize()
    {
        using var dir = new TempDir();
        WriteImage(dir.File("p.mrcs"), new Shape3(64, 64, 3), 1.7, stack: true);
        var result = CliRunner.Run("rescale", "--i", dir.File("p.mrcs"), "--o", dir.File("out.mrcs"), "--new-box",
            "48", "--json");
        Assert.Equal(0, result.ExitCode);
        using var output = MrcFile.Open(dir.File("out.mrcs"));
        Assert.Equal(new Shape3(48, 48, 3), output.Shape);
        Assert.Equal(1.7, output.PixelSize.X, 5);
    }

    [Theory]
    [InlineData("no pixel size", "--rescale-angpix", "2")]
    [InlineData("at least 2 are needed", "--rescale-angpix", "300", "--angpix", "1")]
    public void BadInputIsOneLineAndExitCodeOne(string expected, params string[] options)
    {
        using var dir = new TempDir();
        WriteImage(dir.File("nopix.mrc"), new Shape3(64, 64, 1), 0);
        var result = CliRunner.Run(["rescale", "--i", dir.File("nopix.mrc"), "--o", dir.File("out.mrc"), .. options]);
        Assert.Equal(1, result.ExitCode);
        Assert.Single(result.Error.Trim().Split('\n'));
        Assert.StartsWith($"cryomerge: {dir.File("nopix.mrc")}: ", result.Error);
        Assert.Contains(expected, result.Error);
        Assert.False(File.Exists(dir.File("out.mrc")));
    }

    [Fact]
    public void TheOutputCannotBeTheInput()
    {
        using var dir = new TempDir();
        WriteImage(dir.File("m.mrc"), new Shape3(32, 32, 1), 1);
        byte[] before = SHA256.HashData(File.ReadAllBytes(dir.File("m.mrc")));
        var result = CliRunner.Run("rescale", "--i", dir.File("m.mrc"), "--o", dir.File("m.mrc"),
            "--rescale-angpix", "2");
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("would overwrite the input", result.Error);
        Assert.Equal(before, SHA256.HashData(File.ReadAllBytes(dir.File("m.mrc"))));
    }

    [Theory]
    [InlineData("--i", "x.mrc", "--o", "y.mrc")]
    [InlineData("--i", "x.mrc", "--o", "y.mrc", "--rescale-angpix", "abc")]
    [InlineData("--i", "x.mrc", "--o", "y.mrc", "--rescale-angpix", "1", "--method", "bilinear")]
    public void MeaninglessOptionsAreUsageErrors(params string[] options)
    {
        var result = CliRunner.Run(["rescale", .. options]);
        Assert.Equal(2, result.ExitCode);
        Assert.Equal("", result.Out);
        Assert.DoesNotContain("System.", result.Error);
    }

    [Theory]
    [InlineData("--rescale-angpix", "-1.2",
        "cryomerge: --rescale-angpix: must be a positive pixel size in A, not -1.2")]
    [InlineData("--rescale-angpix", "0", "cryomerge: --rescale-angpix: must be a positive pixel size in A, not 0")]
    [InlineData("--angpix", "-1.2", "cryomerge: --angpix: must be a positive pixel size in A, not -1.2")]
    [InlineData("--new-box", "1", "cryomerge: --new-box: a box of 1 pixels is too small; at least 2 are needed")]
    [InlineData("--threads", "-1", "cryomerge: --threads: must be 0 (every core) or more, not -1")]
    public void AValueOutOfRangeIsBadInputLikeInEveryOtherCommand(string option, string value, string message)
    {
        // Exit code 1 as scale-ctf, relabel and rescale-particles give for a negative pixel size (issue 20).
        string[] args = option == "--rescale-angpix" ? ["rescale", "--i", "x.mrc", "--o", "y.mrc", option, value]
            : ["rescale", "--i", "x.mrc", "--o", "y.mrc", "--rescale-angpix", "2", option, value];
        var result = CliRunner.Run(args);
        Assert.Equal(1, result.ExitCode);
        Assert.Equal(message, result.Error.Trim());
    }

    [Fact]
    public void AParticlesStarFileIsRefusedPointingToRescaleParticles()
    {
        // The simulator's particles_truth.star has no images, only micrograph names and coordinates: rescaling the
        // micrographs it names would leave the coordinates in the old pixels (issue 20).
        using var dir = new TempDir();
        Assert.Equal(0, CliRunner.Run("simulate", "--angpix-true", "1", "--micrographs", "1", "--particles", "3",
            "--mic-size", "256", "--box", "32", "--o", dir.File("sim")).ExitCode);
        string truth = dir.File("sim/particles_truth.star");
        var result = CliRunner.Run("rescale", "--i", truth, "--o", dir.File("out"), "--rescale-angpix", "2");
        Assert.Equal(1, result.ExitCode);
        Assert.Equal(
            $"cryomerge: {truth}: lists particles, not micrographs or movies; rescale its micrographs from their " +
            $"micrographs STAR file, then move the particles onto them with cryomerge rescale-particles",
            result.Error.Trim());
        Assert.False(Directory.Exists(dir.File("out")));
    }

    [Fact]
    public void AStarFileIsResolvedFromTheProjectDirectoryAndANewOneWritten()
    {
        using var project = new TempDir();
        File.WriteAllText(project.File("mics.star"),
            "\ndata_\n\nloop_\n_rlnMicrographName #1\n_rlnMagnification #2\n_rlnDetectorPixelSize #3\nMics/a.mrc " +
            "10000 1.0\nMics/b.mrc 10000 1.0\n");
        Directory.CreateDirectory(project.File("Mics"));
        WriteImage(project.File("Mics/a.mrc"), new Shape3(100, 100, 1), 1.0);
        WriteImage(project.File("Mics/b.mrc"), new Shape3(100, 100, 1), 1.0);
        var run = Tool.Run("dotnet", [Dll, "rescale", "--i", "mics.star", "--o", "Rescaled", "--rescale-angpix", "1.25",
            "--json"], workingDirectory: project.Path);
        Assert.True(run.ExitCode == 0, run.Stderr);
        var json = JsonDocument.Parse(run.Stdout).RootElement;
        Assert.Equal(2, json.GetProperty("files").GetInt32());
        Assert.Equal(1.25, json.GetProperty("pixelSizes")[0].GetProperty("newPixelSize").GetDouble(), 9);
        var table = StarFile.Read(project.File("Rescaled/mics.star")).Blocks.Single(b =>
            b.Table is not null).RequireTable();
        Assert.Equal("Rescaled/a.mrc", table.Column(RelionLabels.MicrographName).GetString(0));
        Assert.Equal(1.25, PixelSizes.FromRelion30Row(table, 1)!.Value, 6);
        Assert.True(File.Exists(project.File("Rescaled/b.mrc")));
    }

    [Fact]
    public async Task CtrlCLeavesNoPartialFileAndExitsWithOne()
    {
        Requires.SigintDelivered();
        // A loaded machine can deliver the signal after the rescale has finished: then the run proves nothing, and it
        // is tried again on a longer movie.
        for (int frames = 300; ; frames *= 2)
        {
            using var dir = new TempDir();
            // A movie long enough to be still running when the signal comes (the content does not matter).
            var shape = new Shape3(512, 512, frames);
            using (var writer = MrcWriter.Create(dir.File("movie.mrcs"), shape, new MrcWriteOptions { IsStack = true }))
            {
                var frame = new float[shape.SectionCount];
                for (int z = 0; z < shape.Z; z++) writer.WriteSection(z, frame);
                writer.Commit();
            }
            using var process = new ServerProcess("dotnet", [Dll, "rescale", "--i", dir.File("movie.mrcs"), "--o",
                dir.File("out.mrcs"), "--rescale-angpix", "1.3", "--threads", "1"]);
            var watch = Stopwatch.StartNew();
            while (!Directory.GetFiles(dir.Path).Any(f => f.EndsWith(OutputFiles.TemporarySuffix))
                && !process.HasExited && watch.Elapsed.TotalSeconds < 300)
                Thread.Sleep(5);
            Assert.False(process.HasExited, "the rescale finished before it could be interrupted");
            process.Interrupt();
            int code = await process.WaitForExitAsync(TimeSpan.FromMinutes(5));
            if (code == 0 && frames < 1200)
            {
                // Finished before the signal: complete, and nothing partial either.
                Assert.Equal(["movie.mrcs", "out.mrcs"], Directory.GetFiles(dir.Path).Select(Path.GetFileName).Order());
                continue;
            }
            Assert.Equal(1, code);
            Assert.Contains("cancelled", process.Output);
            Assert.Equal(["movie.mrcs"], Directory.GetFiles(dir.Path).Select(Path.GetFileName));
            return;
        }
    }

    private static void WriteImage(string path, Shape3 shape, double pixel, bool stack = false)
    {
        var rng = new Random(shape.X);
        var data = new float[shape.Count];
        for (int i = 0; i < data.Length; i++) data[i] = (float)rng.NextDouble();
        MrcWriter.WriteFile(path, shape, data, new MrcWriteOptions { PixelSize = Vector3d.All(pixel),
            IsStack = stack });
    }
}
