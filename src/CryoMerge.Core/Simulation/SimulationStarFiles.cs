using System.Globalization;
using CryoMerge.Core.Formats;

namespace CryoMerge.Core.Simulation;

/// <summary>The RELION 3.1 STAR files of a simulated data set, with every pixel-dependent value at the nominal pixel size.</summary>
public static class SimulationStarFiles
{
    public const string OpticsGroupName = "opticsGroup1";

    /// <summary>micrographs_ctf.star as RELION's CtfFind job writes it (without CTF images).</summary>
    public static StarFile Micrographs(SimulationSettings s, IReadOnlyList<MicrographPlan> plans)
    {
        var file = new StarFile();
        var optics = OpticsTable(s, withImages: false);
        file.AddTableBlock("optics", optics, 30001);
        var table = new StarTable();
        string[] columns = [RelionLabels.MicrographName, RelionLabels.OpticsGroup, RelionLabels.DefocusU, RelionLabels.DefocusV,
            "rlnCtfAstigmatism", RelionLabels.DefocusAngle, "rlnCtfFigureOfMerit", "rlnCtfMaxResolution"];
        foreach (var c in columns) table.AddColumn(c, "");
        string maxResolution = F(Math.Max(3.0, 2.2 * s.NominalPixelSize));
        foreach (var m in plans)
        {
            var ctf = m.FittedCtf;
            table.AddRow(m.Name, "1", F(ctf.DefocusU), F(ctf.DefocusV), F(Math.Abs(ctf.DefocusU - ctf.DefocusV)), F(ctf.DefocusAngle),
                F(0.15), maxResolution);
        }
        file.AddTableBlock("micrographs", table, 30001);
        return file;
    }

    /// <summary>
    /// particles_truth.star: every particle with its true coordinates and angles, the sub-pixel part of its position as
    /// rlnOriginX/YAngst (at the nominal pixel, so that images extracted at the truncated coordinates are described
    /// exactly), the fitted CTF of its micrograph and alternating random halves. Usable as --coords for extract.
    /// </summary>
    public static StarFile Particles(SimulationSettings s, IReadOnlyList<MicrographPlan> plans)
    {
        var file = new StarFile();
        file.AddTableBlock("optics", OpticsTable(s, withImages: true), 30001);
        var table = new StarTable();
        string[] columns = [RelionLabels.CoordinateX, RelionLabels.CoordinateY, "rlnAngleRot", "rlnAngleTilt", "rlnAnglePsi",
            RelionLabels.OriginXAngst, RelionLabels.OriginYAngst, RelionLabels.MicrographName, RelionLabels.OpticsGroup,
            RelionLabels.DefocusU, RelionLabels.DefocusV, RelionLabels.DefocusAngle, RelionLabels.CtfBfactor, RelionLabels.CtfScalefactor,
            RelionLabels.PhaseShift, "rlnRandomSubset"];
        foreach (var c in columns) table.AddColumn(c, "");
        int n = 0;
        foreach (var m in plans)
        {
            var ctf = m.FittedCtf;
            foreach (var p in m.Particles)
            {
                // RELION extracts at the truncated coordinate and puts the particle at (centre - origin).
                double ox = 0.0 - (p.X - Math.Truncate(p.X)) * s.NominalPixelSize, oy = 0.0 - (p.Y - Math.Truncate(p.Y)) * s.NominalPixelSize;
                table.AddRow(F(p.X), F(p.Y), F(p.Rot), F(p.Tilt), F(p.Psi), F(ox), F(oy), m.Name, "1",
                    F(ctf.DefocusU), F(ctf.DefocusV), F(ctf.DefocusAngle), F(0), F(1), F(0), (n++ % 2 + 1).ToString(CultureInfo.InvariantCulture));
            }
        }
        file.AddTableBlock("particles", table, 30001);
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
            cells.Add((RelionLabels.ImageSize, s.Box.ToString(CultureInfo.InvariantCulture)));
            cells.Add((RelionLabels.ImageDimensionality, "2"));
        }
        foreach (var c in cells) t.AddColumn(c.Name, "");
        t.AddRow(cells.Select(c => c.Value).ToArray());
        return t;
    }

    private static string F(double v) => StarValues.FormatDouble(v);
}
