using CryoMerge.Core.Analysis;
using CryoMerge.Core.Formats;
using CryoMerge.Core.Imaging;
using CryoMerge.Tests;

namespace CryoMerge.Cli.Tests;

/// <summary>
/// RELION 3.1.3 takes each method's merge straight on, run from the project folder as RELION runs: star_handler
/// reads the merged file, and relion_reconstruct on it, and on data set 2's optics group alone, gives the specimen at
/// the reference's scale.
/// </summary>
public sealed class MergeRelionTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void RelionReadsTheMergeFromTheProjectFolderAndReconstructsTheSpecimenAtTheReferenceScale(int method)
    {
        Requires.Relion("relion_reconstruct");
        Requires.Relion("relion_star_handler");
        using var dir = new TempDir();
        string project = dir.File("demo");
        var simulated = CliRunner.Run("demo", "--o", project, "--simulate-only", "--no-assess");
        Assert.True(simulated.ExitCode == 0, simulated.Error);
        string plan = Path.Combine(project, "plan.yaml");
        File.WriteAllText(plan, File.ReadAllText(plan).Replace("method: 2", $"method: {method}"));
        var merged = CliRunner.Run("merge", plan, "--state-dir", dir.File("state"));
        Assert.True(merged.ExitCode == 0, merged.Error);
        Assert.Contains($"RELION project folder: {project}", File.ReadAllText(Path.Combine(project, "merged",
            "summary.txt")));

        // DS2's optics group alone, selected by RELION, and the whole merge.
        var selected = Tool.Run("relion_star_handler", ["--i", "merged/particles.star", "--o", "ds2.star",
            "--select", "rlnOpticsGroup", "--minval", "2", "--maxval", "2"], project);
        Assert.True(selected.ExitCode == 0, selected.Stderr);
        Assert.Contains("with 180 item(s)", selected.Stdout);
        var reference = MapVolume.Load(Path.Combine(project, "DS1", "map.mrc"));
        var fft = FftBackends.Create();
        foreach (string star in new[] { "ds2.star", "merged/particles.star" })
        {
            var rec = Tool.Run("relion_reconstruct", ["--i", star, "--o", "rec.mrc", "--ctf"], project);
            Assert.True(rec.ExitCode == 0, rec.Stderr);
            // At the reference's pixel size and box, as RELION's own resampling puts it.
            var resampled = Tool.Run("relion_image_handler", ["--i", "rec.mrc", "--o", "rec_1A.mrc",
                "--rescale_angpix", "1",
                "--new_box", reference.Shape.X.ToString()], project);
            Assert.True(resampled.ExitCode == 0, resampled.Stderr);
            var map = MapVolume.Load(Path.Combine(project, "rec_1A.mrc"));
            var fsc = FourierShellCorrelation.Relion(fft, reference.Grid, map.Grid, reference.PixelSize);
            // A map at the wrong scale (DS2 at its nominal 1.261 A/px) falls to about 0.5 at 9 A; these stay near 0.95.
            double at10 = fsc.Fsc[Enumerable.Range(1, fsc.ShellCount - 1).First(s => fsc.Resolution(s) < 10)];
            Assert.True(at10 > 0.85, $"method {method}, {star}: FSC with DS1's map at 10 A is {at10:0.###}");
        }
    }
}
