using System.Globalization;
using System.Text;
using CryoMerge.Core.Formats;

namespace CryoMerge.Core.Tests.Merging;

/// <summary>
/// Two tiny RELION projects whose particles are round Gaussian blobs at known places, so that where a particle sits
/// in any extracted image is known exactly: DS1 (the reference) at 1.0 A/px, DS2 sampled at 1.3 A/px but processed at
/// a nominal 1.261 A/px. Each particle's STAR row is a known number of pixels off its blob, which its
/// rlnOriginX/YAngst (at the nominal pixel) takes back, as after a refinement. The plan gives both pixel sizes, so
/// no map is needed.
/// </summary>
internal sealed class BlobProjects
{
    public const double TruePixel2 = 1.3, NominalPixel2 = 1.261;
    public const int MicrographSize = 200, Blobs = 4;
    public const double Sigma = 1.5;

    /// <summary>A particle: its data set, micrograph name, true blob centre and the STAR row's coordinates and
    /// origins.</summary>
    public sealed record Particle(string DataSet, string Micrograph, double CentreX, double CentreY, double X, double Y,
        double OriginXAngst, double OriginYAngst);

    public List<Particle> Particles { get; } = [];

    public string PlanPath { get; }

    /// <param name="micrographFolder">Where each project keeps its micrographs: both projects use the same
    /// names.</param>
    /// <param name="method">1, 2 or 3.</param>
    public BlobProjects(string root, int method, string micrographFolder = "Micrographs", int micrographs = 2)
    {
        Write(root, "DS1", 1.0, 48, micrographFolder, micrographs);
        Write(root, "DS2", NominalPixel2, 38, micrographFolder, micrographs);
        PlanPath = Path.Combine(root, "plan.yaml");
        File.WriteAllText(PlanPath, $"""
            name: blobs
            output: merged
            method: {method}
            reference: DS1
            extraction:
              window: 48
              invert: false
              normalize: false
            datasets:
              - name: DS1
                micrographs: DS1/micrographs_ctf.star
                particles: DS1/particles.star
                pixelSize: 1.0
              - name: DS2
                micrographs: DS2/micrographs_ctf.star
                particles: DS2/particles.star
                nominalPixelSize: {F(NominalPixel2)}
                pixelSize: {F(TruePixel2)}

            """);
    }

    private void Write(string root, string name, double nominal, int box, string folder, int count)
    {
        string project = Path.Combine(root, name);
        Directory.CreateDirectory(Path.Combine(project, folder));
        var rng = new Random(name == "DS1" ? 11 : 22);
        var mics = new StringBuilder();
        var rows = new StringBuilder();
        for (int m = 1; m <= count; m++)
        {
            string mic = $"{folder}/mic{m:D6}.mrc";
            var data = new float[MicrographSize * MicrographSize];
            for (int b = 0; b < Blobs; b++)
            {
                // Blobs on a 2 x 2 grid, far enough apart that one box sees one blob, at sub-pixel positions.
                double cx = 50 + 100 * (b % 2) + rng.NextDouble(), cy = 50 + 100 * (b / 2) + rng.NextDouble();
                AddBlob(data, cx, cy);
                // The row is 3-8 pixels off the blob (either way); the origin says by how much, in A at the nominal
                // pixel.
                double x = cx + Offset(rng), y = cy + Offset(rng);
                double ox = Math.Round((Math.Truncate(x) - cx) * nominal, 6),
                    oy = Math.Round((Math.Truncate(y) - cy) * nominal, 6);
                Particles.Add(new Particle(name, mic, cx, cy, x, y, ox, oy));
                rows.Append(CultureInfo.InvariantCulture,
                    $"{x:0.000000} {y:0.000000} {ox:0.000000} {oy:0.000000} {mic} 1\n");
            }
            MrcWriter.WriteFile(Path.Combine(project, mic), new Shape3(MicrographSize, MicrographSize, 1), data,
                new MrcWriteOptions { PixelSize = Vector3d.All(nominal) });
            mics.Append(CultureInfo.InvariantCulture, $"{mic} 1 {12000 + 500 * m}.0 {11800 + 500 * m}.0 30.0 4.5\n");
        }
        string optics = $"""
            # version 30001

            data_optics

            loop_
            _rlnOpticsGroupName #1
            _rlnOpticsGroup #2
            _rlnMicrographPixelSize #3
            _rlnVoltage #4
            _rlnSphericalAberration #5
            _rlnAmplitudeContrast #6
            opticsGroup1 1 {F(nominal)} 300.0 2.7 0.1

            """;
        File.WriteAllText(Path.Combine(project, "micrographs_ctf.star"), optics + """

            # version 30001

            data_micrographs

            loop_
            _rlnMicrographName #1
            _rlnOpticsGroup #2
            _rlnDefocusU #3
            _rlnDefocusV #4
            _rlnDefocusAngle #5
            _rlnCtfMaxResolution #6

            """ + mics);
        File.WriteAllText(Path.Combine(project, "particles.star"), $"""
            # version 30001

            data_optics

            loop_
            _rlnOpticsGroupName #1
            _rlnOpticsGroup #2
            _rlnMicrographPixelSize #3
            _rlnVoltage #4
            _rlnSphericalAberration #5
            _rlnAmplitudeContrast #6
            _rlnImagePixelSize #7
            _rlnImageSize #8
            _rlnImageDimensionality #9
            opticsGroup1 1 {F(nominal)} 300.0 2.7 0.1 {F(nominal)} {box} 2

            # version 30001

            data_particles

            loop_
            _rlnCoordinateX #1
            _rlnCoordinateY #2
            _rlnOriginXAngst #3
            _rlnOriginYAngst #4
            _rlnMicrographName #5
            _rlnOpticsGroup #6

            """ + rows);
    }

    private static double Offset(Random rng) => (rng.Next(2) == 0 ? -1 : 1) * (3 + 5 * rng.NextDouble());

    private static void AddBlob(float[] data, double cx, double cy)
    {
        for (int y = 0; y < MicrographSize; y++)
            for (int x = 0; x < MicrographSize; x++)
            {
                double r2 = (x - cx) * (x - cx) + (y - cy) * (y - cy);
                if (r2 < 100 * Sigma * Sigma) data[y * MicrographSize + x] += (float)Math.Exp(-r2 / (2
                    * Sigma * Sigma));
            }
    }

    /// <summary>
    /// Where the blob is in an image, relative to the image's centre (N/2, N/2), in its pixels: the centroid of the
    /// positive values within 10 pixels of the brightest one.
    /// </summary>
    public static (double X, double Y) BlobOffset(float[] image, int n)
    {
        int peak = 0;
        for (int i = 1; i < image.Length; i++) if (image[i] > image[peak]) peak = i;
        double px = peak % n, py = peak / n, sum = 0, sx = 0, sy = 0, radius = 10;
        for (int y = 0; y < n; y++)
            for (int x = 0; x < n; x++)
            {
                double v = image[y * n + x];
                if (v <= 0 || (x - px) * (x - px) + (y - py) * (y - py) > radius * radius) continue;
                sum += v;
                sx += v * x;
                sy += v * y;
            }
        return (sx / sum - n / 2, sy / sum - n / 2);
    }

    private static string F(double v) => v.ToString("0.######", CultureInfo.InvariantCulture);
}
