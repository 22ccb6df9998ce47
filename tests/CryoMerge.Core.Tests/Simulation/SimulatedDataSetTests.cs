using System.Text.Json.Nodes;
using CryoMerge.Core.Ctf;
using CryoMerge.Core.Formats;
using CryoMerge.Core.Imaging;
using CryoMerge.Core.Simulation;
using CryoMerge.Core.Tests.Imaging;
using CryoMerge.Tests;

namespace CryoMerge.Core.Tests.Simulation;

public sealed class SimulatedDataSetTests
{
    private static readonly IFftBackend Fft = FftBackends.Create();

    private static SimulationSettings Small(long seed = 3) => new()
    {
        TruePixelSize = 2.0,
        NominalPixelSize = 2.08,
        Micrographs = 3,
        ParticlesPerMicrograph = 8,
        MicrographWidth = 384,
        MicrographHeight = 320,
        Box = 64,
        Snr = 0.1,
        Seed = seed,
    };

    [Fact]
    public void TheSameSeedGivesByteIdenticalFilesWhateverTheThreadCount()
    {
        using var a = new TempDir();
        using var b = new TempDir();
        SimulatedDataSet.Write(Fft, Phantom.Default, "phantom", Small(), a.Path, threads: 1, truthMap: Phantom.Default,
            cancel: TestContext.Current.CancellationToken);
        SimulatedDataSet.Write(Fft, Phantom.Default, "phantom", Small(), b.Path, threads: 2, truthMap: Phantom.Default,
            cancel: TestContext.Current.CancellationToken);
        var files = Directory.GetFiles(a.Path, "*",
            SearchOption.AllDirectories).Select(f => Path.GetRelativePath(a.Path, f)).Order().ToList();
        Assert.Equal(files, Directory.GetFiles(b.Path, "*",
            SearchOption.AllDirectories).Select(f => Path.GetRelativePath(b.Path, f)).Order());
        Assert.Contains("Micrographs/mic000003.mrc", files);
        Assert.Contains("Micrographs/mic000003_coords.star", files);
        Assert.Contains(SimulatedDataSet.TruthMapName, files);
        foreach (var f in files) Assert.True(File.ReadAllBytes(Path.Combine(a.Path,
            f)).AsSpan().SequenceEqual(File.ReadAllBytes(Path.Combine(b.Path, f))), f);
    }

    [Fact]
    public void AnotherSeedGivesAnotherDataSet()
    {
        var p1 = SimulationPlanner.Plan(Small(3), Phantom.Default.Diameter);
        var p2 = SimulationPlanner.Plan(Small(4), Phantom.Default.Diameter);
        Assert.NotEqual(p1[0].Particles[0], p2[0].Particles[0]);
        Assert.NotEqual(p1[0].TrueCtf.DefocusU, p2[0].TrueCtf.DefocusU);
    }

    [Fact]
    public void ParticlesStayInsideHalfABoxFromTheEdgesAndApart()
    {
        var settings = Small() with { ParticlesPerMicrograph = 10, Micrographs = 5 };
        double diameter = Phantom.Default.Diameter / settings.TruePixelSize;
        foreach (var plan in SimulationPlanner.Plan(settings, Phantom.Default.Diameter))
        {
            Assert.Equal(10, plan.Particles.Count);
            foreach (var p in plan.Particles)
            {
                Assert.InRange(p.X, 32, 384 - 32);
                Assert.InRange(p.Y, 32, 320 - 32);
                Assert.Equal(p.X, Math.Round(p.X * 64) / 64);
                foreach (var q in plan.Particles)
                    if (!ReferenceEquals(p,
                        q)) Assert.True(Math.Sqrt((p.X - q.X) * (p.X - q.X) + (p.Y - q.Y) * (p.Y - q.Y)) >= diameter);
            }
            Assert.InRange(plan.TrueCtf.DefocusU, 8000, 25100);
            Assert.InRange(plan.TrueCtf.DefocusU - plan.TrueCtf.DefocusV, 0, 200);
        }
    }

    [Fact]
    public void TooManyParticlesForTheMicrographIsABadInputNamingTheOption()
    {
        var e = Assert.Throws<CryoMergeInputException>(() => SimulationPlanner.Plan(Small()
            with { ParticlesPerMicrograph = 500 }, Phantom.Default.Diameter));
        Assert.Equal("--particles", e.File);
    }

    [Fact]
    public void FilesCarryTheNominalPixelAndTheDefocusFittedThere()
    {
        using var dir = new TempDir();
        var settings = Small();
        var summary = SimulatedDataSet.Write(Fft, Phantom.Default, "phantom", settings, dir.Path,
            cancel: TestContext.Current.CancellationToken);
        using (var mrc = MrcFile.Open(Path.Combine(dir.Path, "Micrographs", "mic000001.mrc")))
        {
            Assert.Equal(2.08, mrc.PixelSize.X, 1e-5);
            Assert.Equal(new Shape3(384, 320, 1), mrc.Shape);
        }
        var star = StarFile.Read(summary.MicrographsStar);
        var optics = star.Block("optics").RequireTable();
        Assert.Equal(2.08, optics.GetDouble(0, RelionLabels.MicrographPixelSize), 1e-6);
        var mics = star.Block("micrographs").RequireTable();
        var truth = JsonNode.Parse(File.ReadAllText(summary.TruthJson))!;
        Assert.Equal(2.0, truth["angpixTrue"]!.GetValue<double>());
        Assert.Equal(2.08, truth["angpixNominal"]!.GetValue<double>());
        for (int m = 0; m < 3; m++)
        {
            var t = truth["micrographs"]![m]!;
            double fitted = NominalPixelCtfFit.Defocus(t["defocusUTrue"]!.GetValue<double>(), 2.0, 2.08, 300, 2.7);
            Assert.Equal(fitted, mics.GetDouble(m, RelionLabels.DefocusU), 1e-5);
            Assert.True(mics.GetDouble(m, RelionLabels.DefocusU) > t["defocusUTrue"]!.GetValue<double>() * 1.07);
            Assert.Equal(8, t["particles"]!.AsArray().Count);
        }
        var particles = StarFile.Read(summary.ParticlesStar).Block("particles").RequireTable();
        Assert.Equal(24, particles.RowCount);
        for (int r = 0; r < particles.RowCount; r++)
        {
            double x = particles.GetDouble(r, RelionLabels.CoordinateX);
            Assert.Equal(-(x - Math.Truncate(x)) * 2.08, particles.GetDouble(r, RelionLabels.OriginXAngst), 1e-5);
        }
    }

    [Fact]
    public void AMapAsSpecimenGivesTheMicrographOfThePhantomItWasRenderedFrom()
    {
        // The phantom rendered at 1 A/px, given as a map and projected through RELION's projector onto a 1.25 A/px
        // micrograph, against the phantom's exact projections.
        var phantom = Phantom.Create(50);
        var map = new MapProjectionSource(Fft, phantom.Render(64, 1.0), 1.0);
        Assert.InRange(map.Diameter, 40, 70);
        var settings = new SimulationSettings
        {
            TruePixelSize = 1.25, NominalPixelSize = 1.25, Micrographs = 1, ParticlesPerMicrograph = 3,
                MicrographWidth = 256,
            MicrographHeight = 256, Box = 64, Snr = 1e12, Seed = 9,
        };
        var plan = SimulationPlanner.Plan(settings, phantom.Diameter)[0];
        var fromMap = MicrographSimulator.Render(Fft, map, settings, plan, out _, out _);
        var exact = MicrographSimulator.Render(Fft, phantom, settings, plan, out _, out _);
        var sa = ImageStatistics.Of(fromMap);
        var sb = ImageStatistics.Of(exact);
        double sum = 0;
        for (int i = 0; i < fromMap.Length; i++) sum += (fromMap[i] - sa.Mean) * (exact[i] - sb.Mean);
        double correlation = sum / (fromMap.Length * sa.StdDev * sb.StdDev);
        Assert.True(correlation > 0.999, $"correlation {correlation}");
        Assert.Equal(sb.StdDev, sa.StdDev, 0.03 * sb.StdDev);
    }

    [Theory]
    [InlineData(64, 48, 5, 3)]
    [InlineData(64, 48, -7, 20)]
    [InlineData(50, 64, 0, -11)]
    public void TheCtfMultipliesEachFrequencyByMinusItsValue(int w, int h, int fx, int fy)
    {
        // cos(2 pi (fx x / W + fy y / H)) comes out as -CTF(fx / (W p), fy / (H p)) times itself.
        var ctf = new CtfModel(new CtfParameters(15000, 13000, 40, Bfactor: 20));
        const double p = 1.7;
        var image = new float[w * h];
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++) image[y * w + x] = (float)Math.Cos(2 * Math.PI * ((double)fx * x / w
                + (double)fy * y / h));
        var expected = image.Select(v => (float)(-ctf.Value(fx / (w * p), fy / (h * p)) * v)).ToArray();
        MicrographSimulator.ApplyCtf(Fft, image, w, h, ctf, p);
        var (diff, _) = ImagingTestData.MaxDifference(image, expected);
        Assert.True(diff < 1e-5, $"largest difference {diff}");
    }

    [Fact]
    public void ParticlesAreDarkCtfModulatedProjectionsAtTheirTruePlaceWithNoiseAtTheRequestedSnr()
    {
        var settings = Small() with { Micrographs = 1, Snr = 0.2 };
        var plan = SimulationPlanner.Plan(settings, Phantom.Default.Diameter)[0];
        var clean = MicrographSimulator.Render(Fft, Phantom.Default, settings with { Snr = 1e12 }, plan,
            out double signal, out _);
        var noisy = MicrographSimulator.Render(Fft, Phantom.Default, settings, plan, out double signal2,
            out double sigma);
        Assert.Equal(signal, signal2, 1e-9 * signal);
        Assert.Equal(Math.Sqrt(signal / 0.2), sigma, 1e-9 * sigma);
        var noise = noisy.Zip(clean, (a, b) => a - b).ToArray();
        Assert.Equal(sigma, ImageStatistics.Of(noise).StdDev, 0.02 * sigma);

        // Each particle in the clean micrograph is minus its projection convolved with the true CTF.
        int w = settings.MicrographWidth, h = settings.MicrographHeight;
        var expected = new float[w * h];
        foreach (var p in plan.Particles) Phantom.Default.AddProjection(expected, w, h, p.X, p.Y, p.Rotation,
            settings.TruePixelSize);
        MicrographSimulator.ApplyCtf(Fft, expected, w, h, new CtfModel(plan.TrueCtf), settings.TruePixelSize);
        var (diff, _) = ImagingTestData.MaxDifference(expected, clean);
        Assert.True(diff < 1e-4 * ImageStatistics.Of(clean).StdDev);
        // Protein is dark: the micrograph's total is minus the CTF at zero frequency (the amplitude contrast) times
        // the projections' total.
        double projected = 0;
        foreach (var p in plan.Particles)
        {
            var one = new float[w * h];
            Phantom.Default.AddProjection(one, w, h, p.X, p.Y, p.Rotation, settings.TruePixelSize);
            projected += one.Sum(v => (double)v);
        }
        Assert.Equal(-0.1 * projected, clean.Sum(v => (double)v), 1e-3 * 0.1 * projected);
    }
}
