using System.Diagnostics;
using CryoMerge.Core;
using CryoMerge.Tests;

namespace CryoMerge.Cli.Tests;

/// <summary>
/// Issue 19: a command writes only inside its output folder, replaces only what it wrote, and refuses odd files at
/// once.
/// </summary>
public sealed class OutputSafetyTests
{
    private static void Simulate(TempDir dir) =>
        Assert.Equal(0, CliRunner.Run("simulate", "--angpix-true", "1", "--micrographs", "2", "--particles", "4",
        "--mic-size", "256",
            "--box", "32", "--o", dir.File("sim")).ExitCode);

    [Fact]
    public void ExtractReplacesOnlyItsOwnStacksUnlessOverwrite()
    {
        using var dir = new TempDir();
        Simulate(dir);
        string[] extract =
        [
            "extract", "--mics", dir.File("sim/micrographs_ctf.star"), "--coords", dir.File("sim/particles_truth.star"),
            "--box", "32", "--o", dir.File("out"),
        ];
        Directory.CreateDirectory(dir.File("out/Micrographs"));
        File.WriteAllText(dir.File("out/Micrographs/mic000002.mrcs"), "from another run of another program");

        var refused = CliRunner.Run(extract);
        Assert.Equal(1, refused.ExitCode);
        Assert.Equal(
            $"cryomerge: {dir.File("out/Micrographs/mic000002.mrcs")}: exists and was not written by cryomerge into " +
            $"{dir.File("out")}; "
            + "nothing was written: move it away, choose another output folder, or give --overwrite to replace it",
                refused.Error.Trim());
        var left = Directory.GetFiles(dir.File("out"), "*", SearchOption.AllDirectories).Select(Path.GetFileName);
        Assert.Equal(["mic000002.mrcs"], left);

        Assert.Equal(0, CliRunner.Run([.. extract, "--overwrite"]).ExitCode);
        Assert.True(OutputRecord.Lists(dir.File("out"), dir.File("out/Micrographs/mic000002.mrcs")));
        // The same command again replaces its own outputs.
        var again = CliRunner.Run(extract);
        Assert.True(again.ExitCode == 0, again.Error);
        // Its working file, the coordinate index, is gone: the folder holds the stacks, particles.star, the record.
        Assert.Equal([OutputRecord.FileName, "Micrographs", "particles.star"],
            Directory.GetFileSystemEntries(dir.File("out")).Select(Path.GetFileName).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void InfoRefusesANamedPipeADeviceAndADirectoryAtOnce()
    {
        Requires.Linux("named pipes and /dev/zero");
        using var dir = new TempDir();
        string fifo = dir.File("pipe.star");
        using (var mkfifo = Process.Start("mkfifo", [fifo])) mkfifo.WaitForExit();
        var result = CliRunner.Run("info", fifo, "/dev/zero", dir.Path);
        Assert.Equal(1, result.ExitCode);
        Assert.Equal(
        [
            $"cryomerge: {fifo}: is a named pipe (FIFO), not a regular file; give a STAR file on disk",
            "cryomerge: /dev/zero: is a character device, not a regular file; give an MRC file on disk",
            $"cryomerge: {dir.Path}: is a directory, not an MRC file",
        ], result.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Theory]
    [InlineData("nan")]
    [InlineData("inf")]
    [InlineData("abc")]
    [InlineData("1e999")]
    public void InfoOnANonIntegerOpticsGroupIsOneLine(string value)
    {
        using var dir = new TempDir();
        string star = dir.File("p.star");
        File.WriteAllText(star, $"data_optics\nloop_\n_rlnOpticsGroup\n_rlnImagePixelSize\n{value} 1.2\n\n"
            + "data_particles\nloop_\n_rlnImageName\n_rlnOpticsGroup\n1@a.mrcs 1\n");
        var result = CliRunner.Run("info", star);
        Assert.Equal(1, result.ExitCode);
        Assert.Equal($"cryomerge: {star}: data_optics, column _rlnOpticsGroup, row 1: '{value}' is not an integer",
            result.Error.Trim());
    }
}
