using System.Globalization;
using CryoMerge.Core.Analysis;
using CryoMerge.Core.Formats;
using CryoMerge.Core.Imaging;

namespace CryoMerge.Core.Simulation;

/// <summary>
/// What the demo simulates: data sets of one specimen at different pixel sizes, DS1's calibrated (its true pixel size
/// is the scale of the merge), every other's nominal pixel size a few % off, as a miscalibrated microscope's would be.
/// Two by default, the README's; <see cref="DemoDataSetSpec.For"/> says what each of more is like.
/// </summary>
/// <param name="ReferencePixelSize">Pixel size of data set DS1, true and nominal (A).</param>
/// <param name="TruePixelSize">Data set DS2's true pixel size on DS1's scale (A).</param>
/// <param name="NominalError">How far DS2's nominal pixel size is off (fraction; -0.03 = 3 % too small).</param>
/// <param name="Micrographs">Micrographs per data set.</param>
/// <param name="MicrographSize">Micrograph width and height (pixels), the same for every data set.</param>
/// <param name="Box">Final particle box of the merge (DS1's box, pixels); the other data sets' boxes hold the same size
/// in A.</param>
/// <param name="SpecimenSize">Size of the phantom (A); null: two thirds of DS1's box (64 A for the default box of
/// 96).</param>
/// <param name="DataSets">How many data sets (at least 2).</param>
/// <param name="Assess">Give the plan an <c>assess</c> section: the merge ends by judging whether merging
/// helped.</param>
public sealed record DemoSettings(
    double ReferencePixelSize = 1.0,
    double TruePixelSize = 1.3,
    double NominalError = -0.03,
    int Micrographs = 6,
    int ParticlesPerMicrograph = 30,
    int MicrographSize = 1024,
    int Box = 96,
    double? SpecimenSize = null,
    long Seed = 1,
    int DataSets = 2,
    bool Assess = false)
{
    /// <summary>The phantom's size for the default box (A).</summary>
    public const double DefaultSpecimenSize = 64;

    /// <summary>The pixel size data set DS2 was processed with (A).</summary>
    public double NominalPixelSize => Math.Round(TruePixelSize * (1 + NominalError), 4);

    /// <summary>Size of the phantom (A).</summary>
    public double Specimen => SpecimenSize ?? Math.Clamp(DefaultSpecimenSize * Box * ReferencePixelSize / 96, 30, 1000);

    /// <summary>Every data set, DS1 first.</summary>
    public IReadOnlyList<DemoDataSetSpec> Specs => DemoDataSetSpec.For(this);
}

/// <summary>One data set the demo wrote: what it is and where its files are.</summary>
public sealed record DemoDataSet(DemoDataSetSpec Spec, SimulationSummary Simulation)
{
    public string Name => Spec.Name;
}

/// <summary>Where the demo's inputs are, and the truth to compare the merge with.</summary>
public sealed record DemoDataSets(string PlanPath, string Output, DemoSettings Settings,
    IReadOnlyList<DemoDataSet> DataSets)
{
    /// <summary>Fraction of a micrograph's free area (inside the margins) that particles' discs may cover before they
    /// are placed closer than their diameter.</summary>
    public const double MaximumCoverage = 0.45;

    /// <summary>
    /// Simulates every data set with the built-in phantom (micrographs, CTF as a fit at the nominal pixel would
    /// report it, coordinates), gives each a map standing in for its own refinement (the phantom sampled at the
    /// data set's true pixel with independent noise, its own resolution and an offset, labelled with the nominal
    /// pixel size) and writes a method 2 merge plan listing all of them. Deterministic for a seed; streams every
    /// file, so memory does not grow with the number of micrographs or particles.
    /// </summary>
    /// <param name="progress">Messages for the user, one per step.</param>
    /// <param name="micrographDone">Called after each micrograph of any data set, from several threads.</param>
    public static DemoDataSets Write(IFftBackend fft, string directory, DemoSettings settings, int threads = 0,
        Action<string>? progress = null,
        CancellationToken cancel = default, Action<SimulatedMicrograph>? micrographDone = null)
    {
        if (settings.DataSets < 2) throw new CryoMergeInputException("--datasets",
            $"a merge needs at least 2 data sets, not {settings.DataSets}");
        var phantom = Phantom.Create(settings.Specimen);
        string dir = Path.GetFullPath(directory);
        var common = new SimulationSettings
        {
            Micrographs = settings.Micrographs,
            ParticlesPerMicrograph = settings.ParticlesPerMicrograph,
            MicrographWidth = settings.MicrographSize,
            MicrographHeight = settings.MicrographSize,
            Snr = 0.1,
        };
        var specs = settings.Specs;
        var simulations = new List<DemoDataSet>(specs.Count);
        foreach (var spec in specs)
        {
            var simulation = common with
            {
                TruePixelSize = spec.TruePixelSize,
                NominalPixelSize = spec.NominalPixelSize,
                Box = spec.Box,
                DefocusMin = spec.DefocusMin,
                DefocusMax = spec.DefocusMax,
                Voltage = spec.Voltage,
                SphericalAberration = spec.SphericalAberration,
                Seed = spec.Seed,
                MicrographStem = spec.MicrographStem,
                MinimumDistance = CrowdedDistance(common, spec, phantom.Diameter),
            };
            if (simulation.MinimumDistance is double d)
                progress?.Invoke(string.Create(CultureInfo.InvariantCulture,
                    $"{spec.Name}: {settings.ParticlesPerMicrograph} particles fit on a " +
                    $"{settings.MicrographSize}-pixel micrograph only {d:0.#} px apart; they overlap (the specimen " +
                    $"is {phantom.Diameter / spec.TruePixelSize:0.#} px across)"));
            progress?.Invoke(string.Create(CultureInfo.InvariantCulture,
                $"simulating data set {spec.Name}: {spec.TruePixelSize:0.####} A/px labelled " +
                $"{spec.NominalPixelSize:0.####} A/px, box {spec.Box}, {spec.Microscope}, defocus " +
                $"{spec.DefocusMin:0}-{spec.DefocusMax:0} A"));
            var summary = SimulatedDataSet.Write(fft, phantom, "phantom", simulation, Path.Combine(dir, spec.Name),
                threads, progress: micrographDone, cancel: cancel);
            simulations.Add(new DemoDataSet(spec, summary));
        }
        progress?.Invoke("making each data set's map");
        foreach (var spec in specs)
            WriteMap(fft, phantom, Path.Combine(dir, spec.Name, "map.mrc"), spec.MapBox, spec.TruePixelSize,
                spec.NominalPixelSize,
                spec.MapResolution, spec.MapShift, spec.Seed);
        string output = Path.Combine(dir, "merged");
        string planPath = Path.Combine(dir, "plan.yaml");
        OutputFiles.WriteAllText(planPath, DemoPlan.Yaml(settings, specs, phantom.Diameter));
        return new DemoDataSets(planPath, output, settings, simulations);
    }

    /// <summary>
    /// Null (particles a specimen's diameter apart) when that many fit easily; otherwise the distance at which the
    /// particles' discs cover <see cref="MaximumCoverage"/> of the free area, so that a crowded benchmark still places
    /// them.
    /// </summary>
    private static double? CrowdedDistance(SimulationSettings common, DemoDataSetSpec spec, double diameter)
    {
        if (common.ParticlesPerMicrograph == 0) return null;
        double free = Math.Pow(Math.Max(1, common.MicrographWidth - spec.Box), 2);
        double fits = Math.Sqrt(MaximumCoverage * free * 4 / (Math.PI * common.ParticlesPerMicrograph));
        return fits < diameter / spec.TruePixelSize ? Math.Floor(fits * 10) / 10 : null;
    }

    /// <summary>
    /// The phantom sampled at <paramref name="truePixel"/> (rendered twice as fine and Fourier-cropped, so nothing
    /// aliases), moved by <paramref name="shift"/> voxels along each axis, with white noise of 0.3 of its standard
    /// deviation and a low-pass at <paramref name="resolution"/> A; the header says <paramref name="headerPixel"/>.
    /// </summary>
    private static void WriteMap(IFftBackend fft, Phantom phantom, string path, int box, double truePixel,
        double headerPixel, double resolution, int shift, long seed)
    {
        var fine = phantom.Render(2 * box, truePixel / 2);
        var map = SpectralFilter.Resample(fft, fine, Vector3d.All(truePixel / 2), new Shape3(box, box, box));
        if (shift != 0) map = Roll(map, shift);
        double sd = ImageStatistics.Of(map.Data).StdDev;
        map = PhantomMaps.AddNoise(map, 0.3 * sd, (int)seed);
        map = SpectralFilter.Apply(fft, map, Vector3d.All(truePixel), SpectralFilter.LowPass(resolution, 0.15));
        MrcWriter.WriteFile(path, map.Shape, map.Data, new MrcWriteOptions { PixelSize = Vector3d.All(headerPixel) });
    }

    private static Grid Roll(Grid g, int s)
    {
        var (nx, ny, nz) = (g.Shape.X, g.Shape.Y, g.Shape.Z);
        var output = new Grid(g.Shape, new float[g.Data.Length]);
        for (int z = 0; z < nz; z++)
            for (int y = 0; y < ny; y++)
                for (int x = 0; x < nx; x++)
                    output.Data[(((z + s) % nz) * ny + (y + s) % ny) * nx + (x + s) % nx] = g.Data[(z * ny
                        + y) * nx + x];
        return output;
    }
}
