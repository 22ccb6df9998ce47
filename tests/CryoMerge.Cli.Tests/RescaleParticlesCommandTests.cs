using System.Text.Json;
using CryoMerge.Core.Formats;
using CryoMerge.Tests;

namespace CryoMerge.Cli.Tests;

public sealed class RescaleParticlesCommandTests
{
    [Fact]
    public void RescaleParticlesRewritesMicrographNamesAndReportsTheCoordinateFactor()
    {
        Requires.SharedData();
        using var dir = new TempDir();
        var result = CliRunner.Run("rescale-particles", "--i", TestFiles.RealFile("cryodrgn/relion5.star"), "--o",
            dir.File("out.star"),
            "--pix-nominal", "0.89", "--pix-relative", "0.87", "--pix-target", "1.1", "--mrc-path", "MRCS_dataset2/",
            "--mrc-suffix", "_rescaled", "--json");
        Assert.Equal(0, result.ExitCode);
        var json = JsonDocument.Parse(result.Out).RootElement;
        Assert.Equal(0.87 / 1.1, json.GetProperty("coordinateFactor").GetDouble(), 12);
        var table = StarFile.Read(dir.File("out.star")).Block("particles").Table!;
        Assert.Matches("^MRCS_dataset2/[^/]+_rescaled\\.mrc$", table.GetString(0, RelionLabels.MicrographName));
    }
}
