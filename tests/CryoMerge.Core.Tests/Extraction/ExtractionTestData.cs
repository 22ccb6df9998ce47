using System.Globalization;
using CryoMerge.Core.Formats;
using CryoMerge.Core.Imaging;
using CryoMerge.Core.Simulation;
using CryoMerge.Tests;

namespace CryoMerge.Core.Tests.Extraction;

/// <summary>
/// A small simulated data set for extraction tests: three 512 x 512 micrographs at 2 A/px (header 2.1 A/px, as a
/// miscalibrated microscope writes), a dozen phantom particles each, plus RELION coordinate files
/// (coords/Micrographs/micNNNNNN_ext.star) that add particles hanging over every edge and corner.
/// </summary>
public sealed class ExtractionTestData : IDisposable
{
    public const string CoordDir = "coords/";
    public const string CoordSuffix = "_ext.star";

    public static readonly IFftBackend Fft = FftBackends.Create();

    public ExtractionTestData(int micrographs = 3, int particles = 12)
    {
        Settings = new SimulationSettings
        {
            TruePixelSize = 2.0,
            NominalPixelSize = 2.1,
            Micrographs = micrographs,
            ParticlesPerMicrograph = particles,
            MicrographWidth = 512,
            MicrographHeight = 480,
            Box = 64,
            Snr = 0.5,
            Seed = 7,
        };
        Summary = SimulatedDataSet.Write(Fft, Phantom.Default, "phantom", Settings, Dir.Path, threads: 2);
        foreach (var m in Summary.Micrographs) WriteCoordinates(m.Name);
    }

    public TempDir Dir { get; } = new();

    public SimulationSettings Settings { get; }

    public SimulationSummary Summary { get; }

    public string MicrographsStar => Summary.MicrographsStar;

    /// <summary>Particles whose boxes hang over the edges (x, y in micrograph pixels, some negative or
    /// fractional).</summary>
    public static readonly (double X, double Y)[] EdgeParticles =
        [(3.7, 240.2), (508.9, 100.5), (250.0, 1.0), (300.25, 478.75), (-10.6, -12.3), (520.4, 490.9), (0.0, 479.0)];

    private void WriteCoordinates(string micrographName)
    {
        var truth = StarFile.Read(Path.Combine(Dir.Path,
            SimulatedDataSet.CoordinateFileName(micrographName))).Blocks[0].RequireTable();
        var c = CultureInfo.InvariantCulture;
        var lines = new List<string> { "", "data_", "", "loop_", "_rlnCoordinateX #1", "_rlnCoordinateY #2",
            "_rlnAutopickFigureOfMerit #3" };
        for (int r = 0; r < truth.RowCount; r++)
            lines.Add(string.Create(c,
                $"{truth.GetDouble(r, "rlnCoordinateX")} {truth.GetDouble(r, "rlnCoordinateY")} {0.5 + r * 0.01}"));
        foreach (var (x, y) in EdgeParticles) lines.Add(string.Create(c, $"{x} {y} 0.1"));
        string path = Path.Combine(Dir.Path, CoordDir, Path.ChangeExtension(micrographName, null) + CoordSuffix);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, string.Join("\n", lines) + "\n");
    }

    public void Dispose() => Dir.Dispose();
}
