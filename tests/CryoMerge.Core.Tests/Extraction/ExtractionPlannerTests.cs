using CryoMerge.Core.Extraction;
using CryoMerge.Core.Formats;
using CryoMerge.Core.Imaging;
using CryoMerge.Core.Simulation;
using CryoMerge.Tests;

namespace CryoMerge.Core.Tests.Extraction;

/// <summary>Extraction from a particles STAR file: outputs, determinism and bad input (no RELION needed).</summary>
public sealed class ExtractionPlannerTests : IClassFixture<ExtractionPlannerTests.Data>
{
    public sealed class Data : IDisposable
    {
        public ExtractionTestData Set { get; } = new(micrographs: 2, particles: 6);

        public void Dispose() => Set.Dispose();
    }

    private readonly ExtractionTestData _data;

    public ExtractionPlannerTests(Data data) => _data = data.Set;

    private string Truth => Path.Combine(_data.Dir.Path, SimulatedDataSet.ParticlesStarName);

    private static readonly ExtractionSettings Settings = new() { Box = 64, Scale = 48, Window = 40,
        BackgroundRadius = 18, Invert = true };

    [Fact]
    public void TheSameInputsGiveByteIdenticalOutputsWhateverTheThreads()
    {
        using var a = new TempDir();
        using var b = new TempDir();
        ParticleExtraction.Run(ExtractionTestData.Fft, ExtractionPlanner.Plan(_data.MicrographsStar,
            new CoordinateSource.StarFileSource(Truth), Settings, Path.Combine(a.Path, "out")), 1,
            cancel: TestContext.Current.CancellationToken);
        ParticleExtraction.Run(ExtractionTestData.Fft, ExtractionPlanner.Plan(_data.MicrographsStar,
            new CoordinateSource.StarFileSource(Truth), Settings, Path.Combine(b.Path, "out")), 2,
            cancel: TestContext.Current.CancellationToken);
        foreach (var f in new[] { "Micrographs/mic000001.mrcs", "Micrographs/mic000002.mrcs" })
            Assert.True(File.ReadAllBytes(Path.Combine(a.Path, "out",
                f)).AsSpan().SequenceEqual(File.ReadAllBytes(Path.Combine(b.Path, "out", f))), f);
        string starA = File.ReadAllText(Path.Combine(a.Path, "out", "particles.star")).Replace(a.Path, "");
        string starB = File.ReadAllText(Path.Combine(b.Path, "out", "particles.star")).Replace(b.Path, "");
        Assert.Equal(starA, starB);
        Assert.Empty(Directory.GetFiles(a.Path, "*" + OutputFiles.TemporarySuffix, SearchOption.AllDirectories));
    }

    [Fact]
    public void TheStarFileCarriesTheMicrographsCtfAndTheNewOptics()
    {
        using var dir = new TempDir();
        var plan = ExtractionPlanner.Plan(_data.MicrographsStar, new CoordinateSource.StarFileSource(Truth), Settings,
            Path.Combine(dir.Path, "out"));
        Assert.Equal(12, plan.ParticleCount);
        var results = ParticleExtraction.Run(ExtractionTestData.Fft, plan, 2,
            cancel: TestContext.Current.CancellationToken);
        var star = StarFile.Read(plan.StarPath);
        var optics = star.Block("optics").RequireTable();
        Assert.Equal(2.1 * 64 / 48, optics.GetDouble(0, RelionLabels.ImagePixelSize), 1e-6);
        Assert.Equal(40, optics.GetInt(0, RelionLabels.ImageSize));
        var particles = star.Block("particles").RequireTable();
        var mics = StarFile.Read(_data.MicrographsStar).Block("micrographs").RequireTable();
        for (int r = 0; r < particles.RowCount; r++)
        {
            int m = r / 6;
            Assert.Equal(mics.Column(RelionLabels.DefocusU).Raw(m), particles.Column(RelionLabels.DefocusU).Raw(r));
            Assert.Equal(RelionPaths.ImageName(r % 6 + 1, plan.Items[m].StackPath), particles.GetString(r,
                RelionLabels.ImageName));
            Assert.True(particles.Has("rlnAngleRot"));
        }
        using var stack = MrcFile.Open(plan.Items[0].StackPath);
        Assert.Equal(new Shape3(40, 40, 6), stack.Shape);
        Assert.Equal(2.1 * 64 / 48, stack.PixelSize.X, 1e-5);
        Assert.Equal(MrcKind.ImageStack, stack.Kind);
        Assert.Equal(0, results.Sum(x => x.FlatImages));
    }

    [Fact]
    public void ACoordinateOutsideTheMicrographIsAnErrorNamingItAndNothingIsWritten()
    {
        using var dir = new TempDir();
        string coords = dir.File("coords.star");
        var star = StarFile.Read(Truth);
        // micrograph is 512 wide, box 64
        star.Block("particles").RequireTable().Column(RelionLabels.CoordinateX).SetDouble(3, 600);
        star.Write(coords);
        var e = Assert.Throws<CryoMergeInputException>(() =>
            ExtractionPlanner.Plan(_data.MicrographsStar, new CoordinateSource.StarFileSource(coords), Settings,
            Path.Combine(dir.Path, "out")));
        Assert.Equal(coords, e.File);
        Assert.Contains("lies entirely outside micrograph Micrographs/mic000001.mrc (512 x 480)", e.Problem);
        Assert.False(Directory.Exists(Path.Combine(dir.Path, "out")));
        // Partly outside is fine: edge pixels are repeated.
        star.Block("particles").RequireTable().Column(RelionLabels.CoordinateX).SetDouble(3, 540);
        star.Write(coords);
        ExtractionPlanner.Plan(_data.MicrographsStar, new CoordinateSource.StarFileSource(coords), Settings,
            Path.Combine(dir.Path, "out"));
    }

    [Fact]
    public void AMicrographMissingOnDiskIsAnErrorNamingItAndNothingIsWritten()
    {
        using var dir = new TempDir();
        string mics = dir.File("mics.star");
        var star = StarFile.Read(_data.MicrographsStar);
        var table = star.Block("micrographs").RequireTable();
        foreach (var c in new[] { RelionLabels.MicrographName })
            table.Column(c).SetAll(r => r == 1 ? "Micrographs/gone.mrc" : Path.Combine(_data.Dir.Path, "Micrographs",
                "mic000001.mrc"));
        star.Write(mics);
        string coords = dir.File("coords.star");
        var truth = StarFile.Read(Truth);
        truth.Block("particles").RequireTable().Column(RelionLabels.MicrographName).SetAll(r => r < 6
            ? Path.Combine(_data.Dir.Path, "Micrographs", "mic000001.mrc") : "Micrographs/gone.mrc");
        truth.Write(coords);
        var e = Assert.Throws<CryoMergeInputException>(() =>
            ExtractionPlanner.Plan(mics, new CoordinateSource.StarFileSource(coords), Settings,
            Path.Combine(dir.Path, "out")));
        Assert.Equal("Micrographs/gone.mrc", e.File);
        Assert.Contains("micrograph not found", e.Problem);
        Assert.False(Directory.Exists(Path.Combine(dir.Path, "out")));
    }

    [Fact]
    public void ParticlesOfMicrographsNotInTheMicrographsFileAreSkippedWithAWarning()
    {
        using var dir = new TempDir();
        string coords = dir.File("coords.star");
        var truth = StarFile.Read(Truth);
        truth.Block("particles").RequireTable().Column(RelionLabels.MicrographName).SetAll(r => r < 6
            ? "Micrographs/mic000001.mrc" : "Other/mic9.mrc");
        truth.Write(coords);
        var plan = ExtractionPlanner.Plan(_data.MicrographsStar, new CoordinateSource.StarFileSource(coords), Settings,
            Path.Combine(dir.Path, "out"));
        Assert.Equal(6, plan.ParticleCount);
        Assert.Contains(plan.Warnings, w => w.Contains("6 particles on 1 micrographs not listed"));
    }

    [Fact]
    public void AMicrographsFileWithoutOpticsIsRefusedWithAHint()
    {
        using var dir = new TempDir();
        File.WriteAllText(dir.File("old.star"), "data_\nloop_\n_rlnMicrographName #1\nMicrographs/mic000001.mrc\n");
        var e = Assert.Throws<CryoMergeInputException>(() =>
            ExtractionPlanner.Plan(dir.File("old.star"), new CoordinateSource.StarFileSource(Truth), Settings,
            dir.File("out")));
        Assert.Contains("RELION 3.1+", e.Problem);
    }

    [Fact]
    public void OutputsNeverReplaceAnInput()
    {
        // Coordinates in DIR/particles.star, extracted into DIR: the output STAR file would replace them.
        using var dir = new TempDir();
        File.Copy(Truth, dir.File("particles.star"));
        var e = Assert.Throws<CryoMergeInputException>(() =>
            ExtractionPlanner.Plan(_data.MicrographsStar,
            new CoordinateSource.StarFileSource(dir.File("particles.star")), Settings, dir.Path));
        Assert.Contains("would overwrite the input", e.Problem);
    }

    /// <summary>
    /// A project of its own: micrograph 1 (optionally with a NaN pixel) and 2 copied into DIR/project/Micrographs,
    /// named in the STAR files by <paramref name="nameOf"/>; returns the micrographs and coordinates files.
    /// </summary>
    private (string Mics, string Coords) Project(TempDir dir, Func<int, string> nameOf, int nanInMicrograph = 0)
    {
        Directory.CreateDirectory(dir.File("project/Micrographs"));
        for (int m = 1; m <= 2; m++)
        {
            string source = Path.Combine(_data.Dir.Path, "Micrographs", $"mic00000{m}.mrc");
            string copy = dir.File($"project/Micrographs/mic00000{m}.mrc");
            using var mrc = MrcFile.Open(source);
            var data = mrc.ReadAll();
            if (m == nanInMicrograph) data[1234] = float.NaN;
            MrcWriter.WriteFile(copy, mrc.Shape, data, new MrcWriteOptions { PixelSize = mrc.PixelSize });
        }
        var mics = StarFile.Read(_data.MicrographsStar);
        var micNames = mics.Block("micrographs").RequireTable().Column(RelionLabels.MicrographName);
        micNames.SetAll(r => StarValues.Quote(nameOf(r + 1)));
        mics.Write(dir.File("project/mics.star"));
        var truth = StarFile.Read(Truth);
        var names = truth.Block("particles").RequireTable().Column(RelionLabels.MicrographName);
        names.SetAll(r => StarValues.Quote(nameOf(names.GetString(r).EndsWith("1.mrc",
            StringComparison.Ordinal) ? 1 : 2)));
        truth.Write(dir.File("project/coords.star"));
        return (dir.File("project/mics.star"), dir.File("project/coords.star"));
    }

    [Fact]
    public void MicrographNamesClimbingOutOfTheOutputFolderAreMappedInsideItAndReplaceNothingOutside()
    {
        // The STAR file: rlnMicrographName climbs out with ../../../../ (here to the micrograph's own folder),
        // so
        // that relion_preprocess's naming put the stack next to the micrograph, over a file of that name.
        using var dir = new TempDir();
        string Climbing(int m) =>
            string.Concat(Enumerable.Repeat("../",
            24)) + dir.File($"project/Micrographs/mic00000{m}.mrc").TrimStart('/');
        var (mics, coords) = Project(dir, Climbing);
        string decoy = dir.File("project/Micrographs/mic000001.mrcs");
        File.WriteAllText(decoy, "somebody's stack");
        string output = dir.File("out");
        var plan = ExtractionPlanner.Plan(mics, new CoordinateSource.StarFileSource(coords), Settings, output);
        string expected = Path.Combine(output, dir.File("project/Micrographs/mic000001.mrcs").TrimStart('/'));
        Assert.Equal(expected, plan.Items[0].StackPath);
        ParticleExtraction.Run(ExtractionTestData.Fft, plan, 2, cancel: TestContext.Current.CancellationToken);
        Assert.Equal("somebody's stack", File.ReadAllText(decoy));
        Assert.True(File.Exists(expected));
        var names = StarFile.Read(plan.StarPath).Block("particles").RequireTable().Column(RelionLabels.ImageName);
        Assert.All(Enumerable.Range(0, names.Count),
            r => Assert.StartsWith(output + "/", RelionPaths.SplitImageName(names.GetString(r)).Path));
    }

    [Fact]
    public void AnExistingFileCryomergeDidNotWriteIsKeptUnlessOverwriteWhileARerunReplacesItsOwnStacks()
    {
        using var dir = new TempDir();
        var (mics, coords) = Project(dir, m => $"Micrographs/mic00000{m}.mrc");
        string output = dir.File("out");
        Directory.CreateDirectory(dir.File("out/Micrographs"));
        string theirs = dir.File("out/Micrographs/mic000002.mrcs");
        File.WriteAllText(theirs, "a stack from elsewhere");
        var plan = ExtractionPlanner.Plan(mics, new CoordinateSource.StarFileSource(coords), Settings, output);
        var e = Assert.Throws<CryoMergeInputException>(() =>
            ParticleExtraction.Run(ExtractionTestData.Fft, plan, 1, cancel: TestContext.Current.CancellationToken));
        Assert.Equal(theirs, e.File);
        Assert.Equal("a stack from elsewhere", File.ReadAllText(theirs));
        Assert.Equal([theirs], Directory.GetFiles(output, "*", SearchOption.AllDirectories));

        var cancel = TestContext.Current.CancellationToken;
        ParticleExtraction.Run(ExtractionTestData.Fft, plan, 1, cancel: cancel, overwrite: true);
        Assert.NotEqual("a stack from elsewhere", File.ReadAllText(theirs));
        // The same extraction again replaces its own outputs without being asked.
        var replan = ExtractionPlanner.Plan(mics, new CoordinateSource.StarFileSource(coords), Settings, output);
        var again = ParticleExtraction.Run(ExtractionTestData.Fft, replan, 1, cancel: cancel);
        Assert.Equal(2, again.Count);
    }

    [Fact]
    public void AMicrographWithANaNIsRefusedNamingItAndTheStacksAlreadyWrittenAreRemoved()
    {
        using var dir = new TempDir();
        var (mics, coords) = Project(dir, m => $"Micrographs/mic00000{m}.mrc", nanInMicrograph: 2);
        string output = dir.File("out");
        var plan = ExtractionPlanner.Plan(mics, new CoordinateSource.StarFileSource(coords), Settings, output);
        var e = Assert.Throws<CryoMergeInputException>(() =>
            ParticleExtraction.Run(ExtractionTestData.Fft, plan, 1, cancel: TestContext.Current.CancellationToken));
        Assert.EndsWith("Micrographs/mic000002.mrc", e.File);
        Assert.StartsWith("the micrograph holds 1 NaN or infinite value(s) (the first, NaN, at pixel (", e.Problem);
        Assert.False(Directory.Exists(output), "a failed extraction left files behind");
    }
}
