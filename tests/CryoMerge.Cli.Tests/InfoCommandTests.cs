using System.Text.Json;
using CryoMerge.Tests;

namespace CryoMerge.Cli.Tests;

public sealed class InfoCommandTests
{
    [Fact]
    public void JsonForAMapHasShapeModePixelSizeOriginAndStatistics()
    {
        Requires.SharedData();
        var result = CliRunner.Run("info", TestFiles.RealFile("daq/2566_3J6B_9.mrc"), "--json");
        Assert.Equal(0, result.ExitCode);
        var json = JsonDocument.Parse(result.Out).RootElement;
        Assert.Equal("mrc", json.GetProperty("kind").GetString());
        Assert.Equal([35, 52, 47], json.GetProperty("shape").EnumerateArray().Select(e => e.GetInt32()));
        Assert.Equal(2, json.GetProperty("mode").GetInt32());
        Assert.All(json.GetProperty("pixelSize").EnumerateArray(), p => Assert.Equal(1.34, p.GetDouble(), 5));
        Assert.Equal([356.4, 155.4, 159.5],
            json.GetProperty("origin").EnumerateArray().Select(e => Math.Round(e.GetDouble(), 1)));
        foreach (var key in new[] { "min", "max", "mean", "rms" }) Assert.Equal(JsonValueKind.Number,
            json.GetProperty(key).ValueKind);
        Assert.True(json.GetProperty("max").GetDouble() > json.GetProperty("mean").GetDouble());
        Assert.Equal("data", json.GetProperty("statisticsFrom").GetString());
    }

    [Fact]
    public void JsonForAStarFileListsBlocksRowsAndColumns()
    {
        Requires.SharedData();
        var result = CliRunner.Run("info", TestFiles.RealFile("em-testdata/particles_1k.star"), "--json");
        Assert.Equal(0, result.ExitCode);
        var json = JsonDocument.Parse(result.Out).RootElement;
        Assert.Equal("star", json.GetProperty("kind").GetString());
        var blocks = json.GetProperty("blocks").EnumerateArray().ToList();
        Assert.Equal(["optics", "particles"], blocks.Select(b => b.GetProperty("name").GetString()));
        Assert.Equal(1000, blocks[1].GetProperty("rows").GetInt32());
        Assert.Contains("rlnImageName", blocks[1].GetProperty("columns").EnumerateArray().Select(c => c.GetString()));
        Assert.Equal(1.36793, json.GetProperty("opticsGroups")[0].GetProperty("imagePixelSize").GetDouble(), 6);
    }

    [Fact]
    public void SeveralFilesGiveAJsonArray()
    {
        Requires.SharedData();
        var result = CliRunner.Run("info", TestFiles.RealFile("mrcfile/EMD-3197.map"),
            TestFiles.RealFile("isecc/test.star"), "--json");
        Assert.Equal(0, result.ExitCode);
        var json = JsonDocument.Parse(result.Out).RootElement;
        Assert.Equal(["mrc", "star"], json.EnumerateArray().Select(e => e.GetProperty("kind").GetString()));
    }

    [Fact]
    public void HumanOutputForAPermutedMapNamesTheAxisOrder()
    {
        Requires.SharedData();
        var result = CliRunner.Run("info", TestFiles.RealFile("mrcfile/EMD-3001.map"));
        Assert.Equal(0, result.ExitCode);
        Assert.Contains("43 x 25 x 73 (X, Y, Z)", result.Out);
        Assert.Contains("columns = Z, rows = X, sections = Y", result.Out);
        Assert.Equal("", result.Error);
    }

    [Fact]
    public void AHeaderThatDisagreesWithItsStarFileIsAWarningOnStderr()
    {
        Requires.SharedData();
        // relion31.star names relion31.mrcs relative to its own folder.
        var result = CliRunner.Run("info", TestFiles.RealFile("cryodrgn/relion31.star"));
        Assert.Equal(0, result.ExitCode);
        Assert.Contains("warning: relion31.mrcs: pixel size disagrees: header 1 A, STAR 2.806 A", result.Error);
        Assert.DoesNotContain("warning", result.Out);
    }

    [Fact]
    public void ABadFileIsOneLineOnStderrAndExitCodeOne()
    {
        using var dir = new TempDir();
        File.WriteAllText(dir.File("notes.mrc"), new string('x', 2000));
        var result = CliRunner.Run("info", dir.File("notes.mrc"));
        Assert.Equal(1, result.ExitCode);
        Assert.Equal("", result.Out);
        var line = Assert.Single(result.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith($"cryomerge: {dir.File("notes.mrc")}: not an MRC file", line);
    }

    [Fact]
    public void AMalformedStarRowNamesFileAndLine()
    {
        using var dir = new TempDir();
        File.WriteAllText(dir.File("bad.star"), "data_\nloop_\n_rlnA #1\n_rlnB #2\n1 2\n3\n");
        var result = CliRunner.Run("info", dir.File("bad.star"));
        Assert.Equal(1, result.ExitCode);
        Assert.Equal($"cryomerge: {dir.File("bad.star")}: line 6: row has 1 values but the loop declares 2 columns",
            result.Error.Trim());
    }
}
