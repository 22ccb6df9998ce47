using System.Globalization;
using CryoMerge.Core.Extraction;
using CryoMerge.Core.Formats;
using CryoMerge.Core.Imaging;
using CryoMerge.Core.Tests.Imaging;
using CryoMerge.Tests;

namespace CryoMerge.Core.Tests.Extraction;

/// <summary>
/// Every particle we extract equals relion_preprocess's (same micrographs, coordinates and parameters) within 1e-4
/// of its standard deviation, and the optics tables agree on pixel and image size.
/// </summary>
public sealed class RelionPreprocessComparisonTests : IClassFixture<RelionPreprocessComparisonTests.Data>
{
    public sealed class Data : IDisposable
    {
        public ExtractionTestData Set { get; } = new();

        public void Dispose() => Set.Dispose();
    }

    private readonly ExtractionTestData _data;

    public RelionPreprocessComparisonTests(Data data) => _data = data.Set;

    [Fact]
    public void ExtractScaleWindowNormaliseAndInvertEqualRelion() =>
        Compare("a", box: 128, scale: 100, window: 96, radius: 37, normalise: true, ramp: true, invert: true);

    [Fact]
    public void ExtractionWithoutRescalingAndWithoutRampEqualsRelion() =>
        Compare("b", box: 64, scale: null, window: null, radius: 24, normalise: true, ramp: false, invert: false);

    [Fact]
    public void UpsamplingAboveTheExtractedBoxEqualsRelion() =>
        Compare("c", box: 64, scale: 80, window: 72, radius: 30, normalise: true, ramp: true, invert: true);

    [Fact]
    public void RescalingWithoutNormalisationEqualsRelion() =>
        Compare("d", box: 96, scale: 64, window: null, radius: 0, normalise: false, ramp: true, invert: false);

    [Fact]
    public void ReextractingFromAParticleStarFileEqualsRelionsReextractionWithTheMicrographsCtf()
    {
        // Coordinates, angles and origins from a particles STAR file; CTF from the micrographs
        // (--keep_ctfs_micrographs,
        // what RELION 3.0's --use_ctf_in_mic did).
        Requires.Relion("relion_preprocess");
        string dir = _data.Dir.Path;
        var run = Tool.Run("relion_preprocess", ["--i", Path.GetFileName(_data.MicrographsStar),
            "--reextract_data_star", "particles_truth.star",
            "--keep_ctfs_micrographs", "--part_dir", "Relion_re/", "--part_star", "Relion_re/particles.star",
            "--extract", "--extract_size", "96",
            "--scale", "64", "--norm", "--bg_radius", "24", "--invert_contrast"], dir);
        Assert.True(run.ExitCode == 0, run.Stderr + run.Stdout);
        var settings = new ExtractionSettings { Box = 96, Scale = 64, BackgroundRadius = 24, Invert = true };
        var plan = ExtractionPlanner.Plan(_data.MicrographsStar, new CoordinateSource.StarFileSource(Path.Combine(dir,
            "particles_truth.star")),
            settings, Path.Combine(dir, "Ours_re"));
        ParticleExtraction.Run(ExtractionTestData.Fft, plan, threads: 2, cancel: TestContext.Current.CancellationToken);

        var relion = StarFile.Read(Path.Combine(dir, "Relion_re", "particles.star"));
        var ours = StarFile.Read(Path.Combine(dir, "Ours_re", "particles.star"));
        Assert.Equal(relion.Block("optics").RequireTable().ColumnNames,
            ours.Block("optics").RequireTable().ColumnNames);
        Assert.Equal(relion.Block("optics").RequireTable().GetDouble(0, RelionLabels.ImagePixelSize),
            ours.Block("optics").RequireTable().GetDouble(0, RelionLabels.ImagePixelSize), 1e-6);
        var rp = relion.Block("particles").RequireTable();
        var op = ours.Block("particles").RequireTable();
        Assert.Equal(rp.ColumnNames, op.ColumnNames);
        Assert.Equal(rp.RowCount, op.RowCount);
        foreach (var c in rp.ColumnNames.Where(c => c is not ("rlnImageName" or "rlnMicrographName")))
            for (int r = 0; r < rp.RowCount; r++) Assert.Equal(rp.GetDouble(r, c), op.GetDouble(r, c), 1e-5);
        for (int r = 0; r < rp.RowCount; r++)
        {
            var (ri, rs) = RelionPaths.SplitImageName(rp.GetString(r, "rlnImageName"));
            var (oi, os) = RelionPaths.SplitImageName(op.GetString(r, "rlnImageName"));
            Assert.Equal(ri, oi);
            using var a = MrcFile.Open(Path.Combine(dir, rs));
            using var b = MrcFile.Open(os);
            var theirs = a.ReadSection(ri!.Value - 1);
            var mine = b.ReadSection(oi!.Value - 1);
            Assert.True(ImagingTestData.MaxDifference(mine,
                theirs).Difference <= 1e-4 * ImageStatistics.Of(theirs).StdDev, $"{os} image {oi}");
        }
    }

    [Fact]
    public void RelionsOneRunScaleAndWindowCutsAnOffCentreZeroPaddedWindowAndOursDoesNot()
    {
        // relion_preprocess 3.1.3 (the same code is in 5.0.1) rescales with resizeMap, which keeps the logical origin
        // of the extracted box (-box/2); --window then cuts logical [-W/2, W/2) about that stale origin, i.e. pixels
        // [box/2 - W/2, box/2 + W/2) of the rescaled image, zero-filled past its end. We window about the rescaled
        // image's own centre, which is what the paper's two separate steps (extract + scale, then window) give.
        Requires.Relion("relion_preprocess");
        const int box = 128, scale = 100, window = 96;
        RunRelion("bug", ["--extract_size", "128", "--scale", "100", "--window", "96"]);
        var ours = ExtractOurs("bug_ours", new ExtractionSettings { Box = box, Scale = scale, Normalise = false });
        using var relion = MrcFile.Open(Path.Combine(_data.Dir.Path, "Relion_bug", "Micrographs", "mic000001.mrcs"));
        using var scaled = MrcFile.Open(Path.Combine(_data.Dir.Path, ours.Items[0].StackPath));
        int offset = box / 2 - window / 2, valid = scale - offset;
        for (int i = 0; i < 3; i++)
        {
            var theirs = relion.ReadSection(i);
            var full = scaled.ReadSection(i);
            double sd = ImageStatistics.Of(full).StdDev;
            for (int y = 0; y < window; y++)
                for (int x = 0; x < window; x++)
                {
                    float expected = x < valid && y < valid ? full[(y + offset) * scale + x + offset] : 0;
                    Assert.True(Math.Abs(theirs[y * window + x] - expected) <= 1e-4 * sd,
                        $"image {i + 1} pixel ({x}, {y})");
                }
        }
    }

    private void Compare(string name, int box, int? scale, int? window, int radius, bool normalise, bool ramp,
        bool invert)
    {
        Requires.Relion("relion_preprocess");
        string dir = _data.Dir.Path;
        var perImage = new List<string>();
        if (normalise) perImage.AddRange(["--norm", "--bg_radius", I(radius)]);
        if (!ramp) perImage.Add("--no_ramp");
        if (invert) perImage.Add("--invert_contrast");
        var extract = new List<string> { "--extract_size", I(box) };
        if (scale is int s) extract.AddRange(["--scale", I(s)]);
        // The STAR file and optics table always come from one relion_preprocess run with every option.
        var all = new List<string>(extract);
        if (window is int w) all.AddRange(["--window", I(w)]);
        RunRelion(name, [.. all, .. perImage]);
        string relionImages = $"Relion_{name}";
        if (scale is not null && window is int win)
        {
            // Images: RELION's one-run --scale + --window is off-centre (see the test above), so the reference is the
            // paper's two steps: extract + scale, then --operate_on each stack with --window and the per-image
            // operations.
            RunRelion(name + "_step1", extract);
            relionImages = $"Relion_{name}_step2";
            foreach (var stack in Directory.GetFiles(Path.Combine(dir, $"Relion_{name}_step1",
                "Micrographs"), "*.mrcs"))
            {
                string output = $"{relionImages}/Micrographs/{Path.GetFileName(stack)}";
                Directory.CreateDirectory(Path.Combine(dir, relionImages, "Micrographs"));
                var run = Tool.Run("relion_preprocess", ["--operate_on", Path.GetRelativePath(dir, stack),
                    "--operate_out", output, "--window", I(win), .. perImage], dir);
                Assert.True(run.ExitCode == 0, run.Stderr + run.Stdout);
            }
        }

        var settings = new ExtractionSettings { Box = box, Scale = scale, Window = window, Normalise = normalise,
            BackgroundRadius = radius, Ramp = ramp, Invert = invert };
        var plan = ExtractOurs($"Ours_{name}", settings);
        string relionDir = $"Relion_{name}/", ourDir = Path.Combine(dir, $"Ours_{name}") + "/";

        var relionStar = StarFile.Read(Path.Combine(dir, relionDir, "particles.star"));
        var ourStar = StarFile.Read(Path.Combine(dir, ourDir, "particles.star"));
        var relionOptics = relionStar.Block("optics").RequireTable();
        var ourOptics = ourStar.Block("optics").RequireTable();
        Assert.Equal(relionOptics.GetDouble(0, RelionLabels.ImagePixelSize), ourOptics.GetDouble(0,
            RelionLabels.ImagePixelSize), 1e-6);
        Assert.Equal(relionOptics.GetInt(0, RelionLabels.ImageSize), ourOptics.GetInt(0, RelionLabels.ImageSize));
        Assert.Equal(relionOptics.ColumnNames, ourOptics.ColumnNames);

        var relionParticles = relionStar.Block("particles").RequireTable();
        var ourParticles = ourStar.Block("particles").RequireTable();
        Assert.Equal(relionParticles.RowCount, ourParticles.RowCount);
        Assert.Equal(plan.ParticleCount, ourParticles.RowCount);
        Assert.Equal(relionParticles.ColumnNames, ourParticles.ColumnNames);
        string[] numeric = ["rlnCoordinateX", "rlnCoordinateY", "rlnAutopickFigureOfMerit", "rlnOpticsGroup",
            "rlnDefocusU", "rlnDefocusV",
            "rlnDefocusAngle", "rlnCtfBfactor", "rlnCtfScalefactor", "rlnPhaseShift", "rlnCtfMaxResolution",
            "rlnCtfFigureOfMerit"];
        int o = settings.OutputSize;
        for (int r = 0; r < ourParticles.RowCount; r++)
        {
            foreach (var c in numeric) Assert.Equal(relionParticles.GetDouble(r, c),
                ourParticles.GetDouble(r, c), 1e-5);
            Assert.Equal(relionParticles.GetString(r, "rlnMicrographName"), ourParticles.GetString(r,
                "rlnMicrographName"));
            var (ri, rp) = RelionPaths.SplitImageName(relionParticles.GetString(r, "rlnImageName"));
            var (oi, op) = RelionPaths.SplitImageName(ourParticles.GetString(r, "rlnImageName"));
            Assert.Equal(ri, oi);
            Assert.Equal(rp[relionDir.Length..], op[ourDir.Length..]);
            using var relionStack = MrcFile.Open(Path.Combine(dir, relionImages, rp[relionDir.Length..]));
            using var ourStack = MrcFile.Open(Path.Combine(dir, op));
            Assert.Equal(relionStack.Shape, ourStack.Shape);
            Assert.Equal(settings.OutputPixelSize(2.1), ourStack.PixelSize.X, 1e-4);
            var theirs = relionStack.ReadSection(ri!.Value - 1);
            var ours = ourStack.ReadSection(oi!.Value - 1);
            double sd = ImageStatistics.Of(theirs).StdDev;
            var (diff, at) = ImagingTestData.MaxDifference(ours, theirs);
            Assert.True(diff <= 1e-4 * sd,
                $"{op} image {oi}: largest difference {diff:G3} ({diff / sd:G3} of the std) at ({at % o}, {at / o}): " +
                $"ours {ours[at]}, RELION {theirs[at]}");
        }
    }

    private void RunRelion(string name, IEnumerable<string> options)
    {
        string part = $"Relion_{name}/";
        var args = new List<string>
        {
            "--i", Path.GetFileName(_data.MicrographsStar), "--coord_dir", ExtractionTestData.CoordDir,
                "--coord_suffix", ExtractionTestData.CoordSuffix,
            "--part_dir", part, "--part_star", part + "particles.star", "--extract",
        };
        args.AddRange(options);
        var run = Tool.Run("relion_preprocess", args, _data.Dir.Path);
        Assert.True(run.ExitCode == 0, run.Stderr + run.Stdout);
    }

    /// <summary>Our extraction into DIR/<paramref name="output"/> (absolute paths: tests run in parallel and share the
    /// current folder).</summary>
    private ExtractionPlan ExtractOurs(string output, ExtractionSettings settings)
    {
        var plan = ExtractionPlanner.Plan(_data.MicrographsStar,
            new CoordinateSource.PerMicrograph(Path.Combine(_data.Dir.Path, ExtractionTestData.CoordDir),
            ExtractionTestData.CoordSuffix),
            settings, Path.Combine(_data.Dir.Path, output));
        ParticleExtraction.Run(ExtractionTestData.Fft, plan, threads: 2, cancel: TestContext.Current.CancellationToken);
        return plan;
    }

    private static string I(int v) => v.ToString(CultureInfo.InvariantCulture);
}
