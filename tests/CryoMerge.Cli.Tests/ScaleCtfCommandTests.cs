using System.Text.Json;
using CryoMerge.Core.Formats;
using CryoMerge.Tests;

namespace CryoMerge.Cli.Tests;

public sealed class ScaleCtfCommandTests
{
    [Fact]
    public void ScaleCtfSaysPlainlyThatThePaperConstantIncreasesDefocus()
    {
        using var dir = new TempDir();
        File.WriteAllText(dir.File("mic.star"), CliTestFiles.MicrographsAt0900);
        var result = CliRunner.Run("scale-ctf", "--i", dir.File("mic.star"), "--o", dir.File("new.star"),
            "--angpix-old", "0.900", "--angpix-new", "0.880", "--paper-constant");
        Assert.Equal(0, result.ExitCode);
        Assert.Contains("defocus U and V x 0.956049, then increased by 14.60 A", result.Out);
        Assert.Contains("the script prints it as -14.602555", result.Out);
        Assert.Contains("20000 A becomes 19135.59 A", result.Out);
        Assert.Equal("19135.591569",
            StarFile.Read(dir.File("new.star")).Blocks[0].Table!.Column(RelionLabels.DefocusU).Raw(0));
    }

    [Fact]
    public void ScaleCtfJsonGivesTheFactorConstantAndDirectionPerOpticsGroup()
    {
        Requires.SharedData();
        using var dir = new TempDir();
        var result = CliRunner.Run("scale-ctf", "--i", TestFiles.RealFile("em-testdata/micrographs_ctf.star"), "--o",
            dir.File("new.star"),
            "--angpix-old", "0.885", "--angpix-new", "0.870", "--band", "30,4", "--json");
        Assert.Equal(0, result.ExitCode);
        var json = JsonDocument.Parse(result.Out).RootElement;
        Assert.Equal("micrographs", json.GetProperty("kind").GetString());
        Assert.Equal("band 30-4 A", json.GetProperty("defocusCorrection").GetString());
        var group = json.GetProperty("groups")[0];
        Assert.Equal("opticsGroup1", group.GetProperty("name").GetString());
        Assert.Equal(200, group.GetProperty("voltage").GetDouble());
        Assert.Equal(Math.Pow(0.870 / 0.885, 2), group.GetProperty("defocus").GetProperty("factor").GetDouble(), 12);
        Assert.Equal("increased", group.GetProperty("defocus").GetProperty("constantDirection").GetString());
        Assert.Contains("_rlnDefocusU", json.GetProperty("changedColumns").EnumerateArray().Select(c => c.GetString()));
    }

    [Fact]
    public void ContradictoryDefocusOptionsAreAUsageError()
    {
        var result = CliRunner.Run("scale-ctf", "--i", "a.star", "--o", "b.star", "--angpix-old", "0.9", "--angpix-new",
            "0.88", "--paper-constant", "--scale-cs");
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("choose one", result.Error);
        result = CliRunner.Run("scale-ctf", "--i", "a.star", "--o", "b.star", "--angpix-old", "0.9", "--angpix-new",
            "0.88", "--band", "thirty");
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--band 'thirty'", result.Error);
        // A band that parses but is upside down is a value out of range: bad input.
        result = CliRunner.Run("scale-ctf", "--i", "a.star", "--o", "b.star", "--angpix-old", "0.9", "--angpix-new",
            "0.88", "--band", "5,30");
        Assert.Equal(1, result.ExitCode);
        Assert.Equal("cryomerge: --band: 5,30: the band must go from low to high resolution (e.g. 30,5), not 5,30",
            result.Error.Trim());
    }
}
