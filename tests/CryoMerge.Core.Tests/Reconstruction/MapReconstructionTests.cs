using System.Globalization;
using CryoMerge.Core.Analysis;
using CryoMerge.Core.Formats;
using CryoMerge.Core.Imaging;
using CryoMerge.Core.Reconstruction;
using CryoMerge.Tests;

namespace CryoMerge.Core.Tests.Reconstruction;

/// <summary>Our reconstruction against relion_reconstruct 3.1.3 on the same simulated particles.</summary>
public sealed class MapReconstructionTests
{
    private static readonly IFftBackend Fft = FftBackends.Create();

    [Fact]
    public void MapWithCtfMatchesRelionReconstructToNinetyPercentOfNyquist() =>
        CompareWithRelion([new SimulatedGroup(2.0, 64, 600)], ctf: true, relionArgs: ["--ctf"], ParticleSelection.All);

    [Fact]
    public void MapWithoutCtfMatchesRelionReconstructToNinetyPercentOfNyquist() =>
        CompareWithRelion([new SimulatedGroup(2.0, 64, 600)], ctf: false, relionArgs: [], ParticleSelection.All);

    [Fact]
    public void HalfMapMatchesRelionReconstructSubset() =>
        CompareWithRelion([new SimulatedGroup(2.0, 64, 600)], ctf: true, relionArgs: ["--ctf", "--subset", "2"],
            new ParticleSelection { RandomSubset = 2 });

    [Fact]
    public void MergeOfTwoPixelSizesMatchesRelionReconstruct() =>
        // RELION scales each optics group's slices by its box x pixel over the map's (applyScaleDifference).
        CompareWithRelion([new SimulatedGroup(2.0, 64, 300), new SimulatedGroup(2.5, 52, 300)], ctf: true,
        relionArgs: ["--ctf"],
            ParticleSelection.All);

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void RelionGridAndSkipGriddingReproduceRelionReconstructToFloatPrecision(bool skipGridding)
    {
        // --angpix 2.02 on 2 A particles: no image component lies exactly on the cut-off sphere, where RELION keeps
        // or drops components by the last bit of its matrix inverse; everything else must agree to float rounding.
        Requires.Relion("relion_reconstruct");
        using var dir = new TempDir();
        string star = SimulatedParticles.Write(Fft, dir.Path, [new SimulatedGroup(2.0, 48, 400)], seed: 4);
        var run = Tool.Run("relion_reconstruct", ["--i", "particles.star", "--o", "relion.mrc", "--ctf",
            "--angpix", "2.02",
            .. skipGridding ? new[] { "--skip_gridding" } : []], dir.Path);
        Assert.True(run.ExitCode == 0, run.Stderr + run.Stdout);
        MapReconstruction.Run(Fft, new ReconstructionRequest
        {
            Input = star, Output = dir.File("ours.mrc"), Ctf = true, PixelSize = 2.02,
            Solver = new SolverOptions { RelionGrid = true, SkipGridding = skipGridding },
        }, cancel: TestContext.Current.CancellationToken);
        AssertEqualToFloatPrecision(dir.File("relion.mrc"), dir.File("ours.mrc"));
    }

    [Theory]
    [InlineData("magnification")]
    [InlineData("premultiplied")]
    [InlineData("relion30")]
    public void OpticsVariantsReproduceRelionReconstructToFloatPrecision(string variant)
    {
        // Anisotropic magnification (A becomes M^-1 A, the CTF is evaluated at M k), CTF-premultiplied images (the
        // image is not multiplied, the weights are still CTF^2) and a RELION 3.0 file (converted as RELION converts
        // it).
        Requires.Relion("relion_reconstruct");
        using var dir = new TempDir();
        string star = SimulatedParticles.Write(Fft, dir.Path, [new SimulatedGroup(2.0, 48, 300)], seed: 9);
        if (variant == "relion30")
            star = SimulatedParticles.ToRelion30(star, dir.File("particles30.star"));
        else
        {
            var file = StarFile.Read(star);
            var optics = file.Block("optics").RequireTable();
            if (variant == "magnification")
            {
                optics.AddColumn(RelionLabels.MagMat00, "1.012");
                optics.AddColumn(RelionLabels.MagMat01, "0.007");
                optics.AddColumn(RelionLabels.MagMat10, "-0.004");
                optics.AddColumn(RelionLabels.MagMat11, "0.991");
            }
            else
                optics.AddColumn(RelionLabels.CtfDataArePremultiplied, "1");
            file.Write(star);
        }
        var run = Tool.Run("relion_reconstruct", ["--i", Path.GetFileName(star), "--o", "relion.mrc", "--ctf",
            "--angpix", "2.02"], dir.Path);
        Assert.True(run.ExitCode == 0, run.Stderr + run.Stdout);
        MapReconstruction.Run(Fft, new ReconstructionRequest
        {
            Input = star, Output = dir.File("ours.mrc"), Ctf = true, PixelSize = 2.02,
                Solver = new SolverOptions { RelionGrid = true },
        }, cancel: TestContext.Current.CancellationToken);
        AssertEqualToFloatPrecision(dir.File("relion.mrc"), dir.File("ours.mrc"));
    }

    private static void AssertEqualToFloatPrecision(string relionPath, string oursPath)
    {
        using var relion = MrcFile.Open(relionPath);
        using var ours = MrcFile.Open(oursPath);
        Assert.Equal(relion.Shape, ours.Shape);
        var a = relion.ReadAll();
        var b = ours.ReadAll();
        double sd = ImageStatistics.Of(a).StdDev;
        var (difference, at) = Imaging.ImagingTestData.MaxDifference(a, b);
        Assert.True(sd > 0.01, "RELION's map is empty");
        Assert.True(difference <= 1e-4 * sd,
            $"largest difference {difference:G3} at voxel {at} is {difference / sd:G3} of the SD (RELION {a[at]}, " +
            $"ours {b[at]})");
    }

    private static void CompareWithRelion(SimulatedGroup[] groups, bool ctf, string[] relionArgs,
        ParticleSelection selection)
    {
        Requires.Relion("relion_reconstruct");
        using var dir = new TempDir();
        string star = SimulatedParticles.Write(Fft, dir.Path, groups, seed: 23);
        var run = Tool.Run("relion_reconstruct", ["--i", "particles.star", "--o", "relion.mrc",
            .. relionArgs], dir.Path);
        Assert.True(run.ExitCode == 0, run.Stderr + run.Stdout);
        var result = MapReconstruction.Run(Fft, new ReconstructionRequest { Input = star, Output = dir.File("ours.mrc"),
            Ctf = ctf, Selection = selection }, cancel: TestContext.Current.CancellationToken);
        Assert.Equal(groups.Sum(g => g.Count) / (selection.RandomSubset is null ? 1 : 2), result.Particles);
        AssertSameMap(dir.File("relion.mrc"), dir.File("ours.mrc"), groups[0].PixelSize);
    }

    internal static void AssertSameMap(string relionPath, string oursPath, double pixel)
    {
        using var relionFile = MrcFile.Open(relionPath);
        using var oursFile = MrcFile.Open(oursPath);
        Assert.Equal(relionFile.Shape, oursFile.Shape);
        Assert.Equal(relionFile.PixelSize.X, oursFile.PixelSize.X, 1e-4);
        var relion = new Grid(relionFile.Shape, relionFile.ReadAll());
        var ours = new Grid(oursFile.Shape, oursFile.ReadAll());
        var fsc = FourierShellCorrelation.Relion(Fft, relion, ours, pixel);
        int n = relion.Shape.X, last = (int)(0.9 * n / 2);
        double sdRelion = ImageStatistics.Of(relion.Data).StdDev, sdOurs = ImageStatistics.Of(ours.Data).StdDev;
        string curve = string.Join(" ", fsc.Fsc.Take(last + 1).Select(v => v.ToString("0.0000",
            CultureInfo.InvariantCulture)));
        for (int shell = 1; shell <= last; shell++)
            Assert.True(fsc.Fsc[shell] >= 0.99,
                $"FSC {fsc.Fsc[shell]:0.0000} at shell {shell} ({fsc.Resolution(shell):0.00} A); curve {curve}; sd " +
                $"ours {sdOurs:G4} RELION {sdRelion:G4}");
        Assert.InRange(sdOurs / sdRelion, 0.99, 1.01);
    }
}
