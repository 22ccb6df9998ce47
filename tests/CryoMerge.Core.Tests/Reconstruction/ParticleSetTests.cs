using CryoMerge.Core.Formats;
using CryoMerge.Core.Imaging;
using CryoMerge.Core.Reconstruction;
using CryoMerge.Tests;

namespace CryoMerge.Core.Tests.Reconstruction;

/// <summary>Reading particles for a reconstruction: what is taken from where, and bad input refused before any
/// work.</summary>
public sealed class ParticleSetTests
{
    private static readonly IFftBackend Fft = FftBackends.Create();

    private static string Simulate(TempDir dir) =>
        SimulatedParticles.Write(Fft, dir.Path, [new SimulatedGroup(2.0, 32, 6), new SimulatedGroup(2.5, 26,
        4)], seed: 1);

    [Fact]
    public void ReadsAnglesOriginsCtfAndOpticsOfEveryRow()
    {
        using var dir = new TempDir();
        var set = ParticleSet.Read(Simulate(dir));
        Assert.Equal(10, set.Particles.Count);
        Assert.Equal([2.0, 2.5], set.Optics.Select(o => o.PixelSize));
        Assert.Equal([32, 26], set.Optics.Select(o => o.ImageSize ?? 0));
        var last = set.Particles[^1];
        Assert.Equal((9, 3, 26, 1), (last.Row, last.Section, last.ImageSize, last.Optics));
        Assert.Equal(SimulatedParticles.Voltage, last.Ctf.Voltage);
        Assert.Equal(SimulatedParticles.AmplitudeContrast, last.Ctf.AmplitudeContrast);
        Assert.True(last.Ctf.DefocusU > 9000);
        Assert.True(File.Exists(last.Stack));
    }

    [Fact]
    public void SelectsHalvesAndOpticsGroupsByNumberOrName()
    {
        using var dir = new TempDir();
        var set = ParticleSet.Read(Simulate(dir));
        Assert.Equal(5, set.Select(new ParticleSelection { RandomSubset = 1 }).Count);
        Assert.Equal(4, set.Select(new ParticleSelection { OpticsGroups = ["2"] }).Count);
        Assert.Equal(6, set.Select(new ParticleSelection { OpticsGroups = ["opticsGroup1"] }).Count);
        Assert.Equal(2, set.Select(new ParticleSelection { OpticsGroups = ["2"], RandomSubset = 2 }).Count);
        Assert.Contains("no optics group 'x'",
            Assert.Throws<CryoMergeInputException>(() =>
            set.Select(new ParticleSelection { OpticsGroups = ["x"] })).Problem);
        Assert.Throws<CryoMergeInputException>(() => set.Select(new ParticleSelection { RandomSubset = 3 }));
        Assert.Contains("rlnClassNumber",
            Assert.Throws<CryoMergeInputException>(() =>
            set.Select(new ParticleSelection { ClassNumber = 1 })).Problem);
    }

    [Fact]
    public void ParticlesWithoutAnglesAreBadInput()
    {
        using var dir = new TempDir();
        string star = Simulate(dir);
        var file = StarFile.Read(star);
        file.Block("particles").RequireTable().RemoveColumn("rlnAngleTilt");
        file.Write(star);
        Assert.Contains("rlnAngleTilt", Assert.Throws<CryoMergeInputException>(() => ParticleSet.Read(star)).Problem);
    }

    [Fact]
    public void AnImageBeyondItsStackOrAMissingStackIsBadInput()
    {
        using var dir = new TempDir();
        string star = Simulate(dir);
        var file = StarFile.Read(star);
        file.Block("particles").RequireTable().Column(RelionLabels.ImageName).SetString(0,
            "000099@Particles/group1.mrcs");
        file.Write(star);
        Assert.Contains("image 99", Assert.Throws<CryoMergeInputException>(() => ParticleSet.Read(star)).Problem);
        file.Block("particles").RequireTable().Column(RelionLabels.ImageName).SetString(0,
            "000001@Particles/none.mrcs");
        file.Write(star);
        Assert.Equal("Particles/none.mrcs", Assert.Throws<CryoMergeInputException>(() => ParticleSet.Read(star)).File);
    }

    [Fact]
    public void WithoutOpeningStacksABadImageIsFoundWhenItIsRead()
    {
        using var dir = new TempDir();
        string star = Simulate(dir);
        var file = StarFile.Read(star);
        file.Block("particles").RequireTable().Column(RelionLabels.ImageName).SetString(7,
            "000099@Particles/group2.mrcs");
        file.Write(star);
        var set = ParticleSet.Read(star, openStacks: false);
        Assert.Equal(26, set.Particles[7].ImageSize);
        var grid = ReconstructionGrid.For(32, 2.0);
        var good = set.Particles.Take(7).ToArray();
        Assert.Equal(7, ParticleBackProjection.Run(Fft, set, good, grid, new BackProjectionOptions(),
            cancel: TestContext.Current.CancellationToken).ParticleCount);
        var bad = Assert.Throws<CryoMergeInputException>(() =>
            ParticleBackProjection.Run(Fft, set, set.Particles, grid, new BackProjectionOptions(),
            cancel: TestContext.Current.CancellationToken));
        Assert.EndsWith("group2.mrcs", bad.File);
        Assert.Contains("row 8 wants image 99", bad.Problem);
    }

    [Fact]
    public void AnImageSizeThatDisagreesWithItsOpticsGroupIsBadInput()
    {
        using var dir = new TempDir();
        string star = Simulate(dir);
        var file = StarFile.Read(star);
        file.Block("optics").RequireTable().Column(RelionLabels.ImageSize).SetInt(1, 30);
        file.Write(star);
        Assert.Contains("rlnImageSize 30",
            Assert.Throws<CryoMergeInputException>(() => ParticleSet.Read(star)).Problem);
    }

    [Fact]
    public void BeamTiltIsRefusedWithCtfCorrectionOnly()
    {
        using var dir = new TempDir();
        string star = Simulate(dir);
        var file = StarFile.Read(star);
        var optics = file.Block("optics").RequireTable();
        optics.AddColumn(RelionLabels.BeamTiltX, "0.3");
        optics.AddColumn(RelionLabels.BeamTiltY, "0");
        file.Write(star);
        var request = new ReconstructionRequest { Input = star, Output = dir.File("map.mrc"), Ctf = true };
        Assert.Contains("beam tilt", Assert.Throws<CryoMergeInputException>(() => MapReconstruction.Run(Fft, request,
            cancel: TestContext.Current.CancellationToken)).Problem);
        Assert.False(File.Exists(dir.File("map.mrc")));
        // relion_reconstruct ignores beam tilt without --ctf, and so do we.
        MapReconstruction.Run(Fft, request with { Ctf = false }, cancel: TestContext.Current.CancellationToken);
        Assert.True(File.Exists(dir.File("map.mrc")));
    }

    [Fact]
    public void AnImageWithANaNPixelIsRefusedNamingItsStackAndImage()
    {
        using var dir = new TempDir();
        string star = Simulate(dir);
        // Pixel (3, 0) of image 2 of group 1's stack (32 x 32 float32 images after the 1024-byte header).
        using (var stream = new FileStream(dir.File("Particles/group1.mrcs"), FileMode.Open, FileAccess.Write))
        {
            stream.Position = 1024 + 4 * (32 * 32 + 3);
            stream.Write(BitConverter.GetBytes(float.NaN));
        }
        var request = new ReconstructionRequest { Input = star, Output = dir.File("map.mrc"), Ctf = true };
        var e = Assert.Throws<CryoMergeInputException>(() => MapReconstruction.Run(Fft, request,
            cancel: TestContext.Current.CancellationToken));
        Assert.EndsWith("group1.mrcs", e.File);
        Assert.Contains("image 2 holds 1 NaN", e.Problem);
        Assert.False(File.Exists(dir.File("map.mrc")));
    }

    [Fact]
    public void TheOutputMayNotBeTheInput()
    {
        using var dir = new TempDir();
        string star = Simulate(dir);
        Assert.Throws<CryoMergeInputException>(() => MapReconstruction.Run(Fft,
            new ReconstructionRequest { Input = star, Output = star }, cancel: TestContext.Current.CancellationToken));
    }
}
