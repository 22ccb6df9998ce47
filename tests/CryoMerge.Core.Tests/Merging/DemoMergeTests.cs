using CryoMerge.Core.Formats;
using CryoMerge.Core.Imaging;
using CryoMerge.Core.Merging;
using CryoMerge.Core.Merging.Pipeline;
using CryoMerge.Core.Simulation;
using CryoMerge.Tests;

namespace CryoMerge.Core.Tests.Merging;

/// <summary>The demo's two simulated data sets merged by method 2 straight through Core: the truth is known.</summary>
public sealed class DemoMergeTests
{
    [Fact]
    public void Method2RecoversDataSet2sTruePixelSizeAndMergesEveryParticleAtTheReferenceScale()
    {
        using var dir = new TempDir();
        var fft = FftBackends.Create();
        var settings = new DemoSettings(TruePixelSize: 1.3, NominalError: -0.03, Micrographs: 3, ParticlesPerMicrograph: 12, Seed: 5);
        var demo = DemoDataSets.Write(fft, dir.Path, settings, cancel: TestContext.Current.CancellationToken);
        var plan = MergePlanReader.Read(demo.PlanPath);
        Assert.Equal(MergeMethod.ReExtract, plan.Method);

        var state = new LocalMergeRunner(new WorkEnvironment(fft)).Run(plan, TestContext.Current.CancellationToken);

        var ds2 = state.DataSets["DS2"];
        double recovered = ds2.PixelSize!.Value;
        Assert.True(Math.Abs(recovered / settings.TruePixelSize - 1) < 1e-3, $"recovered {recovered}, true {settings.TruePixelSize}");
        Assert.InRange(settings.TruePixelSize, ds2.PixelSizeLow!.Value, ds2.PixelSizeHigh!.Value);
        Assert.Equal(settings.NominalPixelSize, ds2.NominalPixelSize, 6);

        Assert.Equal(2L * 3 * 12, state.MergedParticleCount);
        var merged = StarFile.Read(state.MergedParticles!);
        var optics = merged.Block("optics").Table!;
        Assert.Equal(2, optics.RowCount);
        for (int i = 0; i < optics.RowCount; i++)
        {
            // Both groups end up at the reference pixel size and box (within the box pair's quantisation).
            Assert.Equal(settings.Box, optics.GetInt(i, "rlnImageSize"));
            Assert.True(Math.Abs(optics.GetDouble(i, "rlnImagePixelSize") / settings.ReferencePixelSize - 1) < 2e-4,
                $"group {i}: image pixel {optics.GetDouble(i, "rlnImagePixelSize")}");
        }
        var particles = merged.Block("particles").Table!;
        Assert.Equal((int)state.MergedParticleCount, particles.RowCount);
        var stacks = Enumerable.Range(0, particles.RowCount)
            .Select(i => particles.GetString(i, "rlnImageName").Split('@')[1]).Distinct().ToList();
        string mergedDir = Path.GetDirectoryName(state.MergedParticles!)!;
        Assert.All(stacks, s => Assert.True(File.Exists(Path.IsPathRooted(s) ? s : Path.Combine(mergedDir, s)), s));
        Assert.Contains(state.Notes, n => n.StartsWith("tolerance: DS2"));
    }
}
