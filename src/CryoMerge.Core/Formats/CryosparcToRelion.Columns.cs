using System.Globalization;
using System.Text;

namespace CryoMerge.Core.Formats;

/// <summary>The columns of <see cref="CryosparcToRelion"/>'s STAR file, slot by slot.</summary>
public static partial class CryosparcToRelion
{
    private static void AddLocation(CryosparcFile cs, StarTable table, CryosparcImportOptions options, string export,
        Action<string, string> use)
    {
        int n = cs.RowCount;
        if (cs.TryColumn(CryosparcFields.LocationMicrographPath) is { } mic)
        {
            var (names, nameOfRow) = DistinctNames(mic,
                raw => CryosparcPaths.ToRelion(raw, options.ProjectDirectory, export));
            var quoted = names.Select(b => StarColumnBuilder.NeedsQuotes(b)
                ? Encoding.UTF8.GetBytes(StarValues.Quote(Encoding.UTF8.GetString(b))) : b).ToList();
            table.AddParsedColumn(StarColumnBuilder.Build(RelionLabels.MicrographName, n,
                (c, r) => c.AddRaw(quoted[nameOfRow[r]])));
            use(CryosparcFields.LocationMicrographPath, RelionLabels.MicrographName);
        }
        if (cs.TryColumn(CryosparcFields.LocationCenterX) is { } fx
            && cs.TryColumn(CryosparcFields.LocationCenterY) is { } fy
            && cs.TryColumn(CryosparcFields.LocationMicrographShape) is { Field.Count: 2 } shape)
        {
            // Shape is [ny, nx]. A float32 fraction of an 8000-pixel micrograph is good to 5e-4 px, so a
            // whole-pixel pick can come out as 299.99998, which RELION would truncate to 299: positions within
            // 1e-3 px of a whole pixel are snapped to it; others keep 4 decimals.
            var xy = StarColumnBuilder.Build([RelionLabels.CoordinateX, RelionLabels.CoordinateY], n, (c, r) =>
            {
                c[0].Add(Snap(fx.GetSingle(r) * (double)shape.GetInt64(r, 1)));
                c[1].Add(Snap(fy.GetSingle(r) * (double)shape.GetInt64(r, 0)));
            });
            table.AddParsedColumn(xy[0]);
            table.AddParsedColumn(xy[1]);
            use(CryosparcFields.LocationCenterX, RelionLabels.CoordinateX);
            use(CryosparcFields.LocationCenterY, RelionLabels.CoordinateY);
            use(CryosparcFields.LocationMicrographShape, $"{RelionLabels.CoordinateX}, {RelionLabels.CoordinateY}");
        }
    }

    private static void AddCtf(CryosparcFile cs, StarTable table, Action<string, string> use, List<string> notes)
    {
        int n = cs.RowCount;
        if (cs.TryColumn(CryosparcFields.CtfDefocus1) is not { } df1
            || cs.TryColumn(CryosparcFields.CtfDefocus2) is not { } df2)
        {
            notes.Add("no CTF (ctf/df1_A, ctf/df2_A): the STAR file has no defocus");
            return;
        }
        table.AddParsedColumn(Floats(RelionLabels.DefocusU, n, r => df1.GetSingle(r)));
        table.AddParsedColumn(Floats(RelionLabels.DefocusV, n, r => df2.GetSingle(r)));
        use(CryosparcFields.CtfDefocus1, RelionLabels.DefocusU);
        use(CryosparcFields.CtfDefocus2, RelionLabels.DefocusV);
        if (cs.TryColumn(CryosparcFields.CtfDefocusAngle) is { } angle)
        {
            table.AddParsedColumn(Doubles(RelionLabels.DefocusAngle, n, r => angle.GetSingle(r) * Degrees));
            use(CryosparcFields.CtfDefocusAngle, $"{RelionLabels.DefocusAngle} (degrees)");
        }
        var phase = cs.TryColumn(CryosparcFields.CtfPhaseShift);
        if (phase is not null && Any(n, r => phase.GetSingle(r) != 0))
        {
            table.AddParsedColumn(Doubles(RelionLabels.PhaseShift, n, r => phase.GetSingle(r) * Degrees));
            use(CryosparcFields.CtfPhaseShift, $"{RelionLabels.PhaseShift} (degrees)");
        }
        else if (phase is not null) use(CryosparcFields.CtfPhaseShift, $"{RelionLabels.PhaseShift} (0, left out)");
        var bfactor = cs.TryColumn(CryosparcFields.CtfBfactor);
        if (bfactor is not null && Any(n, r => bfactor.GetSingle(r) != 0))
        {
            table.AddParsedColumn(Floats(RelionLabels.CtfBfactor, n, r => bfactor.GetSingle(r)));
            use(CryosparcFields.CtfBfactor, RelionLabels.CtfBfactor);
        }
        else if (bfactor is not null) use(CryosparcFields.CtfBfactor, $"{RelionLabels.CtfBfactor} (0, left out)");
        var scale = cs.TryColumn(CryosparcFields.CtfScale);
        if (scale is not null && Any(n, r => scale.GetSingle(r) != 1))
        {
            table.AddParsedColumn(Floats(RelionLabels.CtfScalefactor, n, r => scale.GetSingle(r)));
            use(CryosparcFields.CtfScale, RelionLabels.CtfScalefactor);
        }
        else if (scale is not null) use(CryosparcFields.CtfScale, $"{RelionLabels.CtfScalefactor} (1, left out)");
    }

    private static void AddAlignments(CryosparcFile cs, string slot, StarTable table, Action<string, string> use,
        List<string> notes)
    {
        int n = cs.RowCount;
        var pose = cs.Data.Column(slot + CryosparcFields.Pose);
        var shift = cs.Data.Column(slot + CryosparcFields.Shift);
        var psize = cs.TryColumn(slot + CryosparcFields.AlignmentPixelSize)
            ?? cs.TryColumn(CryosparcFields.BlobPixelSize)
            ?? throw new CryoMergeInputException(cs.Path,
                $"has shifts but neither {slot}psize_A nor blob/psize_A to give them in Angstrom");
        if (!cs.Has(slot + CryosparcFields.AlignmentPixelSize))
            notes.Add($"no {slot}psize_A: shifts taken as pixels of blob/psize_A");
        if (slot == CryosparcFields.Alignments3D)
        {
            var angles = StarColumnBuilder.Build(["rlnAngleRot", "rlnAngleTilt", "rlnAnglePsi"], n, (c, r) =>
            {
                var e = CryosparcPose.EulerFromPose(
                    pose.GetSingle(r, 0), pose.GetSingle(r, 1), pose.GetSingle(r, 2));
                c[0].Add(e.Rot);
                c[1].Add(e.Tilt);
                c[2].Add(e.Psi);
            });
            foreach (var column in angles) table.AddParsedColumn(column);
            use(slot + CryosparcFields.Pose,
                "rlnAngleRot, rlnAngleTilt, rlnAnglePsi (ZYZ degrees of the transposed rotation)");
        }
        else
        {
            table.AddParsedColumn(Doubles("rlnAnglePsi", n, r => pose.GetSingle(r) * Degrees));
            use(slot + CryosparcFields.Pose, "rlnAnglePsi (degrees)");
        }
        // float32 x float32 is exact in double, so dividing by the same pixel size gives the float32 shift back.
        table.AddParsedColumn(Doubles(RelionLabels.OriginXAngst, n,
            r => (double)shift.GetSingle(r, 0) * psize.GetSingle(r)));
        table.AddParsedColumn(Doubles(RelionLabels.OriginYAngst, n,
            r => (double)shift.GetSingle(r, 1) * psize.GetSingle(r)));
        use(slot + CryosparcFields.Shift, $"{RelionLabels.OriginXAngst}, {RelionLabels.OriginYAngst} (x {psize.Name})");
        if (cs.Has(slot + CryosparcFields.AlignmentPixelSize))
            use(slot + CryosparcFields.AlignmentPixelSize, "the shifts' unit");
        if (cs.TryColumn(slot + CryosparcFields.Class) is { } cls)
        {
            table.AddParsedColumn(StarColumnBuilder.Build("rlnClassNumber", n,
                (c, r) => c.Add(cls.GetInt64(r) + 1)));
            use(slot + CryosparcFields.Class, "rlnClassNumber (+1)");
        }
        if (cs.TryColumn(slot + CryosparcFields.Split) is { } split)
        {
            long first = split.GetInt64(0);
            if (Any(n, r => split.GetInt64(r) != first))
            {
                table.AddParsedColumn(StarColumnBuilder.Build("rlnRandomSubset", n,
                    (c, r) => c.Add(split.GetInt64(r) + 1)));
                use(slot + CryosparcFields.Split, "rlnRandomSubset (+1)");
            }
            else
            {
                use(slot + CryosparcFields.Split, "rlnRandomSubset (one half only, left out)");
                notes.Add($"every particle is in half set {first} ({slot}split): rlnRandomSubset left out, "
                          + "so that RELION makes its own halves");
            }
        }
    }

    private static StarTable OpticsTable(CryosparcFile cs, IReadOnlyList<CryosparcOpticsGroup> groups,
        Action<string, string> use)
    {
        bool images = cs.Has(CryosparcFields.BlobPixelSize), box = cs.Has(CryosparcFields.BlobShape);
        bool ctf = cs.Has(CryosparcFields.CtfVoltage) && cs.Has(CryosparcFields.CtfCs)
            && cs.Has(CryosparcFields.CtfAmplitudeContrast);
        bool tilt = groups.Any(g => g.BeamTiltX != 0 || g.BeamTiltY != 0);
        bool mag = groups.Any(g => g.MagMatrix is not [1, 0, 0, 1]);
        var t = new StarTable();
        var columns = new List<(string Name, Func<CryosparcOpticsGroup, string> Cell)>
        {
            (RelionLabels.OpticsGroupName, g => StarValues.Quote(g.Name)),
            (RelionLabels.OpticsGroup, g => I(g.Number)),
        };
        if (images) columns.Add((RelionLabels.ImagePixelSize, g => F(g.PixelSize)));
        if (box) columns.Add((RelionLabels.ImageSize, g => I(g.Box)));
        columns.Add((RelionLabels.ImageDimensionality, _ => "2"));
        if (ctf)
        {
            columns.Add((RelionLabels.Voltage, g => F(g.Voltage)));
            columns.Add((RelionLabels.SphericalAberration, g => F(g.Cs)));
            columns.Add((RelionLabels.AmplitudeContrast, g => F(g.AmplitudeContrast)));
            use(CryosparcFields.CtfVoltage, $"{RelionLabels.Voltage} (optics)");
            use(CryosparcFields.CtfCs, $"{RelionLabels.SphericalAberration} (optics)");
            use(CryosparcFields.CtfAmplitudeContrast, $"{RelionLabels.AmplitudeContrast} (optics)");
        }
        if (tilt)
        {
            columns.Add((RelionLabels.BeamTiltX, g => D(g.BeamTiltX)));
            columns.Add((RelionLabels.BeamTiltY, g => D(g.BeamTiltY)));
            use(CryosparcFields.CtfTilt, "rlnBeamTiltX, rlnBeamTiltY (mrad = tilt_A / Cs)");
        }
        else if (cs.Has(CryosparcFields.CtfTilt)) use(CryosparcFields.CtfTilt, "no beam tilt (0, left out)");
        if (mag)
        {
            string[] names = ["rlnMagMat00", "rlnMagMat01", "rlnMagMat10", "rlnMagMat11"];
            for (int i = 0; i < 4; i++)
            {
                int k = i;
                columns.Add((names[i], g => D(g.MagMatrix[k])));
            }
            use(CryosparcFields.CtfAnisoMag, "rlnMagMat00..11 (identity + anisomag)");
        }
        else if (cs.Has(CryosparcFields.CtfAnisoMag))
            use(CryosparcFields.CtfAnisoMag, "no anisotropic magnification (0, left out)");
        foreach (var c in columns) t.AddColumn(c.Name, "");
        foreach (var g in groups) t.AddRow(columns.Select(c => c.Cell(g)).ToArray());
        return t;
    }

    private static StarColumn Floats(string name, int n, Func<int, float> value) =>
        StarColumnBuilder.Build(name, n, (c, r) => c.Add(value(r)));

    private static StarColumn Doubles(string name, int n, Func<int, double> value) =>
        StarColumnBuilder.Build(name, n, (c, r) => c.Add(value(r)));

    private static double Snap(double pixels)
    {
        double whole = Math.Round(pixels);
        return Math.Abs(pixels - whole) < 1e-3 ? whole : Math.Round(pixels, 4);
    }

    private static bool Any(int n, Func<int, bool> test)
    {
        for (int r = 0; r < n; r++) if (test(r)) return true;
        return false;
    }

    private static string F(float v) => v.ToString(CultureInfo.InvariantCulture);

    private static string D(double v) => v.ToString(CultureInfo.InvariantCulture);

    private static string I(long v) => v.ToString(CultureInfo.InvariantCulture);
}
