using CryoMerge.Tests;

namespace CryoMerge.Cli.Tests;

/// <summary>Bad input to the metadata commands: one line, exit code 1, nothing written, inputs untouched.</summary>
public sealed class MetadataBadInputTests
{
    public static TheoryData<string[], string> BadInputs => new()
    {
        { ["scale-ctf", "--angpix-old", "-1", "--angpix-new", "0.88"],
            "cryomerge: --angpix-old: must be a positive pixel size in A, not -1" },
        { ["scale-ctf", "--angpix-old", "0.88", "--angpix-new", "0.88"],
            "the old and new pixel sizes are equal (0.88 A): there is nothing to change" },
        { ["relabel", "--pix-relative", "0"], "cryomerge: --pix-relative: must be a positive pixel size in A, not 0" },
        { ["rescale-particles", "--pix-nominal", "1.36", "--pix-relative", "1.28", "--pix-target", "1.4"],
            "holds micrographs; rescale-particles takes particle or coordinate files (scale-ctf or relabel change " +
            "micrograph files)" },
    };

    [Theory]
    [MemberData(nameof(BadInputs))]
    public void BadInputIsOneLineExitCodeOneAndNothingWritten(string[] args, string message)
    {
        using var dir = new TempDir();
        File.WriteAllText(dir.File("in.star"), CliTestFiles.MicrographsAt0900);
        var result = CliRunner.Run([.. args, "--i", dir.File("in.star"), "--o", dir.File("out.star")]);
        Assert.Equal(1, result.ExitCode);
        Assert.Equal("", result.Out);
        var line = Assert.Single(result.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.EndsWith(message, line);
        Assert.Equal(["in.star"], Directory.GetFiles(dir.Path).Select(Path.GetFileName));
        Assert.Equal(CliTestFiles.MicrographsAt0900, File.ReadAllText(dir.File("in.star")));
    }

    [Fact]
    public void AStarFileFromAnotherProgramIsBadInputForEveryCommand()
    {
        Requires.SharedData();
        using var dir = new TempDir();
        string pipeline = TestFiles.RealFile("em-testdata/default_pipeline.star");
        string[][] commands =
        [
            ["scale-ctf", "--i", pipeline, "--o", dir.File("o.star"), "--angpix-old", "0.9", "--angpix-new", "0.88"],
            ["relabel", "--i", pipeline, "--o", dir.File("o.star"), "--pix-relative", "0.88"],
            ["rescale-particles", "--i", pipeline, "--o", dir.File("o.star"), "--pix-nominal", "1.36", "--pix-relative",
            "1.28", "--pix-target", "1.4"],
            ["join", pipeline, TestFiles.RealFile("isecc/test.star"), "--o", dir.File("o.star")],
        ];
        foreach (var args in commands)
        {
            var result = CliRunner.Run(args);
            Assert.Equal(1, result.ExitCode);
            Assert.Contains("not a RELION particle, micrograph, movie or coordinate STAR file", result.Error);
        }
        Assert.Empty(Directory.GetFiles(dir.Path));
    }

    [Fact]
    public void AnExistingOutputSurvivesARefusedRunAndIsReplacedWholeByAGoodOne()
    {
        using var dir = new TempDir();
        File.WriteAllText(dir.File("in.star"), CliTestFiles.MicrographsAt0900);
        File.WriteAllText(dir.File("out.star"), "previous result");
        var refused = CliRunner.Run("scale-ctf", "--i", dir.File("in.star"), "--o", dir.File("out.star"),
            "--angpix-old", "0.9", "--angpix-new", "0.9");
        Assert.Equal(1, refused.ExitCode);
        Assert.Equal("previous result", File.ReadAllText(dir.File("out.star")));
        var done = CliRunner.Run("scale-ctf", "--i", dir.File("in.star"), "--o", dir.File("out.star"), "--angpix-old",
            "0.9", "--angpix-new", "0.88", "--paper-constant");
        Assert.Equal(0, done.ExitCode);
        Assert.Contains("19135.591569", File.ReadAllText(dir.File("out.star")));
        Assert.Equal(["in.star", "out.star"], Directory.GetFiles(dir.Path).Select(Path.GetFileName).Order());
    }

    [Fact]
    public void ParticlesWithoutImagesAreCalledParticlesAndAMissingColumnIsNamed()
    {
        // The simulator's particles_truth.star: data_particles with micrograph names and coordinates, no rlnImageName.
        using var dir = new TempDir();
        Assert.Equal(0, CliRunner.Run("simulate", "--angpix-true", "1", "--micrographs", "1", "--particles", "3",
            "--mic-size", "256", "--box", "32", "--o", dir.File("sim")).ExitCode);
        string truth = dir.File("sim/particles_truth.star"), mics = dir.File("sim/micrographs_ctf.star");
        string withoutImages
            = $"cryomerge: {truth}: lists particles without images (data_particles has no _rlnImageName, only " +
            $"micrograph names and coordinates); "
            + "join takes particle files with images, micrograph or movie files: extract the particles first " +
                "(cryomerge extract)";
        foreach (var other in new[] { truth, mics })
        {
            var join = CliRunner.Run("join", truth, other, "--o", dir.File("joined.star"));
            Assert.Equal(1, join.ExitCode);
            Assert.Equal(withoutImages, join.Error.Trim());
        }

        var rescaled = CliRunner.Run("rescale-particles", "--i", truth, "--o", dir.File("r.star"), "--pix-nominal", "1",
            "--pix-relative", "0.98", "--pix-target", "1.1");
        Assert.Equal(0, rescaled.ExitCode);
        Assert.Contains(": 3 particles (RELION 3.1+)", rescaled.Out);

        var star = CryoMerge.Core.Formats.StarFile.Read(truth);
        star.Block("particles").RequireTable().RemoveColumn("rlnCoordinateX");
        star.Write(dir.File("nox.star"));
        var missing = CliRunner.Run("rescale-particles", "--i", dir.File("nox.star"), "--o", dir.File("r2.star"),
            "--pix-nominal", "1", "--pix-relative", "0.98", "--pix-target", "1.1");
        Assert.Equal(1, missing.ExitCode);
        Assert.Equal(
            $"cryomerge: {dir.File("nox.star")}: column _rlnCoordinateX is missing from data_particles (needed to " +
            $"rescale coordinates)", missing.Error.Trim());
        Assert.False(File.Exists(dir.File("joined.star")) || File.Exists(dir.File("r2.star")));
    }
}
