using CryoMerge.Core.Merging;
using CryoMerge.Tests;

namespace CryoMerge.Core.Tests.Merging;

public sealed class PlanFilesTests
{
    [Fact]
    public void EachNamedFileAndTheOutputMustLieInsideARoot()
    {
        using var dir = new TempDir();
        string data = Directory.CreateDirectory(dir.File("data")).FullName;
        var roots = new DataRoots([data]);
        MergePlan Plan(string output, string map) => new("p", output, MergeMethod.Relabel, "DS1",
            [new DataSetPlan("DS1", null, Path.Combine(data, "a.star"), Path.Combine(data, "a.mrc"), PixelSize: 1),
             new DataSetPlan("DS2", null, Path.Combine(data, "b.star"), map)]);
        PlanFiles.CheckWithin(Plan(Path.Combine(data, "merged"), Path.Combine(data, "b.mrc")), roots);
        var output = Assert.Throws<CryoMergeInputException>(
            () => PlanFiles.CheckWithin(Plan("/srv/other-group/merged", Path.Combine(data, "b.mrc")), roots));
        Assert.Equal("/srv/other-group/merged", output.File);
        Assert.StartsWith("the output folder is outside", output.Problem);
        var map = Assert.Throws<CryoMergeInputException>(
            () => PlanFiles.CheckWithin(Plan(Path.Combine(data, "merged"), dir.File("b.mrc")), roots));
        Assert.Equal(dir.File("b.mrc"), map.File);
        Assert.StartsWith("the map of DS2 is outside", map.Problem);
        // A cryoSPARC data set's project folder is one of the plan's paths too.
        var plan = Plan(Path.Combine(data, "merged"), Path.Combine(data, "b.mrc"));
        var fromCs = plan.DataSets[1] with { Particles = Path.Combine(data, "b.cs"), CryosparcProject = "/srv/P12" };
        var cs = plan with { DataSets = [plan.DataSets[0], fromCs] };
        var project = Assert.Throws<CryoMergeInputException>(() => PlanFiles.CheckWithin(cs, roots));
        Assert.StartsWith("the cryoSPARC project folder of DS2 is outside", project.Problem);
    }

    [Fact]
    public void AReconstructionJobsParticlesAndMapsMustLieInsideARoot()
    {
        using var dir = new TempDir();
        string data = Directory.CreateDirectory(dir.File("data")).FullName;
        var roots = new DataRoots([data]);
        MergePlan Plan(string particles, string map) => new("r", Path.Combine(data, ".map.mrc.shards"),
            MergeMethod.Relabel, "", [], Maps: [new Core.Reconstruction.MapRequest("half1", particles, map)]);
        PlanFiles.CheckWithin(Plan(Path.Combine(data, "p.star"), Path.Combine(data, "map.mrc")), roots);
        var map = Assert.Throws<CryoMergeInputException>(
            () => PlanFiles.CheckWithin(Plan(Path.Combine(data, "p.star"), "/srv/other/map.mrc"), roots));
        Assert.Equal("/srv/other/map.mrc", map.File);
        Assert.StartsWith("map half1 is outside", map.Problem);
        var particles = Assert.Throws<CryoMergeInputException>(
            () => PlanFiles.CheckWithin(Plan("/srv/other/p.star", Path.Combine(data, "map.mrc")), roots));
        Assert.StartsWith("the particles of map half1 is outside", particles.Problem);
    }

    [Fact]
    public void AMicrographListedInsideARootThatLinksOutsideIsRefused()
    {
        using var dir = new TempDir();
        string data = Directory.CreateDirectory(dir.File("data")).FullName;
        string outside = Directory.CreateDirectory(dir.File("outside")).FullName;
        File.WriteAllText(Path.Combine(outside, "mic002.mrc"), "");
        File.WriteAllText(Path.Combine(data, "mic001.mrc"), "");
        File.CreateSymbolicLink(Path.Combine(data, "mic002.mrc"), Path.Combine(outside, "mic002.mrc"));
        string star = Path.Combine(data, "micrographs_ctf.star");
        File.WriteAllText(star, """
            data_optics
            loop_
            _rlnOpticsGroupName #1
            _rlnOpticsGroup #2
            _rlnMicrographPixelSize #3
            opticsGroup1 1 1.0

            data_micrographs
            loop_
            _rlnMicrographName #1
            _rlnOpticsGroup #2
            mic001.mrc 1
            mic002.mrc 1
            """);
        var plan = new MergePlan("p", Path.Combine(data, "out"), MergeMethod.ReExtract, "DS1",
            [new DataSetPlan("DS1", star, Path.Combine(data, "p.star"), Path.Combine(data, "m.mrc"))]);
        var e = Assert.Throws<CryoMergeInputException>(() => PlanFiles.CheckWithin(plan, new DataRoots([data])));
        Assert.Equal(Path.Combine(data, "mic002.mrc"), e.File);
        Assert.StartsWith("micrograph mic002.mrc of DS1 is outside", e.Problem);
        // Method 3 reads no micrographs.
        PlanFiles.CheckWithin(plan with { Method = MergeMethod.Relabel }, new DataRoots([data]));
    }
}
