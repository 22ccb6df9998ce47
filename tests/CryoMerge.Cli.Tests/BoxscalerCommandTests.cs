using System.Text.Json;

namespace CryoMerge.Cli.Tests;

public sealed class BoxscalerCommandTests
{
    [Fact]
    public void BoxscalerGivesThePapersPairWindowAndBackgroundCircleAsJson()
    {
        var result = CliRunner.Run("boxscaler", "--min", "420", "--max", "600", "--angpix", "0.880", "--target-angpix",
            "1.120", "--answers", "4", "--final-box", "420", "--json");
        Assert.Equal(0, result.ExitCode);
        var pairs = JsonDocument.Parse(result.Out).RootElement.GetProperty("pairs").EnumerateArray().ToList();
        Assert.Equal([(560, 440), (588, 462), (598, 470), (578, 454)],
            pairs.Select(p => (p.GetProperty("extractBox").GetInt32(), p.GetProperty("rescaledBox").GetInt32())));
        Assert.Equal(0, pairs[0].GetProperty("errorPercent").GetDouble(), 9);
        Assert.Equal(400, pairs[0].GetProperty("window").GetProperty("backgroundDiameter").GetInt32());
        Assert.Equal(20, pairs[0].GetProperty("window").GetProperty("windowPixels").GetInt32());
    }

    [Fact]
    public void BoxscalerHumanOutputReadsLikeThePaper()
    {
        var result = CliRunner.Run("boxscaler", "--min", "420", "--max", "600", "--angpix", "0.880", "--target-angpix",
            "1.120", "--final-box", "420");
        Assert.Equal(0, result.ExitCode);
        Assert.Contains("extract at 560, rescale to 440: factor 0.78571, pixel size 1.12000 A, 0.000 % error",
            result.Out);
        Assert.Contains("diameter 400 pixels before rescaling", result.Out);
        Assert.Equal("", result.Error);
    }
}
