using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using CryoMerge.Core.Analysis;
using CryoMerge.Core.Formats;
using CryoMerge.Core.Imaging;
using CryoMerge.Core.Merging;
using CryoMerge.Core.Merging.Pipeline;
using CryoMerge.Core.Merging.Stages;
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
        var settings = new DemoSettings(TruePixelSize: 1.3, NominalError: -0.03, Micrographs: 3,
            ParticlesPerMicrograph: 12, Seed: 5);
        var demo = DemoDataSets.Write(fft, dir.Path, settings, cancel: TestContext.Current.CancellationToken);
        var plan = MergePlanReader.Read(demo.PlanPath);
        Assert.Equal(MergeMethod.ReExtract, plan.Method);

        var state = new LocalMergeRunner(new WorkEnvironment(fft)).Run(plan, TestContext.Current.CancellationToken);

        var ds2 = state.DataSets["DS2"];
        double recovered = ds2.PixelSize!.Value;
        Assert.True(Math.Abs(recovered / settings.TruePixelSize - 1) < 1e-3,
            $"recovered {recovered}, true {settings.TruePixelSize}");
        Assert.InRange(settings.TruePixelSize, ds2.PixelSizeLow!.Value, ds2.PixelSizeHigh!.Value);
        Assert.Equal(settings.NominalPixelSize, ds2.NominalPixelSize, 6);

        Assert.Equal(2L * 3 * 12, state.MergedParticleCount);
        var merged = StarFile.Read(state.MergedParticles!);
        var optics = merged.Block("optics").Table!;
        Assert.Equal(2, optics.RowCount);
        for (int i = 0; i < optics.RowCount; i++)
        {
            // Both groups end up at the reference box, and at its pixel size within the box pair's quantisation: the
            // aim is 0.02 %, but when no even pair in the searched range reaches it the closest is taken, so the bound
            // is what the merge reports it reached.
            Assert.Equal(settings.Box, optics.GetInt(i, "rlnImageSize"));
            // The join keeps the plan's order of data sets, one optics group each here.
            string group = plan.DataSets[i].Name;
            double reached = state.DataSets[group].Values.ImagePixelReached!.Value;
            double written = optics.GetDouble(i, "rlnImagePixelSize");
            Assert.True(Math.Abs(written / reached - 1) < 1e-5,
                $"group {group}: image pixel {written}, reported {reached}");
            Assert.True(Math.Abs(written / settings.ReferencePixelSize - 1) < 5e-4,
                $"group {group}: image pixel {written}");
        }
        var particles = merged.Block("particles").Table!;
        Assert.Equal((int)state.MergedParticleCount, particles.RowCount);
        var stacks = Enumerable.Range(0, particles.RowCount)
            .Select(i => particles.GetString(i, "rlnImageName").Split('@')[1]).Distinct().ToList();
        // Relative to the project folder (the plan's), as RELION names them.
        Assert.All(stacks,
            s => Assert.True(!Path.IsPathRooted(s) && File.Exists(Path.Combine(plan.ProjectDirectory, s)), s));
        Assert.Contains(state.Verdicts, v => v.DataSet == "DS2" && v.Advice is not null);

        // The score profile was scored as separate work items, in shards; it equals the fit's own profile exactly and
        // peaks inside the honest range. Without a renderer the plots are their numbers only.
        var profile = ds2.PixelSizeProfile!;
        Assert.Null(ds2.ProfilePlan);
        var maps = new MapFitFiles(plan.ReferenceDataSet.Map!, state.DataSets["DS1"].MapPixelSize, null,
            plan.DataSets[1].Map!, ds2.MapPixelSize, null, 0.1);
        var fit = ScaleFitter.Fit(fft, PixelSizeStage.LoadMaps(maps));
        Assert.Equal(fit.Profile.Points.Select(p => (p.PixelSize, p.Correlation)), profile.Select(p => (p.PixelSize,
            p.Correlation)));
        Assert.True(profile.Count > PixelSizeProfileStage.CandidatesPerItem,
            $"{profile.Count} candidates: one work item");
        double factor = ds2.NominalPixelSize / ds2.MapPixelSize;
        Assert.InRange(profile.MaxBy(p => p.Correlation)!.PixelSize * factor, ds2.PixelSizeLow!.Value,
            ds2.PixelSizeHigh!.Value);
        Assert.Contains(state.SummaryFiles, f => Path.GetFileName(f) == "DS2-pixel-size-score.csv");
        Assert.DoesNotContain(state.SummaryFiles, f => f.EndsWith(".png", StringComparison.Ordinal));

        // The generated serialiser writes the state exactly as reflection does, and reads back what it wrote.
        var reflection = new JsonSerializerOptions(WorkJson.Options) { TypeInfoResolver =
            new DefaultJsonTypeInfoResolver() };
        string json = state.ToJson();
        Assert.Equal(JsonSerializer.Serialize(state, reflection), json);
        Assert.Equal(json, MergeState.FromJson(json).ToJson());
    }
}
