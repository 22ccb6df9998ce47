using System.Text.Json;

namespace CryoMerge.Cli.Tests;

public sealed class ToleranceCommandTests
{
    [Fact]
    public void ToleranceAgreesWithThePaperAndWarnsOnStderr()
    {
        var fine = CliRunner.Run("tolerance", "--diameter", "250", "--resolution", "3.7", "--error", "0.5", "--json");
        Assert.Equal(0, fine.ExitCode);
        Assert.Equal("acceptable", JsonDocument.Parse(fine.Out).RootElement.GetProperty("verdict").GetString());
        Assert.Equal("", fine.Error);
        var bad = CliRunner.Run("tolerance", "--diameter", "250", "--resolution", "3.7", "--error", "7");
        Assert.Equal(0, bad.ExitCode);
        Assert.Contains("too large", bad.Out);
        Assert.StartsWith("warning: a scale error of 7 %", bad.Error);
    }
}
