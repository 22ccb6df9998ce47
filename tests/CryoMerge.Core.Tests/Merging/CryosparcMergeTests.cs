using CryoMerge.Core.Extraction;
using CryoMerge.Core.Formats;
using CryoMerge.Core.Imaging;
using CryoMerge.Core.Merging;
using CryoMerge.Core.Merging.Pipeline;
using CryoMerge.Core.Merging.Stages;
using CryoMerge.Core.Simulation;
using CryoMerge.Tests;

namespace CryoMerge.Core.Tests.Merging;

/// <summary>
/// Merges whose second data set comes from cryoSPARC: the demo's simulated data sets, with data set II's particles
/// handed over as a .cs file (converted from its STAR file as cryoSPARC would hold them), merged by method 2 and 3.
/// </summary>
public sealed class CryosparcMergeTests
{
    private static readonly IFftBackend Fft = FftBackends.Create();
    private static readonly IFormatProvider Invariant = System.Globalization.CultureInfo.InvariantCulture;
    private static readonly DemoSettings Settings = new(TruePixelSize: 1.3, NominalError: -0.03, Micrographs: 3,
        ParticlesPerMicrograph: 12, Seed: 5);

    [Fact]
    public void Method2FromCsReExtractsTheSameImagesAsFromStarAndWritesBothForms()
    {
        using var dir = new TempDir();
        var demo = DemoDataSets.Write(Fft, dir.Path, Settings, cancel: TestContext.Current.CancellationToken);
        // cryoSPARC's view of data set II: picked locations, CTF and poses, no images; names relative to the .cs file.
        CryosparcConversion.ToCryosparc(dir.File("DS2/particles_truth.star"), dir.File("DS2/particles.cs"));
        string truePixel = Settings.TruePixelSize.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var fromStar = Run(dir, "star.yaml", 2, "DS2/particles_truth.star", null, "star", truePixel);
        var fromCs = Run(dir, "cs.yaml", 2, "DS2/particles.cs", "DS2", "both", truePixel);

        // The .cs was converted to STAR in the data set's folder, its micrographs named as in the micrographs STAR
        // file.
        var converted = StarFile.Read(Path.Combine(fromCs.DataSetFolder("DS2"),
            CryosparcMergeInput.StarName)).Block("particles").Table!;
        var truth = StarFile.Read(dir.File("DS2/particles_truth.star")).Block("particles").Table!;
        Assert.Equal(truth.RowCount, converted.RowCount);
        for (int r = 0; r < truth.RowCount; r++)
        {
            Assert.Equal(truth.GetString(r, "rlnMicrographName"), converted.GetString(r, "rlnMicrographName"));
            Assert.Equal(truth.GetDouble(r, "rlnCoordinateX"), converted.GetDouble(r, "rlnCoordinateX"), 3);
            Assert.Equal(truth.GetDouble(r, "rlnCoordinateY"), converted.GetDouble(r, "rlnCoordinateY"), 3);
        }
        Assert.Equal(2L * 3 * 12, fromCs.MergedParticleCount);
        Assert.Equal(fromStar.MergedParticleCount, fromCs.MergedParticleCount);
        // The same micrographs and truncated positions: every re-extracted stack is byte for byte the same.
        var stacksStar = Stacks(fromStar, "DS2");
        var stacksCs = Stacks(fromCs, "DS2");
        Assert.Equal(3, stacksCs.Count);
        Assert.Equal(stacksStar.Select(f => FileHash.Content(f)), stacksCs.Select(f => FileHash.Content(f)));

        // particles.cs beside particles.star: every particle, each data set its own exposure group at its pixel size.
        var cs = CryosparcFile.Read(fromCs.MergedCryosparc!);
        var star = StarFile.Read(fromCs.MergedParticles!);
        var optics = star.Block("optics").Table!;
        var particles = star.Block("particles").Table!;
        Assert.Equal(particles.RowCount, cs.RowCount);
        var groups = Enumerable.Range(0, cs.RowCount).Select(r =>
            cs.Data.Column("ctf/exp_group_id").GetInt64(r)).Distinct().ToList();
        Assert.Equal(2, groups.Count);
        for (int r = 0; r < cs.RowCount; r++)
        {
            int group = particles.GetInt(r, "rlnOpticsGroup");
            Assert.Equal((float)optics.GetDouble(group - 1, "rlnImagePixelSize"),
                cs.Data.Column("blob/psize_A").GetSingle(r));
            Assert.Equal(1f, cs.Data.Column("blob/sign").GetSingle(r));   // re-extracted with inverted contrast: white
            Assert.Equal((float)particles.GetDouble(r, "rlnDefocusU"), cs.Data.Column("ctf/df1_A").GetSingle(r));
        }
        Assert.Contains(fromCs.SummaryFiles, f => f.EndsWith("summary.txt"));
        Assert.Contains(Path.GetFileName(fromCs.MergedCryosparc) + ": the same particles for cryoSPARC",
            File.ReadAllText(fromCs.SummaryFiles.First(f =>
            f.EndsWith("summary.txt"))));
    }

    [Fact]
    public void Method3FromCsRelabelsTheCryosparcImagesAndKeepsTheirContrast()
    {
        using var dir = new TempDir();
        var demo = DemoDataSets.Write(Fft, dir.Path, Settings, cancel: TestContext.Current.CancellationToken);
        Extract(dir.File("DS1"), Settings.Box);
        Extract(dir.File("DS2"), 2 * (int)Math.Ceiling(Settings.Box * 1.0 / Settings.TruePixelSize / 2));
        // Data set II as a cryoSPARC refinement would give it: images of dark particles (blob/sign -1).
        CryosparcConversion.ToCryosparc(dir.File("DS2/Extract/particles.star"), dir.File("DS2/refined.cs"),
            new CryosparcExportOptions(BlobSign: _ => -1));
        string truePixel = Settings.TruePixelSize.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var fromStar = Run(dir, "star.yaml", 3, "DS2/Extract/particles.star", null, "star", truePixel,
            "DS1/Extract/particles.star");
        var fromCs = Run(dir, "cs.yaml", 3, "DS2/refined.cs", "DS2", "cs", truePixel, "DS1/Extract/particles.star");

        // outputFormat cs: particles.cs in the output folder, the STAR file the merge works with under star/.
        Assert.Equal(Path.Combine(dir.File("cs-out"), "particles.cs"), fromCs.MergedCryosparc);
        Assert.Equal(Path.Combine(dir.File("cs-out"), "star", "particles.star"), fromCs.MergedParticles);
        Assert.Contains(fromCs.Notes, n => n.StartsWith("DS2: blob/sign is -1"));

        var a = StarFile.Read(fromStar.MergedParticles!);
        var b = StarFile.Read(fromCs.MergedParticles!);
        var (oa, ob) = (a.Block("optics").Table!, b.Block("optics").Table!);
        Assert.Equal(2, ob.RowCount);
        for (int g = 0; g < 2; g++)
            Assert.Equal(oa.GetDouble(g, "rlnImagePixelSize"), ob.GetDouble(g, "rlnImagePixelSize"), 5);
        Assert.Equal(Settings.TruePixelSize, ob.GetDouble(1, "rlnImagePixelSize"), 6);
        var (pa, pb) = (a.Block("particles").Table!, b.Block("particles").Table!);
        Assert.Equal(pa.RowCount, pb.RowCount);
        for (int r = 0; r < pa.RowCount; r++)
        {
            // The same images, named relative to the project folder (the plan's) in both; relabelled alike; .cs
            // values are float32.
            var (ia, sa) = RelionPaths.SplitImageName(pa.GetString(r, "rlnImageName"));
            var (ib, sb) = RelionPaths.SplitImageName(pb.GetString(r, "rlnImageName"));
            Assert.Equal(ia, ib);
            Assert.Equal(sa, sb);
            Assert.True(File.Exists(Path.Combine(dir.Path, sb)), sb);
            foreach (var label in new[] { "rlnDefocusU", "rlnDefocusV", "rlnOriginXAngst", "rlnOriginYAngst",
                "rlnAngleTilt" })
                Assert.True(Math.Abs(pa.GetDouble(r, label) - pb.GetDouble(r, label)) < 2e-3,
                    $"row {r + 1} {label}: {pa.GetDouble(r, label)} vs {pb.GetDouble(r, label)}");
        }
        var cs = CryosparcFile.Read(fromCs.MergedCryosparc!);
        var signs = Enumerable.Range(0, cs.RowCount).Select(r => (pb.GetInt(r, "rlnOpticsGroup"),
            cs.Data.Column("blob/sign").GetSingle(r))).Distinct().Order();
        Assert.Equal([(1, 1f), (2, -1f)], signs);
    }

    [Fact]
    public void PlanChecksTheCryosparcKeys()
    {
        using var dir = new TempDir();
        Directory.CreateDirectory(dir.File("P1/J7"));
        File.WriteAllBytes(dir.File("P1/J7/particles.cs"), []);
        File.WriteAllText(dir.File("a.star"), "data_\nloop_\n_rlnImageName\n1@a.mrcs\n");
        string Plan(string extra, string set2 = "particles: P1/J7/particles.cs") => $"""
            output: out
            method: 3
            {extra}
            datasets:
              - name: A
                particles: a.star
                pixelSize: 1
              - name: B
                {set2}
                pixelSize: 1.1
            """;
        File.WriteAllText(dir.File("ok.yaml"), Plan("outputFormat: both"));
        var plan = MergePlanReader.Read(dir.File("ok.yaml"));
        Assert.Equal(MergeOutputFormat.Both, plan.OutputFormat);
        Assert.Equal(dir.File("P1"), plan.DataSets[1].CryosparcProject);   // the folder above the job folder
        Assert.True(plan.DataSets[1].ParticlesFromCryosparc);
        foreach (var (yaml, problem) in new[]
        {
            (Plan("outputFormat: relion"), "outputFormat must be star, cs or both"),
            (Plan("", "particles: P1/J7/particles.cs\n    cryosparcProject: nowhere"), "is not a folder"),
            (Plan("").Replace("particles: a.star", "particles: a.star\n    cryosparcProject: P1"),
                "particles are not a cryoSPARC .cs file"),
            (Plan("outputFormat: cs").Replace("method: 3", "method: 1").Replace("    pixelSize:",
                "    micrographs: a.star\n    pixelSize:"),
                "method 1 rescales the micrographs only"),
        })
        {
            File.WriteAllText(dir.File("bad.yaml"), yaml);
            var e = Assert.Throws<CryoMergeInputException>(() => MergePlanReader.Read(dir.File("bad.yaml")));
            Assert.Contains(problem, e.Message);
        }
        // An empty .cs file is refused before any work starts, naming the file.
        var empty = Assert.Throws<CryoMergeInputException>(() => MergePreflight.Check(plan));
        Assert.Contains("particles.cs: file is empty", empty.Message);
    }

    /// <summary>Writes a plan (data set II's pixel size given, so that no fit runs) and merges it through
    /// Core.</summary>
    private static MergeState Run(TempDir dir, string name, int method, string particles, string? project,
        string format,
        string pixel,
        string referenceParticles = "DS1/particles_truth.star")
    {
        string output = Path.GetFileNameWithoutExtension(name) + "-out";
        File.WriteAllText(dir.File(name), $"""
            name: {output}
            output: {output}
            method: {method}
            reference: DS1
            outputFormat: {format}
            extraction:
              window: {Settings.Box}
            datasets:
              - name: DS1
                micrographs: DS1/{SimulatedDataSet.MicrographsStarName}
                particles: {referenceParticles}
                pixelSize: 1.0
              - name: DS2
                micrographs: DS2/{SimulatedDataSet.MicrographsStarName}
                particles: {particles}
                {(project is null ? "" : $"cryosparcProject: {project}")}
                nominalPixelSize: {Settings.NominalPixelSize.ToString(Invariant)}
                pixelSize: {pixel}
            """);
        var plan = MergePlanReader.Read(dir.File(name));
        MergePreflight.Check(plan);
        return new LocalMergeRunner(new WorkEnvironment(Fft)).Run(plan, TestContext.Current.CancellationToken);
    }

    private static List<string> Stacks(MergeState state, string dataSet) =>
        Directory.EnumerateFiles(state.DataSetFolder(dataSet), "*.mrcs",
            SearchOption.AllDirectories).Order(StringComparer.Ordinal).ToList();

    /// <summary>Extracts a simulated data set's particles at its own box into DIR/Extract (images for method
    /// 3).</summary>
    private static void Extract(string folder, int box)
    {
        var settings = ExtractionSettings.Create(box, null, null, null, null, true, true, true, new List<string>());
        var plan = ExtractionPlanner.Plan(Path.Combine(folder, SimulatedDataSet.MicrographsStarName),
            new CoordinateSource.StarFileSource(Path.Combine(folder, SimulatedDataSet.ParticlesStarName)), settings,
                Path.Combine(folder, "Extract"));
        ParticleExtraction.Run(Fft, plan);
    }
}
