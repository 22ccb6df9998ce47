using System.Globalization;
using System.Text;
using CryoMerge.Core.Ctf;
using CryoMerge.Core.Formats;
using CryoMerge.Core.Imaging;
using CryoMerge.Core.Simulation;
using MathNet.Numerics;

namespace CryoMerge.Core.Tests.Reconstruction;

/// <summary>One optics group of simulated particles: its pixel size, box and number of particles.</summary>
internal sealed record SimulatedGroup(double PixelSize, int Box, int Count);

/// <summary>
/// Particle stacks with known angles, origins and CTF, written as a RELION 3.1 project: the built-in phantom
/// rendered at each group's pixel size, projected as relion_project does (<see cref="FourierProjector"/>),
/// multiplied by its CTF (unless <c>ctf</c> is false; the STAR file has the CTF anyway), moved by minus its origin (so
/// that RELION's shift by the origin centres it) and given
/// white noise. Rows alternate between random subsets 1 and 2; groups follow each other in the file.
/// </summary>
internal static class SimulatedParticles
{
    public const double Voltage = 300, Cs = 2.7, AmplitudeContrast = 0.1;

    /// <summary>Writes DIR/Particles/groupN.mrcs and DIR/particles.star; returns the STAR file's path.</summary>
    public static string Write(IFftBackend fft, string dir, IReadOnlyList<SimulatedGroup> groups, int seed,
        double snr = 0.3, bool ctf = true)
    {
        var rng = new Random(seed);
        Directory.CreateDirectory(Path.Combine(dir, "Particles"));
        var star = new StringBuilder();
        star.Append(
            "# version 30001\n\ndata_optics\n\nloop_\n_rlnOpticsGroupName #1\n_rlnOpticsGroup #2\n_rlnVoltage " +
            "#3\n_rlnSphericalAberration #4\n")
            .Append("_rlnAmplitudeContrast #5\n_rlnImagePixelSize #6\n_rlnImageSize #7\n_rlnImageDimensionality #8\n");
        for (int g = 0; g < groups.Count; g++)
            star.Append(I($"opticsGroup{g + 1} {g + 1} {Voltage} {Cs} {AmplitudeContrast} "))
                .Append(I($"{groups[g].PixelSize} {groups[g].Box} 2\n"));
        star.Append(
            "\n\n# version 30001\n\ndata_particles\n\nloop_\n_rlnImageName #1\n_rlnAngleRot #2\n_rlnAngleTilt " +
            "#3\n_rlnAnglePsi #4\n")
            .Append("_rlnOriginXAngst #5\n_rlnOriginYAngst #6\n_rlnDefocusU #7\n_rlnDefocusV #8\n_rlnDefocusAngle " +
                "#9\n_rlnOpticsGroup #10\n_rlnRandomSubset #11\n");
        int row = 0;
        for (int g = 0; g < groups.Count; g++)
        {
            var (pixel, box, count) = groups[g];
            var projector = new FourierProjector(fft, Phantom.Default.Render(box, pixel));
            string stack = $"Particles/group{g + 1}.mrcs";
            using var writer = MrcWriter.Create(Path.Combine(dir, stack), new Shape3(box, box, count),
                new MrcWriteOptions { PixelSize = Vector3d.All(pixel), IsStack = true });
            var spectrum = new Complex32[(box / 2 + 1) * box];
            var values = new float[spectrum.Length];
            var image = new float[box * box];
            for (int i = 0; i < count; i++, row++)
            {
                var (rot, tilt, psi) = EulerAngles.Uniform(rng.NextDouble(), rng.NextDouble(), rng.NextDouble());
                double ox = (rng.NextDouble() * 2 - 1) * 3 * pixel, oy = (rng.NextDouble() * 2 - 1) * 3 * pixel;
                double du = 10000 + rng.NextDouble() * 15000, dv = du - rng.NextDouble() * 500,
                    angle = rng.NextDouble() * 180;
                projector.ProjectSpectrum(EulerAngles.ToMatrix(rot, tilt, psi), box, 1, spectrum);
                new CtfModel(new CtfParameters(du, dv, angle, Voltage, Cs, AmplitudeContrast)).FillHalfSpectrum(values,
                    box, box, pixel);
                if (ctf)
                    for (int k = 0; k < values.Length; k++) spectrum[k] *= values[k];
                projector.ToImage(spectrum, box, -ox / pixel, -oy / pixel, image);
                AddNoise(image, snr, rng);
                writer.WriteSection(i, image);
                star.Append(I($"{i + 1:D6}@{stack} {rot:0.######} {tilt:0.######} {psi:0.######} "))
                    .Append(I($"{ox:0.######} {oy:0.######} {du:0.##} {dv:0.##} {angle:0.##} {g + 1} {row % 2 + 1}\n"));
            }
            writer.Commit();
        }
        string path = Path.Combine(dir, "particles.star");
        File.WriteAllText(path, star.ToString());
        return path;
    }

    /// <summary>A copy of a STAR file holding only the particle rows that <paramref name="keep"/> accepts (by row
    /// number).</summary>
    public static string Subset(string star, string output, Func<int, bool> keep)
    {
        var file = StarFile.Read(star);
        file.Block("particles").RequireTable().RemoveRows(r => !keep(r));
        file.Write(output);
        return output;
    }

    /// <summary>
    /// The same particles as a RELION 3.0 file (one table; pixel size from rlnMagnification and
    /// rlnDetectorPixelSize, origins in pixels, voltage, Cs and amplitude contrast on every row). One optics group
    /// only.
    /// </summary>
    public static string ToRelion30(string star, string output)
    {
        var file = StarFile.Read(star);
        var optics = file.Block("optics").RequireTable();
        if (optics.RowCount != 1) throw new ArgumentException("one optics group only");
        double pixel = optics.GetDouble(0, RelionLabels.ImagePixelSize);
        var table = file.Block("particles").RequireTable();
        foreach (var (angst, px) in new[] { (RelionLabels.OriginXAngst, RelionLabels.OriginX),
            (RelionLabels.OriginYAngst, RelionLabels.OriginY) })
        {
            var column = table.Column(angst);
            table.AddColumn(px, r => StarValues.FormatDouble(column.GetDouble(r) / pixel));
            table.RemoveColumn(angst);
        }
        table.RemoveColumn(RelionLabels.OpticsGroup);
        table.AddColumn(RelionLabels.Voltage, I($"{Voltage}"));
        table.AddColumn(RelionLabels.SphericalAberration, I($"{Cs}"));
        table.AddColumn(RelionLabels.AmplitudeContrast, I($"{AmplitudeContrast}"));
        table.AddColumn(RelionLabels.Magnification, "10000");
        table.AddColumn(RelionLabels.DetectorPixelSize, StarValues.FormatDouble(pixel));
        var old = new StarFile();
        old.AddTableBlock("", table);
        old.Write(output);
        return output;
    }

    private static void AddNoise(float[] image, double snr, Random rng)
    {
        double sd = ImageStatistics.Of(image).StdDev, sigma = sd / Math.Sqrt(snr);
        for (int k = 0; k < image.Length; k++)
        {
            double u1 = 1 - rng.NextDouble(), u2 = rng.NextDouble();
            image[k] += (float)(sigma * Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2));
        }
    }

    private static string I(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
