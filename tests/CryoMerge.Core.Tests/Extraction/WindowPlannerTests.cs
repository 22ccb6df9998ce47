using CryoMerge.Core.Extraction;
using CryoMerge.Core.Formats;
using CryoMerge.Core.Imaging;
using CryoMerge.Core.Simulation;
using CryoMerge.Tests;

namespace CryoMerge.Core.Tests.Extraction;

public sealed class WindowPlannerTests : IClassFixture<WindowPlannerTests.Data>
{
    /// <summary>Two micrographs' particles extracted at 64 -> 48 (6 per stack), to be windowed.</summary>
    public sealed class Data : IDisposable
    {
        public Data()
        {
            var plan = ExtractionPlanner.Plan(Set.MicrographsStar,
                new CoordinateSource.StarFileSource(Path.Combine(Set.Dir.Path, SimulatedDataSet.ParticlesStarName)),
                new ExtractionSettings { Box = 64, Scale = 48, BackgroundRadius = 20, Invert = true },
                Path.Combine(Set.Dir.Path, "Extract"));
            ParticleExtraction.Run(ExtractionTestData.Fft, plan, 2);
            Particles = plan.StarPath;
        }

        public ExtractionTestData Set { get; } = new(micrographs: 2, particles: 6);

        public string Particles { get; }

        public void Dispose() => Set.Dispose();
    }

    private readonly Data _data;

    public WindowPlannerTests(Data data) => _data = data;

    [Fact]
    public void EveryImageIsCroppedAboutItsCentreAndTheStarFileFollows()
    {
        using var dir = new TempDir();
        var plan = WindowPlanner.Plan(_data.Particles, 36, dir.Path);
        plan.Run(2, cancel: TestContext.Current.CancellationToken);
        var input = StarFile.Read(_data.Particles).Block("particles").RequireTable();
        var output = StarFile.Read(Path.Combine(dir.Path, "particles.star"));
        Assert.Equal(36, output.Block("optics").RequireTable().GetInt(0, RelionLabels.ImageSize));
        Assert.Equal(StarFile.Read(_data.Particles).Block("optics").RequireTable()
            .Column(RelionLabels.ImagePixelSize).Raw(0),
            output.Block("optics").RequireTable().Column(RelionLabels.ImagePixelSize).Raw(0));
        var table = output.Block("particles").RequireTable();
        Assert.Equal(input.RowCount, table.RowCount);
        for (int r = 0; r < table.RowCount; r++)
        {
            var (i0, s0) = RelionPaths.SplitImageName(input.GetString(r, RelionLabels.ImageName));
            var (i1, s1) = RelionPaths.SplitImageName(table.GetString(r, RelionLabels.ImageName));
            Assert.Equal(i0, i1);
            Assert.StartsWith(dir.Path, s1);
            using var a = MrcFile.Open(s0);
            using var b = MrcFile.Open(s1);
            var expected = RealSpaceWindow.Window(new Grid(new Shape3(48, 48, 1), a.ReadSection(i0!.Value - 1)),
                new Shape3(36, 36, 1)).Data;
            Assert.Equal(expected, b.ReadSection(i1!.Value - 1));
            Assert.Equal(a.PixelSize.X, b.PixelSize.X);
            Assert.Equal(input.Column(RelionLabels.DefocusU).Raw(r), table.Column(RelionLabels.DefocusU).Raw(r));
        }
    }

    [Fact]
    public void ASelectionKeepsOnlyTheNamedImagesRenumbered()
    {
        using var dir = new TempDir();
        var star = StarFile.Read(_data.Particles);
        var table = star.Block("particles").RequireTable();
        table.KeepRows([4, 1, 9]);   // images 5 and 2 of stack 1, image 4 of stack 2
        star.Write(dir.File("selected.star"));
        var plan = WindowPlanner.Plan(dir.File("selected.star"), 40, dir.File("out"));
        plan.Run(1, cancel: TestContext.Current.CancellationToken);
        var names = StarFile.Read(dir.File("out/selected.star")).Block("particles").RequireTable()
            .Column(RelionLabels.ImageName);
        Assert.StartsWith("000002@", names.GetString(0));
        Assert.StartsWith("000001@", names.GetString(1));
        Assert.StartsWith("000001@", names.GetString(2));
        using var first = MrcFile.Open(RelionPaths.SplitImageName(names.GetString(0)).Path);
        Assert.Equal(2, first.SectionCount);
    }

    [Fact]
    public void AnOddBoxBecomesEvenAndALargerBoxIsRefused()
    {
        using var dir = new TempDir();
        var plan = WindowPlanner.Plan(_data.Particles, 35, dir.Path);
        Assert.Equal(36, plan.Items[0].Size);
        Assert.Contains(plan.Warnings, w => w.Contains("--box 35 is odd; using 36"));
        var e = Assert.Throws<CryoMergeInputException>(() => WindowPlanner.Plan(_data.Particles, 50, dir.Path));
        Assert.Contains("larger than the 48-pixel images", e.Problem);
        Assert.Empty(Directory.GetFiles(dir.Path, "*", SearchOption.AllDirectories));
    }

    [Fact]
    public void AMissingStackIsAnErrorNamingItAndNothingIsWritten()
    {
        using var dir = new TempDir();
        var star = StarFile.Read(_data.Particles);
        star.Block("particles").RequireTable().Column(RelionLabels.ImageName).SetString(7, "000002@Extract/none.mrcs");
        star.Write(dir.File("broken.star"));
        var e = Assert.Throws<CryoMergeInputException>(() => WindowPlanner.Plan(dir.File("broken.star"), 40,
            dir.File("out")));
        Assert.Equal("Extract/none.mrcs", e.File);
        Assert.False(Directory.Exists(dir.File("out")));
    }

    [Fact]
    public void WindowingEqualsRelionPreprocessOperatingOnTheStack()
    {
        Requires.Relion("relion_preprocess");
        using var dir = new TempDir();
        var plan = WindowPlanner.Plan(_data.Particles, 36, dir.Path);
        plan.Run(1, cancel: TestContext.Current.CancellationToken);
        var item = plan.Items[0];
        var run = Tool.Run("relion_preprocess", ["--operate_on", item.InputStack, "--operate_out",
            dir.File("relion.mrcs"), "--window", "36"]);
        Assert.True(run.ExitCode == 0, run.Stderr + run.Stdout);
        using var relion = MrcFile.Open(dir.File("relion.mrcs"));
        using var ours = MrcFile.Open(item.OutputStack);
        Assert.Equal(relion.Shape, ours.Shape);
        for (int i = 0; i < ours.SectionCount; i++) Assert.Equal(relion.ReadSection(i), ours.ReadSection(i));
    }
}
