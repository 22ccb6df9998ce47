using CryoMerge.Tests;

namespace CryoMerge.Cli.Tests;

public sealed class JoinCommandTests
{
    [Fact]
    public void JoinHumanOutputNamesRenamedGroupsAndWarnsAboutDroppedColumns()
    {
        Requires.SharedData();
        using var dir = new TempDir();
        var result = CliRunner.Run("join", TestFiles.RealFile("cryodrgn/relion31.star"),
            TestFiles.RealFile("isecc/test.star"), TestFiles.RealFile("em-testdata/particles_1k.star"), "--o",
            dir.File("m.star"));
        Assert.Equal(0, result.ExitCode);
        Assert.Contains(
            "optics group 3 opticsGroup1_set3: file 3 group 1, 1000 rows, 1.36793 A, box 256 (renamed from " +
            "opticsGroup1: the name was taken)", result.Out);
        Assert.Contains("filled _rlnBeamTiltX = 0.000000", result.Out);
        Assert.Contains("warning: left out _rlnAngleRotPrior", result.Error);
        Assert.Contains("the reference must match group 1 (2.806 A, box 256)", result.Out);
    }
}
