using CryoMerge.Core.Formats;

namespace CryoMerge.Core.Simulation;

/// <summary>
/// The RELION 3.1 STAR files of a simulated data set, with every pixel-dependent value at the nominal pixel size.
/// They are streamed: the micrographs' plans are drawn again from the seed as rows are written, so a million
/// particles take no more memory than a few.
/// </summary>
public static class SimulationStarFiles
{
    public const string OpticsGroupName = "opticsGroup1";

    private static readonly string[] MicrographColumns =
    [
        RelionLabels.MicrographName, RelionLabels.OpticsGroup, RelionLabels.DefocusU, RelionLabels.DefocusV,
        "rlnCtfAstigmatism", RelionLabels.DefocusAngle, "rlnCtfFigureOfMerit", "rlnCtfMaxResolution",
    ];

    private static readonly string[] ParticleColumns =
    [
        RelionLabels.CoordinateX, RelionLabels.CoordinateY, "rlnAngleRot", "rlnAngleTilt", "rlnAnglePsi",
        RelionLabels.OriginXAngst, RelionLabels.OriginYAngst, RelionLabels.MicrographName, RelionLabels.OpticsGroup,
        RelionLabels.DefocusU, RelionLabels.DefocusV, RelionLabels.DefocusAngle, RelionLabels.CtfBfactor,
        RelionLabels.CtfScalefactor,
        RelionLabels.PhaseShift, "rlnRandomSubset",
    ];

    /// <summary>micrographs_ctf.star as RELION's CtfFind job writes it (without CTF images).</summary>
    public static void WriteMicrographs(string path, SimulationSettings s, IEnumerable<MicrographPlan> plans)
    {
        double maxResolution = Math.Max(3.0, 2.2 * s.NominalPixelSize);
        StarLoopStream.Write(path, Head(s, withImages: false), "micrographs", 30001, MicrographColumns, rows =>
        {
            foreach (var m in plans)
            {
                var ctf = m.FittedCtf;
                rows.Text(m.Name);
                rows.Text("1");
                rows.Number(ctf.DefocusU);
                rows.Number(ctf.DefocusV);
                rows.Number(Math.Abs(ctf.DefocusU - ctf.DefocusV));
                rows.Number(ctf.DefocusAngle);
                rows.Number(0.15);
                rows.Number(maxResolution);
                rows.EndRow();
            }
        });
    }

    /// <summary>
    /// particles_truth.star: every particle with its true coordinates and angles, the sub-pixel part of its position as
    /// rlnOriginX/YAngst (at the nominal pixel, so that images extracted at the truncated coordinates are described
    /// exactly), the fitted CTF of its micrograph and alternating random halves. Usable as --coords for extract.
    /// </summary>
    public static void WriteParticles(string path, SimulationSettings s, IEnumerable<MicrographPlan> plans)
    {
        StarLoopStream.Write(path, Head(s, withImages: true), "particles", 30001, ParticleColumns, rows =>
        {
            long n = 0;
            foreach (var m in plans)
            {
                var ctf = m.FittedCtf;
                foreach (var p in m.Particles)
                {
                    // RELION extracts at the truncated coordinate and puts the particle at (centre - origin).
                    double ox = 0.0 - (p.X - Math.Truncate(p.X)) * s.NominalPixelSize,
                        oy = 0.0 - (p.Y - Math.Truncate(p.Y)) * s.NominalPixelSize;
                    rows.Number(p.X);
                    rows.Number(p.Y);
                    rows.Number(p.Rot);
                    rows.Number(p.Tilt);
                    rows.Number(p.Psi);
                    rows.Number(ox);
                    rows.Number(oy);
                    rows.Text(m.Name);
                    rows.Text("1");
                    rows.Number(ctf.DefocusU);
                    rows.Number(ctf.DefocusV);
                    rows.Number(ctf.DefocusAngle);
                    rows.Number(0);
                    rows.Number(1);
                    rows.Number(0);
                    rows.Integer(n++ % 2 + 1);
                    rows.EndRow();
                }
            }
        });
    }

    /// <summary>The file before its big loop: the optics table.</summary>
    private static StarFile Head(SimulationSettings s, bool withImages)
    {
        var file = new StarFile();
        file.AddTableBlock("optics", OpticsTable(s, withImages), 30001);
        return file;
    }

    private static StarTable OpticsTable(SimulationSettings s, bool withImages)
    {
        var t = new StarTable();
        var cells = new List<(string Name, string Value)>
        {
            (RelionLabels.OpticsGroupName, OpticsGroupName),
            (RelionLabels.OpticsGroup, "1"),
            (RelionLabels.MicrographOriginalPixelSize, F(s.NominalPixelSize)),
            (RelionLabels.Voltage, F(s.Voltage)),
            (RelionLabels.SphericalAberration, F(s.SphericalAberration)),
            (RelionLabels.AmplitudeContrast, F(s.AmplitudeContrast)),
            (RelionLabels.MicrographPixelSize, F(s.NominalPixelSize)),
        };
        if (withImages)
        {
            cells.Add((RelionLabels.ImagePixelSize, F(s.NominalPixelSize)));
            cells.Add((RelionLabels.ImageSize, s.Box.ToString(System.Globalization.CultureInfo.InvariantCulture)));
            cells.Add((RelionLabels.ImageDimensionality, "2"));
        }
        foreach (var c in cells) t.AddColumn(c.Name, "");
        t.AddRow(cells.Select(c => c.Value).ToArray());
        return t;
    }

    private static string F(double v) => StarValues.FormatDouble(v);
}
