using System.Globalization;
using CryoMerge.Core.Analysis;
using CryoMerge.Core.Formats;
using CryoMerge.Core.Imaging;

namespace CryoMerge.Core.Simulation;

/// <summary>What the demo simulates: two data sets of one specimen at different pixel sizes, the second mislabelled.</summary>
/// <param name="ReferencePixelSize">Pixel size of data set I, true and nominal (A).</param>
/// <param name="TruePixelSize">Data set II's true pixel size on data set I's scale (A).</param>
/// <param name="NominalError">How far data set II's nominal pixel size is off (fraction; -0.03 = 3 % too small).</param>
/// <param name="Box">Final particle box of the merge (data set I's box, pixels).</param>
public sealed record DemoSettings(
    double ReferencePixelSize = 1.0,
    double TruePixelSize = 1.3,
    double NominalError = -0.03,
    int Micrographs = 6,
    int ParticlesPerMicrograph = 30,
    int MicrographSize = 1024,
    int Box = 96,
    double SpecimenSize = 64,
    long Seed = 1)
{
    /// <summary>The pixel size data set II was processed with (A).</summary>
    public double NominalPixelSize => Math.Round(TruePixelSize * (1 + NominalError), 4);
}

/// <summary>Where the demo's inputs are, and the truth to compare the merge with.</summary>
public sealed record DemoDataSets(string PlanPath, string Output, DemoSettings Settings, SimulationSummary Reference, SimulationSummary Other)
{
    /// <summary>
    /// Simulates both data sets with the built-in phantom (micrographs, CTF as a fit at the nominal pixel would
    /// report it, coordinates), gives each a map standing in for its own refinement (the phantom sampled at the
    /// data set's true pixel with independent noise, its own resolution and an offset, labelled with the nominal
    /// pixel size) and writes a method 2 merge plan. Deterministic for a seed.
    /// </summary>
    public static DemoDataSets Write(IFftBackend fft, string directory, DemoSettings settings, int threads = 0, Action<string>? progress = null,
        CancellationToken cancel = default)
    {
        var phantom = Phantom.Create(settings.SpecimenSize);
        string dir = Path.GetFullPath(directory);
        var common = new SimulationSettings
        {
            Micrographs = settings.Micrographs,
            ParticlesPerMicrograph = settings.ParticlesPerMicrograph,
            MicrographWidth = settings.MicrographSize,
            MicrographHeight = settings.MicrographSize,
            DefocusMin = 8000,
            DefocusMax = 20000,
            Snr = 0.1,
        };
        double p1 = settings.ReferencePixelSize, p2 = settings.TruePixelSize, n2 = settings.NominalPixelSize;
        int box2 = 2 * (int)Math.Ceiling(settings.Box * p1 / p2 / 2);
        progress?.Invoke("simulating data set DS1");
        var ds1 = SimulatedDataSet.Write(fft, phantom, "phantom", common with { TruePixelSize = p1, NominalPixelSize = p1, Box = settings.Box, Seed = settings.Seed },
            Path.Combine(dir, "DS1"), threads, cancel: cancel);
        progress?.Invoke("simulating data set DS2");
        var ds2 = SimulatedDataSet.Write(fft, phantom, "phantom", common with { TruePixelSize = p2, NominalPixelSize = n2, Box = box2, Seed = settings.Seed + 1, MicrographStem = "ds2_mic" },
            Path.Combine(dir, "DS2"), threads, cancel: cancel);
        progress?.Invoke("making each data set's map");
        WriteMap(fft, phantom, Path.Combine(dir, "DS1", "map.mrc"), settings.Box, p1, p1, resolution: 6, shift: 0, seed: settings.Seed);
        WriteMap(fft, phantom, Path.Combine(dir, "DS2", "map.mrc"), box2 + 8, p2, n2, resolution: 7, shift: 3, seed: settings.Seed + 1);
        string output = Path.Combine(dir, "merged");
        string planPath = Path.Combine(dir, "plan.yaml");
        OutputFiles.WriteAllText(planPath, PlanYaml(settings, phantom.Diameter));
        return new DemoDataSets(planPath, output, settings, ds1, ds2);
    }

    /// <summary>
    /// The phantom sampled at <paramref name="truePixel"/> (rendered twice as fine and Fourier-cropped, so nothing
    /// aliases), moved by <paramref name="shift"/> voxels along each axis, with white noise of 0.3 of its standard
    /// deviation and a low-pass at <paramref name="resolution"/> A; the header says <paramref name="headerPixel"/>.
    /// </summary>
    private static void WriteMap(IFftBackend fft, Phantom phantom, string path, int box, double truePixel, double headerPixel, double resolution, int shift, long seed)
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
                    output.Data[(((z + s) % nz) * ny + (y + s) % ny) * nx + (x + s) % nx] = g.Data[(z * ny + y) * nx + x];
        return output;
    }

    private static string PlanYaml(DemoSettings s, double diameter) => string.Create(CultureInfo.InvariantCulture, $"""
        # Written by cryomerge demo: data set DS2 was recorded at {s.TruePixelSize} A/px on DS1's scale but processed
        # at {s.NominalPixelSize} A/px. The merge finds its pixel size from the two maps and re-extracts it (method 2).
        name: demo
        output: merged
        method: 2
        reference: DS1
        particleDiameter: {diameter:0.#}
        expectedResolution: 6
        extraction:
          window: {s.Box}
        datasets:
          - name: DS1
            micrographs: DS1/{SimulatedDataSet.MicrographsStarName}
            particles: DS1/{SimulatedDataSet.ParticlesStarName}
            map: DS1/map.mrc
          - name: DS2
            micrographs: DS2/{SimulatedDataSet.MicrographsStarName}
            particles: DS2/{SimulatedDataSet.ParticlesStarName}
            map: DS2/map.mrc

        """);
}
