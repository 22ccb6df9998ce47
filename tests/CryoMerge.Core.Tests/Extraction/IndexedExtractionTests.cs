using CryoMerge.Core.Extraction;
using CryoMerge.Core.Formats;
using CryoMerge.Core.Merging.Pipeline;
using CryoMerge.Core.Merging.Stages;
using CryoMerge.Core.Simulation;
using CryoMerge.Tests;

namespace CryoMerge.Core.Tests.Extraction;

/// <summary>
/// The extraction with its particles on disk (<see cref="IndexedExtractionPlanner"/>, the coordinate index,
/// <see cref="IndexedParticleStar"/>): the merge's work items give the same stacks and particles.star as
/// <see cref="ParticleExtraction.Run"/>, in relion_preprocess's row order even when the coordinate rows are not
/// grouped by micrograph; items do not grow with the particles; every problem is found while planning; an index
/// made from other files than those on disk is written again, never read, and none is left behind.
/// </summary>
public sealed class IndexedExtractionTests : IClassFixture<IndexedExtractionTests.Data>
{
    public sealed class Data : IDisposable
    {
        public ExtractionTestData Set { get; } = new(micrographs: 3, particles: 5);

        public void Dispose() => Set.Dispose();
    }

    private readonly ExtractionTestData _data;

    public IndexedExtractionTests(Data data) => _data = data.Set;

    private string Truth => Path.Combine(_data.Dir.Path, SimulatedDataSet.ParticlesStarName);

    private static readonly ExtractionSettings Settings = new() { Box = 64, Scale = 48, Window = 40,
        BackgroundRadius = 18, Invert = true };

    [Fact]
    public void CoordinateRowsNotGroupedByMicrographGiveRelionPreprocesssOrderAndTheLocalRunsBytes()
    {
        using var dir = new TempDir();
        // Round robin over the micrographs: particle 1 of each, then particle 2 of each, ...
        string coords = dir.File("interleaved.star");
        int rows = RewriteRows(Truth, coords, lines => lines.Select((l, i) => (l, i))
            .OrderBy(x => x.i % 5).ThenBy(x => x.i).Select(x => x.l).ToList());
        Assert.Equal(15, rows);

        var expected = ExtractionPlanner.Plan(_data.MicrographsStar, new CoordinateSource.StarFileSource(coords),
            Settings, dir.File("local"));
        ParticleExtraction.Run(ExtractionTestData.Fft, expected, 1, cancel: TestContext.Current.CancellationToken);
        string output = dir.File("indexed");
        RunIndexed(coords, output);

        string ours = File.ReadAllText(Path.Combine(output, ExtractionPlanner.StarName));
        Assert.Equal(File.ReadAllText(expected.StarPath).Replace(dir.File("local"), ""), ours.Replace(output, ""));
        foreach (var item in expected.Items)
            Assert.True(File.ReadAllBytes(item.StackPath).AsSpan().SequenceEqual(File.ReadAllBytes(
                item.StackPath.Replace(dir.File("local"), output))), item.StackPath);

        // relion_preprocess's order: micrographs in the micrographs file's order, each one's particles in the order
        // of their rows; here, the truth file's order again.
        var truth = StarFile.Read(Truth).Block("particles").RequireTable();
        var written = StarFile.Read(Path.Combine(output, ExtractionPlanner.StarName)).Block("particles")
            .RequireTable();
        Assert.Equal(Enumerable.Range(0, 15).Select(r => (truth.GetString(r, RelionLabels.MicrographName),
                truth.GetDouble(r, RelionLabels.CoordinateX), truth.GetDouble(r, RelionLabels.CoordinateY))),
            Enumerable.Range(0, 15).Select(r => (written.GetString(r, RelionLabels.MicrographName),
                written.GetDouble(r, RelionLabels.CoordinateX), written.GetDouble(r, RelionLabels.CoordinateY))));
        Assert.Equal(Enumerable.Range(0, 15).Select(r => $"{r % 5 + 1:D6}"),
            Enumerable.Range(0, 15).Select(r => written.GetString(r, RelionLabels.ImageName)[..6]));
    }

    [Fact]
    public void InterleavedRowsMatchRelionPreprocesssParticlesStar()
    {
        Requires.Relion("relion_preprocess");
        string dir = _data.Dir.Path;
        RewriteRows(Truth, Path.Combine(dir, "interleaved_truth.star"), lines => lines.Select((l, i) => (l, i))
            .OrderBy(x => x.i % 5).ThenBy(x => x.i).Select(x => x.l).ToList());
        var run = Tool.Run("relion_preprocess", ["--i", Path.GetFileName(_data.MicrographsStar),
            "--reextract_data_star", "interleaved_truth.star", "--keep_ctfs_micrographs", "--part_dir",
            "Relion_interleaved/", "--part_star", "Relion_interleaved/particles.star", "--extract",
            "--extract_size", "64", "--scale", "48", "--window", "40", "--norm", "--bg_radius", "18",
            "--invert_contrast"], dir);
        Assert.True(run.ExitCode == 0, run.Stderr + run.Stdout);
        string output = Path.Combine(dir, "Ours_interleaved");
        RunIndexed(Path.Combine(dir, "interleaved_truth.star"), output);
        var relion = StarFile.Read(Path.Combine(dir, "Relion_interleaved", "particles.star")).Block("particles")
            .RequireTable();
        var ours = StarFile.Read(Path.Combine(output, "particles.star")).Block("particles").RequireTable();
        Assert.Equal(relion.ColumnNames, ours.ColumnNames);
        Assert.Equal(relion.RowCount, ours.RowCount);
        for (int r = 0; r < relion.RowCount; r++)
        {
            Assert.Equal(relion.GetString(r, RelionLabels.MicrographName), ours.GetString(r,
                RelionLabels.MicrographName));
            Assert.Equal(RelionPaths.SplitImageName(relion.GetString(r, RelionLabels.ImageName)).Index,
                RelionPaths.SplitImageName(ours.GetString(r, RelionLabels.ImageName)).Index);
            foreach (var c in new[] { RelionLabels.CoordinateX, RelionLabels.CoordinateY, RelionLabels.DefocusU })
                Assert.Equal(relion.GetDouble(r, c), ours.GetDouble(r, c), 1e-5);
        }
    }

    [Fact]
    public void AnExtractionItemsParametersDoNotGrowWithItsParticles()
    {
        using var dir = new TempDir();
        // Every particle ten times: ten times the particles on the same micrographs.
        string many = dir.File("many.star");
        RewriteRows(Truth, many, lines => lines.SelectMany(l => Enumerable.Repeat(l, 10)).ToList());
        var few = ItemParameters(Truth, dir.File("a"));
        var more = ItemParameters(many, dir.File("b"));
        Assert.Equal(3, few.Count);
        foreach (var (a, b) in few.Zip(more))
        {
            // The same micrographs: only the particle count and the first particle's index differ (a few digits).
            Assert.InRange(b.Length - a.Length, 0, 6);
            Assert.DoesNotContain("\"x\":", b, StringComparison.OrdinalIgnoreCase);
        }
        var index = new FileInfo(Path.Combine(dir.File("b"), CoordinateIndex.FileName));
        Assert.InRange(index.Length, 150L * CoordinateIndex.RecordSize, 150L * CoordinateIndex.RecordSize + 4096);
    }

    [Fact]
    public void AParticleOutsideItsMicrographIsRefusedWhilePlanningAndNothingIsWritten()
    {
        using var dir = new TempDir();
        string coords = dir.File("coords.star");
        var star = StarFile.Read(Truth);
        star.Block("particles").RequireTable().Column(RelionLabels.CoordinateX).SetDouble(7, 600);
        star.Write(coords);
        var e = Assert.Throws<CryoMergeInputException>(() =>
            IndexedExtractionPlanner.Plan(_data.MicrographsStar, coords, Settings, dir.File("out")));
        Assert.Equal(coords, e.File);
        Assert.Contains("particle at (600, ", e.Problem);
        Assert.Contains("lies entirely outside micrograph Micrographs/mic000002.mrc (512 x 480)", e.Problem);
        Assert.False(Directory.Exists(dir.File("out")));
    }

    [Fact]
    public void AMicrographMissingOnDiskIsNamedBeforeABadParticleOfALaterMicrograph()
    {
        // The rows of micrograph 3 come first, one of them outside; micrograph 2 is not on disk: the micrographs
        // file's order decides which problem is named, as when each micrograph is checked in turn.
        using var dir = new TempDir();
        string mics = dir.File("mics.star");
        var micStar = StarFile.Read(_data.MicrographsStar);
        var names = micStar.Block("micrographs").RequireTable().Column(RelionLabels.MicrographName);
        string gone = "Micrographs/gone.mrc";
        string second = names.GetString(1);
        names.SetAll(r => r == 1 ? gone : Path.Combine(_data.Dir.Path, names.GetString(r)));
        micStar.Write(mics);
        string coords = dir.File("coords.star");
        var star = StarFile.Read(Truth);
        var table = star.Block("particles").RequireTable();
        var rowNames = table.Column(RelionLabels.MicrographName);
        rowNames.SetAll(r => rowNames.GetString(r) == second ? gone
            : Path.Combine(_data.Dir.Path, rowNames.GetString(r)));
        table.Column(RelionLabels.CoordinateX).SetDouble(12, 600);
        star.Write(coords);
        RewriteRows(coords, coords, lines => lines.Skip(10).Concat(lines.Take(10)).ToList());
        var e = Assert.Throws<CryoMergeInputException>(() =>
            IndexedExtractionPlanner.Plan(mics, coords, Settings, dir.File("out")));
        Assert.Equal((gone, "micrograph not found on disk"), (e.File, e.Problem[..28]));
        Assert.Contains("5 particles in", e.Problem);
    }

    [Fact]
    public void AnIndexMadeFromAChangedOrOtherCoordinateFileIsNotTrusted()
    {
        using var dir = new TempDir();
        string coords = dir.File("coords.star");
        File.Copy(Truth, coords);
        var plan = IndexedExtractionPlanner.Plan(_data.MicrographsStar, coords, Settings, dir.File("out"));
        plan.WriteIndex();
        Assert.True(CoordinateIndex.IsCurrent(plan.IndexPath, _data.MicrographsStar, coords));
        // Another file with the same bytes but another time, then the same file touched: stale both times.
        string copy = dir.File("copy.star");
        File.Copy(coords, copy);
        File.SetLastWriteTimeUtc(copy, File.GetLastWriteTimeUtc(coords).AddSeconds(-5));
        Assert.False(CoordinateIndex.IsCurrent(plan.IndexPath, _data.MicrographsStar, copy));
        File.SetLastWriteTimeUtc(coords, File.GetLastWriteTimeUtc(coords).AddSeconds(1));
        Assert.False(CoordinateIndex.IsCurrent(plan.IndexPath, _data.MicrographsStar, coords));
        var e = Assert.Throws<CryoMergeInputException>(() => plan.WriteStar());
        Assert.Equal(plan.IndexPath, e.File);
        Assert.StartsWith("is out of date", e.Problem);
        // A plan made before the change refuses to write an index from the changed file.
        Assert.Equal(coords, Assert.Throws<CryoMergeInputException>(plan.WriteIndex).File);
        Assert.False(File.Exists(plan.StarPath));
        // Not there, or not an index: not current either.
        Assert.False(CoordinateIndex.IsCurrent(dir.File("none.bin"), _data.MicrographsStar, coords));
        Assert.False(CoordinateIndex.IsCurrent(coords, _data.MicrographsStar, coords));
    }

    [Fact]
    public void AGatherFindingTheIndexGoneOrStaleWritesItAgainWithTheSameBytesThenRemovesIt()
    {
        using var dir = new TempDir();
        string coords = dir.File("coords.star");
        File.Copy(Truth, coords);
        string output = dir.File("out");
        RunIndexed(coords, output);
        string index = Path.Combine(output, CoordinateIndex.FileName);
        byte[] indexBytes = File.ReadAllBytes(index);
        byte[] star = File.ReadAllBytes(Path.Combine(output, ExtractionPlanner.StarName));
        var job = new ReExtractionJob("DS", _data.MicrographsStar, coords, null, output, Settings, null, 1, 1);
        var gather = GatherParticlesStage.Work.Item(new WorkItemId("gather", "DS"), job);
        var environment = new WorkEnvironment(ExtractionTestData.Fft);
        var cancel = TestContext.Current.CancellationToken;

        MergeStages.Handlers.Execute(gather, environment, cancel);
        Assert.False(File.Exists(index), "the gather left the coordinate index in the output");
        Assert.Equal(star, File.ReadAllBytes(Path.Combine(output, ExtractionPlanner.StarName)));
        // Retried after it deleted the index: written again, the same particles.star, deleted again.
        File.Delete(Path.Combine(output, ExtractionPlanner.StarName));
        MergeStages.Handlers.Execute(gather, environment, cancel);
        Assert.Equal(star, File.ReadAllBytes(Path.Combine(output, ExtractionPlanner.StarName)));
        Assert.False(File.Exists(index));
        // A stale index (the coordinate file touched since) is replaced, not read: the same bytes as a fresh one.
        File.WriteAllBytes(index, indexBytes);
        File.SetLastWriteTimeUtc(coords, File.GetLastWriteTimeUtc(coords).AddSeconds(1));
        var fresh = IndexedExtractionPlanner.Plan(_data.MicrographsStar, coords, Settings, dir.File("fresh"));
        fresh.WriteIndex();
        MergeStages.Handlers.Execute(gather, environment, cancel);
        Assert.Equal(star, File.ReadAllBytes(Path.Combine(output, ExtractionPlanner.StarName)));
        Assert.False(File.Exists(index));
        // The index names no path: one written into another folder has the same bytes; only the stamp moved on.
        var again = IndexedExtractionPlanner.Plan(_data.MicrographsStar, coords, Settings, output);
        again.WriteIndex();
        Assert.Equal(File.ReadAllBytes(fresh.IndexPath), File.ReadAllBytes(again.IndexPath));
        Assert.NotEqual(indexBytes, File.ReadAllBytes(fresh.IndexPath));
    }

    private IReadOnlyList<string> ItemParameters(string coords, string output)
    {
        var plan = IndexedExtractionPlanner.Plan(_data.MicrographsStar, coords, Settings, output);
        plan.WriteIndex();
        return ExtractStage.Items(plan, "extract", "DS", batched: false).Select(i => i.Parameters.Replace(output, ""))
            .ToList();
    }

    private void RunIndexed(string coords, string output)
    {
        var plan = IndexedExtractionPlanner.Plan(_data.MicrographsStar, coords, Settings, output);
        plan.WriteIndex();
        foreach (var item in ExtractStage.Items(plan, "extract", "DS"))
            MergeStages.Handlers.Execute(item, new WorkEnvironment(ExtractionTestData.Fft),
                TestContext.Current.CancellationToken);
        Assert.Equal(plan.ParticleCount, plan.WriteStar(requireStacks: true));
    }

    /// <summary>Copies a STAR file whose last loop is the particles', its rows rearranged; returns their
    /// number.</summary>
    private static int RewriteRows(string from, string to, Func<List<string>, List<string>> arrange)
    {
        var lines = File.ReadAllLines(from).ToList();
        int header = lines.FindLastIndex(l => l.StartsWith('_'));
        int end = lines.FindIndex(header + 1, l => l.Trim().Length == 0);
        if (end < 0) end = lines.Count;
        var rows = lines.GetRange(header + 1, end - header - 1);
        var arranged = arrange(rows);
        File.WriteAllLines(to, lines.Take(header + 1).Concat(arranged).Concat(lines.Skip(end)));
        return rows.Count;
    }
}
