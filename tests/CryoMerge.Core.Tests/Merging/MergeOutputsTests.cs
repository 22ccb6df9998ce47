using CryoMerge.Core.Extraction;
using CryoMerge.Core.Imaging;
using CryoMerge.Core.Merging;
using CryoMerge.Core.Merging.Pipeline;
using CryoMerge.Core.Merging.Stages;
using CryoMerge.Core.Simulation;
using CryoMerge.Tests;

namespace CryoMerge.Core.Tests.Merging;

/// <summary>A merge writes only inside its output folder, and replaces only its own files (any with
/// overwrite).</summary>
public sealed class MergeOutputsTests
{
    [Fact]
    public void AMergeRefusesToReplaceAFileItDidNotWriteUnlessOverwriteAndRerunsOverItsOwn()
    {
        using var dir = new TempDir();
        var fft = FftBackends.Create();
        var settings = new DemoSettings(Micrographs: 2, ParticlesPerMicrograph: 4, MicrographSize: 384,
            Box: 48, Seed: 3);
        var demo = DemoDataSets.Write(fft, dir.Path, settings, cancel: TestContext.Current.CancellationToken);
        var read = MergePlanReader.Read(demo.PlanPath);
        // The pixel size given: no fit, so the test is about the files.
        var ds2 = read.DataSets[1] with { PixelSize = settings.TruePixelSize };
        var plan = read with { DataSets = [read.DataSets[0], ds2] };
        string theirs = Path.Combine(plan.Output, "DS2", "Extract", "Micrographs", "ds2_mic000001.mrcs");
        Directory.CreateDirectory(Path.GetDirectoryName(theirs)!);
        File.WriteAllText(theirs, "not ours");
        var runner = new LocalMergeRunner(new WorkEnvironment(fft));

        var e = Assert.Throws<CryoMergeInputException>(() => runner.Run(plan, TestContext.Current.CancellationToken));
        Assert.Equal(theirs, e.File);
        Assert.Contains("was not written by cryomerge", e.Problem);
        Assert.Equal("not ours", File.ReadAllText(theirs));

        var state = runner.Run(plan with { Overwrite = true }, TestContext.Current.CancellationToken);
        Assert.Equal(2L * 2 * 4, state.MergedParticleCount);
        Assert.NotEqual("not ours", File.ReadAllText(theirs));
        // The extraction's coordinate index is a working file: gone from the finished output.
        Assert.Empty(Directory.GetFiles(plan.Output, CoordinateIndex.FileName, SearchOption.AllDirectories));
        // Running the plan again (as resuming it does) replaces the merge's own files without being asked.
        var again = runner.Run(plan, TestContext.Current.CancellationToken);
        Assert.Equal(state.MergedParticleCount, again.MergedParticleCount);
        Assert.True(OutputRecord.Lists(plan.Output, theirs));
        Assert.Empty(Directory.GetFiles(plan.Output, CoordinateIndex.FileName, SearchOption.AllDirectories));
    }

    [Fact]
    public void ADataSetFolderIsAlwaysInsideTheOutputFolder()
    {
        var state = new MergeState { Plan = new MergePlan("t", "/data/out", MergeMethod.Relabel, "A", []) };
        Assert.Equal("/data/out/A", state.DataSetFolder("A"));
        Assert.Equal("/data/out/x", state.DataSetFolder("../x"));
        Assert.Throws<CryoMergeInputException>(() => state.DataSetFolder(".."));
    }
}
