using System.Text.Json;
using CryoMerge.Tests;

namespace CryoMerge.Cli.Tests;

public sealed class RelabelCommandTests
{
    [Fact]
    public void RelabelHelpSaysWhenMethodThreeFitsAndWhatRelionNeedsOfTheReference()
    {
        var result = CliRunner.Run("relabel", "--help");
        Assert.Equal(0, result.ExitCode);
        Assert.Contains("RELION >= 3.1 refines optics groups of different pixel and box sizes", result.Out);
        Assert.Contains("FIRST optics group", result.Out);
        Assert.Contains("--trust_ref_size", result.Out);
        Assert.Contains("RELION 5", result.Out);
        Assert.Contains("polish each data set", result.Out);
    }

    [Fact]
    public void RelabelAndJoinMakeAMethodThreeMerge()
    {
        Requires.SharedData();
        using var dir = new TempDir();
        var relabel = CliRunner.Run("relabel", "--i", TestFiles.RealFile("em-testdata/particles_1k.star"), "--o",
            dir.File("relabelled.star"), "--pix-relative", "1.35", "--json");
        Assert.Equal(0, relabel.ExitCode);
        Assert.Equal(1.35,
            JsonDocument.Parse(relabel.Out).RootElement.GetProperty("groups")[0].GetProperty("newPixelSize")
            .GetDouble());
        var join = CliRunner.Run("join", TestFiles.RealFile("cryodrgn/relion31.star"), dir.File("relabelled.star"),
            "--o", dir.File("merged.star"), "--json");
        Assert.Equal(0, join.ExitCode);
        var json = JsonDocument.Parse(join.Out).RootElement;
        Assert.Equal(1005, json.GetProperty("rows").GetInt32());
        var groups = json.GetProperty("opticsGroups").EnumerateArray().ToList();
        Assert.Equal(["opticsGroup1", "opticsGroup1_set2"], groups.Select(g => g.GetProperty("name").GetString()));
        Assert.Equal([2.806, 1.35], groups.Select(g => g.GetProperty("pixelSize").GetDouble()));
        Assert.True(groups[1].GetProperty("renamed").GetBoolean());
    }
}
