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
        // A sentence, not a label glued on ("... at 3.7 A is warning: above d/D").
        var warn = CliRunner.Run("tolerance", "--diameter", "250", "--resolution", "3.7", "--error", "2.3");
        Assert.StartsWith(
            "warning: a scale error of 2.3 % for a 250 A particle at 3.7 A is above d/D: expect a loss at this " +
            "resolution", warn.Error);
        Assert.DoesNotContain("is warning", warn.Error);
        Assert.Contains("is above 2 d/D, too large: merging at this scale", bad.Error);
    }
}
