using CryoMerge.Core.Merging.Stages;
using CryoMerge.Core.Merging;
using CryoMerge.Grains.Tests;
using CryoMerge.Tests;

namespace CryoMerge.Cli.Tests;

/// <summary>Issue 20, point 6: <c>plan --template / --schema</c> and <c>merge PLAN --dry-run</c>.</summary>
public sealed class PlanCommandTests
{
    [Fact]
    public void PlanWritesTheTemplateOrTheSchemaAndNeedsExactlyOneOfThem()
    {
        using var dir = new TempDir();
        var template = CliRunner.Run("plan", "--template");
        Assert.Equal(0, template.ExitCode);
        Assert.Equal(MergePlanDocumentation.Template(), template.Out);
        var schema = CliRunner.Run("plan", "--schema", "--o", dir.File("plan.schema.json"));
        Assert.Equal(0, schema.ExitCode);
        Assert.Equal(MergePlanDocumentation.JsonSchema(), File.ReadAllText(dir.File("plan.schema.json")));
        Assert.Equal(2, CliRunner.Run("plan").ExitCode);
        Assert.Equal(2, CliRunner.Run("plan", "--template", "--schema").ExitCode);
        // merge --help points to it.
        Assert.Contains("cryomerge plan --template", CliRunner.Run("merge", "--help").Out);
    }

    [Fact]
    public void ADryRunPrintsStagesPixelSizesAndFilesAndWritesNothing()
    {
        using var dir = new TempDir();
        var plan = MergeTestData.WritePlan(dir, "out", micrographs: 4);
        // An output folder that exists already, with a file of an earlier run, is left as it is too.
        Directory.CreateDirectory(plan.Output);
        File.WriteAllText(Path.Combine(plan.Output, "earlier.txt"), "kept");
        var before = Snapshot(dir.Path);

        var run = CliRunner.Run("merge", dir.File("plan.yaml"), "--dry-run", "--state-dir", dir.File("state"));

        Assert.True(run.ExitCode == 0, run.Error);
        Assert.Equal(before, Snapshot(dir.Path));
        Assert.False(Directory.Exists(dir.File("state")));
        string o = run.Out;
        Assert.Contains("nothing is written", o);
        // Every stage of method 1, in order, with its items: 4 micrographs of DS2 rescaled and extracted.
        var stages = MergeStages.For(MergeMethod.RescaleMicrographs).Select(s => s.Name).ToList();
        var listed = o.Split('\n').Where(l => System.Text.RegularExpressions.Regex.IsMatch(l, @"^  \d+\. ")).ToList();
        Assert.Equal(stages, listed.Select(l => l.Split(". ")[1].Split(':')[0]));
        Assert.Contains(listed, l => l.Contains("rescale-micrographs: 4 (one per micrograph of DS2)"));
        // Extraction items are batched, at least 16 per data set: DS1's 3 micrographs and DS2's 4 are an item each.
        Assert.Contains(listed, l => l.Contains("extract: 7 (the 7 micrographs with particles of DS1, DS2, "
            + "consecutive ones sharing an item of about 100 ms of work"));
        Assert.Contains("prepare: 2 (one per data set)", o);
        // The pixel sizes: the reference's given, DS2's given and not checked (no map).
        Assert.Contains("DS1: ", o);
        Assert.Contains("pixel size 1 A/px, given in the plan (the trusted scale)", o);
        Assert.Contains("pixel size 1.23 A/px, given in the plan; no map checks it", o);
        Assert.Contains("processed at 1.2 A/px", o);
        // The files: the merged STAR file, the summary, DS2's folder.
        Assert.Contains($"files to be written in {plan.Output}", o);
        Assert.Contains("particles.star: the merged particles", o);
        Assert.Contains("summary.txt", o);
        Assert.Contains("DS2/: micrographs_ctf.star; 4 rescaled micrographs", o);
    }

    [Fact]
    public void ADryRunGivesTheRangeOfBatchedExtractionItems()
    {
        using var dir = new TempDir();
        MergeTestData.WritePlan(dir, "out", micrographs: 40, size: 64);

        var run = CliRunner.Run("merge", dir.File("plan.yaml"), "--dry-run");

        Assert.True(run.ExitCode == 0, run.Error);
        // DS1's 3 micrographs are an item each; DS2's 40 make at least 16 items, at most one per micrograph, how many
        // depending on the boxes.
        Assert.Contains("extract: 19 to 43 (the 43 micrographs with particles of DS1, DS2", run.Out);
        Assert.DoesNotContain("one per micrograph with particles", run.Out);
    }

    [Fact]
    public void ADryRunOfABadPlanIsOneLine()
    {
        using var dir = new TempDir();
        MergeTestData.WritePlan(dir, "out", micrographs: 2);
        string text = File.ReadAllText(dir.File("plan.yaml"));
        File.WriteAllText(dir.File("plan.yaml"), text.Replace("method: 1", "methd: 1"));
        var run = CliRunner.Run("merge", dir.File("plan.yaml"), "--dry-run");
        Assert.Equal(1, run.ExitCode);
        Assert.Contains("unknown key 'methd' in the plan; did you mean 'method'?", run.Error);
        Assert.False(Directory.Exists(dir.File("out")));
    }

    /// <summary>Every file and folder under <paramref name="root"/> with its size and time of last write.</summary>
    private static List<string> Snapshot(string root) =>
        Directory.EnumerateFileSystemEntries(root, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal)
            .Select(p => File.Exists(p)
                ? $"{p} {new FileInfo(p).Length} {File.GetLastWriteTimeUtc(p).Ticks}"
                : $"{p}/ {Directory.GetLastWriteTimeUtc(p).Ticks}")
            .ToList();
}
