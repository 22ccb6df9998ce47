using CryoMerge.Core.Analysis;
using CryoMerge.Core.Formats;
using CryoMerge.Core.Imaging;
using CryoMerge.Core.Reconstruction;
using CryoMerge.Core.Simulation;
using CryoMerge.Tests;

namespace CryoMerge.Core.Tests.Reconstruction;

/// <summary>The reconstruction inverts our (relion_project's) projector: noise-free particles give back the
/// map.</summary>
public sealed class ReconstructionTruthTests
{
    private static readonly IFftBackend Fft = FftBackends.Create();

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void NoiseFreeParticlesGiveBackTheProjectedMap(bool ctf)
    {
        using var dir = new TempDir();
        const int box = 48;
        const double pixel = 2.5;
        string star = SimulatedParticles.Write(Fft, dir.Path, [new SimulatedGroup(pixel, box, 1500)], seed: 8,
            snr: double.PositiveInfinity, ctf: ctf);
        var result = MapReconstruction.Run(Fft, new ReconstructionRequest { Input = star, Output = dir.File("map.mrc"),
            Ctf = ctf }, cancel: TestContext.Current.CancellationToken);
        Assert.Equal(1500, result.Particles);
        using var mrc = MrcFile.Open(dir.File("map.mrc"));
        Assert.Equal(pixel, mrc.PixelSize.X, 1e-5);
        var map = new Grid(mrc.Shape, mrc.ReadAll());
        var truth = Phantom.Default.Render(box, pixel);
        var fsc = FourierShellCorrelation.Relion(Fft, map, truth, pixel);
        // Where the phantom has signal (to 2/3 of Nyquist; beyond it is nearly empty) the map is the phantom.
        string curve = string.Join(" ", fsc.Fsc.Take(box / 2).Select(v => v.ToString("0.0000",
            System.Globalization.CultureInfo.InvariantCulture)));
        for (int shell = 1; shell <= box / 3; shell++)
            Assert.True(fsc.Fsc[shell] > 0.99, $"FSC with the truth {fsc.Fsc[shell]:0.0000} at shell {shell}: {curve}");
        // Same scale: the map is not just correlated with the truth, it has its values.
        double sdMap = ImageStatistics.Of(map.Data).StdDev, sdTruth = ImageStatistics.Of(truth.Data).StdDev;
        Assert.InRange(sdMap / sdTruth, 0.95, 1.05);
    }
}
