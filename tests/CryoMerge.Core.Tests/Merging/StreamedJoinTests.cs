using CryoMerge.Core.Formats;
using CryoMerge.Core.Merging;
using CryoMerge.Core.Merging.Stages;
using CryoMerge.Core.Merging.Pipeline;
using CryoMerge.Tests;

namespace CryoMerge.Core.Tests.Merging;

/// <summary>
/// The streamed join (one input in memory at a time, read again for the rows) against the whole-table join it
/// replaced (<see cref="StarJoin.Join"/>, every input held and changed in memory): same bytes, same report, same
/// refusals.
/// </summary>
public sealed class StreamedJoinTests
{
    [Fact]
    public void InputsWithOtherColumnsAndRelion30InputsJoinToTheWholeTableJoinsBytes()
    {
        Requires.SharedData();
        using var dir = new TempDir();
        // Two RELION 3.0 files sharing a micrograph name (a warning), converted; two real 3.1 files with other
        // columns (filled and left out) and optics groups of the same name (renamed).
        WriteRelion30(dir, "a", 4, 4.0);
        WriteRelion30(dir, "b", 3, 3.0);
        string[] inputs = [dir.File("a.star"), TestFiles.RealFile("cryodrgn/relion31.star"), dir.File("b.star"),
            TestFiles.RealFile("em-testdata/particles_1k.star")];

        var (built, streamed) = JoinBothWays(dir, inputs);

        Assert.Equal(File.ReadAllBytes(dir.File("built.star")), File.ReadAllBytes(dir.File("streamed.star")));
        AssertSameReport(built, streamed);
        Assert.Equal(1012, streamed.Rows);
        Assert.Contains(streamed.Warnings, w => w.Contains("micrograph name(s) also appear in"));
        Assert.NotEmpty(streamed.FilledColumns);
        Assert.NotEmpty(streamed.DroppedColumns);
        Assert.Equal([true, false, true, false], streamed.Inputs.Select(i => i.ConvertedFrom30));
    }

    [Fact]
    public void Relion30FilesKeptAs30JoinToTheWholeTableJoinsBytes()
    {
        using var dir = new TempDir();
        WriteRelion30(dir, "a", 4, 4.0);
        WriteRelion30(dir, "b", 3, 3.0);
        var options = new JoinOptions(KeepRelion30: true);

        var (built, streamed) = JoinBothWays(dir, [dir.File("a.star"), dir.File("b.star")], options);

        Assert.Equal(File.ReadAllBytes(dir.File("built.star")), File.ReadAllBytes(dir.File("streamed.star")));
        AssertSameReport(built, streamed);
        Assert.True(streamed.Relion30Output);
        Assert.Contains("set2_group_1", File.ReadAllText(dir.File("streamed.star")));
    }

    [Fact]
    public void AnImageOfAnEarlierInputIsRefusedWithTheWholeTableJoinsMessage()
    {
        using var dir = new TempDir();
        WriteRelion30(dir, "a", 4, 4.0);
        // b's first image is a's second.
        File.WriteAllText(dir.File("b.star"), MergingTestFiles.Relion30Particles("a.mrcs", 2, 4.0, "Movies/b.mrc",
            firstIndex: 2));
        string[] inputs = [dir.File("a.star"), dir.File("b.star")];

        var old = Assert.Throws<CryoMergeInputException>(() => StarJoin.Join(inputs.Select(StarDataSet.Read)
            .ToList()));
        var e = Assert.Throws<CryoMergeInputException>(() => StarJoin.JoinFiles(inputs, dir.File("m.star")));

        Assert.Equal(old.Message, e.Message);
        Assert.Equal($"{inputs[1]}: _rlnImageName 000002@a.mrcs in row 1 appears already in {inputs[0]} (row 2); "
            + "joining it twice would count it twice", e.Message);
        Assert.False(File.Exists(dir.File("m.star")));
    }

    [Fact]
    public void EachInputIsReadInTurnOnceToDecideAndOnceToStreamItsRows()
    {
        using var dir = new TempDir();
        foreach (var (name, rows) in new[] { ("a", 4), ("b", 3), ("c", 5) }) WriteRelion30(dir, name, rows, 4.0,
            $"Movies/{name}.mrc");
        var reads = new List<string>();
        var sources = new[] { "a", "b", "c" }.Select(n => new JoinSource(dir.File($"{n}.star"), () =>
        {
            reads.Add(n);
            return StarDataSet.Read(dir.File($"{n}.star"));
        })).ToList();

        var report = StarJoin.JoinTo(sources, dir.File("m.star"));

        // Never two inputs at once: decide (and measure) a, b, c; write the rows of a, b, c.
        Assert.Equal(["a", "b", "c", "a", "b", "c"], reads);
        Assert.Equal(12, report.Rows);
    }

    [Fact]
    public void AnInputThatChangesBetweenReadingsIsRefusedAndNothingIsWritten()
    {
        using var dir = new TempDir();
        WriteRelion30(dir, "a", 4, 4.0);
        int reads = 0;
        var source = new JoinSource(dir.File("a.star"), () =>
        {
            var set = StarDataSet.Read(dir.File("a.star"));
            if (reads++ > 0) set.Data.KeepRows([0, 1]);
            return set;
        });

        var e = Assert.Throws<CryoMergeInputException>(() => StarJoin.JoinTo([source], dir.File("m.star")));

        Assert.Contains("changed while it was being joined (4 rows, then 2)", e.Message);
        Assert.False(File.Exists(dir.File("m.star")));
    }

    [Fact]
    public void TheMergesJoinWritesTheWholeTableJoinsStarAndCsFilesWithLinksForClashingMicrographs()
    {
        // Two identical projects, one joined by the merge's join stage (streamed), one as the stage did before,
        // every data set relocated, renamed and separated in memory and joined whole. Their folders' names have one
        // length: the .cs file holds the stacks' absolute paths.
        using var dir = new TempDir();
        var streamed = JoinStageFixture(dir.File("new"));
        var old = JoinStageFixture(dir.File("old"));

        var item = JoinStage.Work.Item(new WorkItemId("join", Key: "all"), streamed);
        var result = JoinStage.Work.ResultOf(JoinStage.Work.Execute(item, new WorkEnvironment(null!),
            TestContext.Current.CancellationToken));
        var (oldWarnings, oldLinks) = JoinAsBefore(old);

        Assert.Equal(File.ReadAllBytes(old.Output), File.ReadAllBytes(streamed.Output));
        Assert.Equal(WithRoot(File.ReadAllBytes(old.Cryosparc!), dir.File("old"), dir.File("new")),
            File.ReadAllBytes(streamed.Cryosparc!));
        Assert.Equal(oldWarnings, result.Warnings.Take(oldWarnings.Count));
        // DS2's micrographs clash with DS1's: they are named after links in DS2's output folder.
        Assert.Contains(result.Warnings, w => w.StartsWith("DS2: micrograph"));
        Assert.Equal(oldLinks.Select(l => Path.GetRelativePath(old.Folder, l)),
            Directory.GetFiles(streamed.Folder, "*", SearchOption.AllDirectories)
                .Where(f => f.Contains("/DS2/")).Select(f => Path.GetRelativePath(streamed.Folder, f)).Order());
        Assert.Contains("out/DS2/Micrographs/", File.ReadAllText(streamed.Output));
        Assert.Equal(9, result.Rows);
    }

    /// <summary>The bytes with every <paramref name="root"/> replaced by <paramref name="other"/> (same
    /// length).</summary>
    private static byte[] WithRoot(byte[] bytes, string root, string other)
    {
        byte[] from = System.Text.Encoding.UTF8.GetBytes(root), to = System.Text.Encoding.UTF8.GetBytes(other);
        Assert.Equal(from.Length, to.Length);
        var copy = bytes.ToArray();
        for (int i = copy.AsSpan().IndexOf(from); i >= 0;)
        {
            to.CopyTo(copy, i);
            int next = copy.AsSpan(i + 1).IndexOf(from);
            i = next < 0 ? -1 : i + 1 + next;
        }
        Assert.NotEqual(bytes, copy);
        return copy;
    }

    private static (JoinReport Built, JoinReport Streamed) JoinBothWays(TempDir dir, IReadOnlyList<string> inputs,
        JoinOptions? options = null)
    {
        var (file, built) = StarJoin.Join(inputs.Select(StarDataSet.Read).ToList(), options);
        file.Write(dir.File("built.star"));
        return (built, StarJoin.JoinFiles(inputs, dir.File("streamed.star"), options));
    }

    private static void AssertSameReport(JoinReport expected, JoinReport actual)
    {
        Assert.Equal(expected.Kind, actual.Kind);
        Assert.Equal(expected.Relion30Output, actual.Relion30Output);
        Assert.Equal(expected.Rows, actual.Rows);
        Assert.Equal(expected.Inputs, actual.Inputs);
        Assert.Equal(expected.OpticsGroups, actual.OpticsGroups);
        Assert.Equal(expected.FilledColumns, actual.FilledColumns);
        Assert.Equal(expected.DroppedColumns, actual.DroppedColumns);
        Assert.Equal(expected.Warnings, actual.Warnings);
    }

    /// <summary>NAME.star, RELION 3.0, over its stack NAME.mrcs of 16 px images.</summary>
    private static void WriteRelion30(TempDir dir, string name, int rows, double pixel,
        string micrograph = "Movies/mic1.mrc")
    {
        MergingTestFiles.WriteStack(dir.File($"{name}.mrcs"), rows, 16, pixel);
        File.WriteAllText(dir.File($"{name}.star"), MergingTestFiles.Relion30Particles($"{name}.mrcs", rows, pixel,
            micrograph));
    }

    /// <summary>
    /// A project in <paramref name="root"/>: DS1 (RELION 3.1, 4 particles) and DS2 (RELION 3.0, 5 particles), both
    /// on MotionCorr/job002/Micrographs/mic1.mrc of their own folders; the join's parameters with cs output.
    /// </summary>
    private static JoinStage.Parameters JoinStageFixture(string root)
    {
        string project = Path.Combine(root, "project");
        var inputs = new List<JoinStage.Input>();
        foreach (var (name, rows, pixel) in new[] { ("DS1", 4, 2.0), ("DS2", 5, 3.0) })
        {
            string folder = Path.Combine(project, name);
            Directory.CreateDirectory(Path.Combine(folder, "MotionCorr/job002/Micrographs"));
            File.WriteAllText(Path.Combine(folder, "MotionCorr/job002/Micrographs/mic1.mrc"), "");
            MergingTestFiles.WriteStack(Path.Combine(folder, "stack.mrcs"), rows, 16, pixel);
            string star = Path.Combine(folder, "particles.star");
            File.WriteAllText(star, MergingTestFiles.Relion30Particles("stack.mrcs", rows, pixel,
                "MotionCorr/job002/Micrographs/mic1.mrc"));
            if (name == "DS1")
            {
                var set = Relion30Conversion.ToRelion31(StarDataSet.Read(star), []);
                set.File.Write(star);
            }
            inputs.Add(new JoinStage.Input(name, star, folder));
        }
        string output = Path.Combine(project, "out");
        Directory.CreateDirectory(output);
        return new JoinStage.Parameters(inputs, Path.Combine(output, JoinStage.OutputName), project, output,
            Path.Combine(output, JoinStage.CryosparcName), [1, -1]);
    }

    /// <summary>The join stage as it was: every data set read, changed and held, then joined whole.</summary>
    private static (List<string> Warnings, List<string> Links) JoinAsBefore(JoinStage.Parameters p)
    {
        var warnings = new List<string>();
        var links = new List<string>();
        var taken = new HashSet<string>(StringComparer.Ordinal);
        var sets = new List<StarDataSet>();
        foreach (var input in p.Inputs)
        {
            var set = StarDataSet.Read(input.Particles);
            if (set.Generation == StarGeneration.Relion30) set = Relion30Conversion.ToRelion31(set, warnings);
            ProjectNames.Relocate(set, input.NameBase, p.Project);
            ProjectNames.NameOpticsGroups(set, input.DataSet);
            var separation = ProjectNames.Separate(set, input.DataSet, p.Project, p.Folder, taken);
            links.AddRange(separation.Links);
            if (separation.Note is not null) warnings.Add(separation.Note);
            sets.Add(set);
        }
        var (file, report) = StarJoin.Join(sets);
        file.Write(p.Output);
        warnings.AddRange(report.Warnings);
        int firstRows = report.Inputs[0].Rows;
        RelionToCryosparcFor(p, row => row < firstRows ? p.BlobSigns![0] : p.BlobSigns![1]);
        return (warnings, links.Order().ToList());
    }

    private static void RelionToCryosparcFor(JoinStage.Parameters p, Func<int, float> sign) =>
        CryosparcConversion.ToCryosparc(p.Output, p.Cryosparc!, new CryosparcExportOptions(
            ProjectDirectory: p.Project, BlobSign: sign));
}
