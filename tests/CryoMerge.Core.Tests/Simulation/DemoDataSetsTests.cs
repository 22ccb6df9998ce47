using System.Text.Json.Nodes;
using CryoMerge.Core.Formats;
using CryoMerge.Core.Imaging;
using CryoMerge.Core.Merging;
using CryoMerge.Core.Simulation;
using CryoMerge.Tests;

namespace CryoMerge.Core.Tests.Simulation;

/// <summary>The demo's files for more than two data sets: every data set simulated as specified, and a plan listing
/// all.</summary>
public sealed class DemoDataSetsTests
{
    [Fact]
    public void ThreeDataSetsAreSimulatedEachWithItsMapAndThePlanListsAll()
    {
        using var dir = new TempDir();
        var settings = new DemoSettings(Micrographs: 2, ParticlesPerMicrograph: 3, MicrographSize: 128, Box: 32,
            DataSets: 3);
        var notes = new List<string>();
        var demo = DemoDataSets.Write(FftBackends.Create(), dir.Path, settings, threads: 2, progress: notes.Add,
            cancel: TestContext.Current.CancellationToken);

        Assert.Equal(["DS1", "DS2", "DS3"], demo.DataSets.Select(d => d.Name));
        var plan = MergePlanReader.Read(demo.PlanPath);
        Assert.Equal(["DS1", "DS2", "DS3"], plan.DataSets.Select(d => d.Name));
        Assert.DoesNotContain("reference:", File.ReadAllText(demo.PlanPath));
        foreach (var d in demo.DataSets)
        {
            var spec = d.Spec;
            Assert.Equal(6, d.Simulation.ParticleCount);
            var truth = JsonNode.Parse(File.ReadAllText(d.Simulation.TruthJson))!;
            Assert.Equal(spec.TruePixelSize, (double)truth["angpixTrue"]!);
            Assert.Equal(spec.NominalPixelSize, (double)truth["angpixNominal"]!);
            Assert.Equal(spec.Voltage, (double)truth["voltage"]!);
            var optics = StarFile.Read(d.Simulation.MicrographsStar).Block("optics").Table!;
            Assert.Equal(spec.Voltage, optics.GetDouble(0, RelionLabels.Voltage));
            Assert.Equal(spec.SphericalAberration, optics.GetDouble(0, RelionLabels.SphericalAberration));
            using var map = MrcFile.Open(Path.Combine(dir.Path, spec.Name, "map.mrc"));
            Assert.Equal(spec.MapBox, map.Shape.X);
            Assert.Equal(spec.NominalPixelSize, map.PixelSize.X, 4);
            Assert.True(File.Exists(Path.Combine(dir.Path, spec.Name, $"Micrographs/{spec.MicrographStem}000002.mrc")),
                spec.Name);
        }
        Assert.Equal(200, demo.DataSets[2].Spec.Voltage);
        // 3 particles a specimen's diameter apart do not fit on these tiny micrographs: they are packed closer, and the
        // user is told.
        Assert.Contains(notes, n => n.Contains("overlap"));
    }

    [Fact]
    public void FewerThanTwoDataSetsAreRefused()
    {
        using var dir = new TempDir();
        var e = Assert.Throws<CryoMergeInputException>(() => DemoDataSets.Write(FftBackends.Create(), dir.Path,
            new DemoSettings(DataSets: 1), cancel: TestContext.Current.CancellationToken));
        Assert.Contains("--datasets", e.Message);
        Assert.Empty(Directory.GetFileSystemEntries(dir.Path));
    }
}
