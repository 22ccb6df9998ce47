using System.Globalization;
using System.Text;

namespace CryoMerge.Core.Formats;

/// <summary>Where the names in a .cs file are relative to (see <see cref="CryosparcPaths"/>).</summary>
/// <param name="ProjectDirectory">The cryoSPARC project folder; null keeps names relative to it.</param>
/// <param name="ExportDirectory">Folder of '>' names; null: the .cs file's own folder.</param>
public sealed record CryosparcImportOptions(string? ProjectDirectory = null, string? ExportDirectory = null);

/// <summary>What a .cs to STAR conversion did: optics groups, fields converted and left out, and notes for the user.</summary>
public sealed record CryosparcImportReport(string Input, int Rows, CryosparcDataKind Kind, string? Alignments,
    IReadOnlyList<CryosparcOpticsGroup> OpticsGroups, IReadOnlyList<string> Converted, IReadOnlyList<string> LeftOut,
    IReadOnlyList<string> Notes, float BlobSign);

/// <summary>
/// A cryoSPARC particle dataset as a RELION 3.1+ particle STAR file (data_optics + data_particles). Field by field
/// (units in brackets; see <see cref="CryosparcPose"/> for the pose and shift conventions and
/// <see cref="CryosparcOptics"/> for optics groups):
/// <list type="bullet">
/// <item>blob/idx [0-based], blob/path -> rlnImageName "idx+1@path", the path resolved by <see cref="CryosparcPaths"/>.</item>
/// <item>blob/psize_A [A] -> rlnImagePixelSize, blob/shape [px] -> rlnImageSize (optics).</item>
/// <item>location/micrograph_path -> rlnMicrographName; location/center_x_frac, center_y_frac [fraction] x
///   location/micrograph_shape [ny, nx] -> rlnCoordinateX, rlnCoordinateY [px] (snapped to a whole pixel within
///   1e-3 px, else to 4 decimals: float32 noise), with no Y flip: the fractions are
///   positions in the micrograph file the .cs names, read as RELION reads it (pyem flips Y by default because it
///   assumes micrographs from RELION's or MotionCor2's motion correction, which cryoSPARC's Patch Motion output is
///   flipped against; Scipion's cryoSPARC plug-in undoes that flip for cryoSPARC's own micrographs).</item>
/// <item>ctf/df1_A, df2_A [A] -> rlnDefocusU, rlnDefocusV; ctf/df_angle_rad [rad] -> rlnDefocusAngle [deg];
///   ctf/phase_shift_rad [rad] -> rlnPhaseShift [deg]; ctf/bfactor [A^2] -> rlnCtfBfactor; ctf/scale ->
///   rlnCtfScalefactor (each only when not all neutral).</item>
/// <item>ctf/accel_kv [kV], cs_mm [mm], amp_contrast -> rlnVoltage, rlnSphericalAberration, rlnAmplitudeContrast
///   (optics); ctf/tilt_A [A] -> rlnBeamTiltX/Y [mrad] = tilt_A / Cs; ctf/anisomag -> rlnMagMat00..11 = identity +
///   anisomag (optics; only when not zero). ctf/shift_A, trefoil_A, tetra_A have no RELION label of the same
///   meaning and are left out (listed in the report): refine higher-order aberrations again in RELION.</item>
/// <item>ctf/exp_group_id -> rlnOpticsGroup 1..N and rlnOpticsGroupName exp_group_ID.</item>
/// <item>alignments3D/pose [rotation vector, rad] -> rlnAngleRot, rlnAngleTilt, rlnAnglePsi [deg];
///   alignments2D/pose [rad] -> rlnAnglePsi [deg]; alignments*/shift [px of alignments*/psize_A] ->
///   rlnOriginXAngst, rlnOriginYAngst [A]; alignments*/class [0-based] -> rlnClassNumber; alignments*/split
///   [0, 1] -> rlnRandomSubset [1, 2] (left out when every particle is in one half, which RELION would refuse).</item>
/// </list>
/// Converted numbers are written in their shortest exact form, so that a .cs written back from the STAR file holds
/// the same float32 poses, shifts and CTF values. Every other field (uid, blob/sign, the alignment statistics, ...)
/// is listed in the report as left out.
/// </summary>
public static class CryosparcToRelion
{
    private const double Degrees = 180 / Math.PI;

    public static (StarFile Star, CryosparcImportReport Report) Convert(CryosparcFile cs, CryosparcImportOptions? options = null)
    {
        options ??= new CryosparcImportOptions();
        var kind = cs.Kind;
        if (kind is not (CryosparcDataKind.Particles or CryosparcDataKind.Picks))
            throw new CryoMergeInputException(cs.Path, kind == CryosparcDataKind.Exposures
                ? "holds micrographs or movies, not particles; give a particle .cs file (from an extraction, classification or refinement job)"
                : "holds neither particle images (blob/path) nor particle locations (location/*)");
        if (cs.RowCount == 0) throw new CryoMergeInputException(cs.Path, "holds no particles");
        string exportDirectory = options.ExportDirectory ?? Path.GetDirectoryName(cs.Path) ?? "";
        int n = cs.RowCount;
        var (groupOfRow, groups, optionsNotes) = CryosparcOptics.Assign(cs);
        var notes = new List<string>(optionsNotes);
        var converted = new List<string>();
        var used = new HashSet<string>(StringComparer.Ordinal) { CryosparcFields.CtfExposureGroup };
        var table = new StarTable();
        void Use(string field, string to)
        {
            used.Add(field);
            converted.Add($"{field} -> {to}");
        }

        if (kind == CryosparcDataKind.Particles)
        {
            var path = cs.Require(CryosparcFields.BlobPath, "rlnImageName");
            var idx = cs.Require(CryosparcFields.BlobIndex, "rlnImageName");
            table.AddParsedColumn(ImageNames(path, idx, options.ProjectDirectory, exportDirectory));
            Use(CryosparcFields.BlobPath, RelionLabels.ImageName);
            Use(CryosparcFields.BlobIndex, RelionLabels.ImageName);
            if (cs.Has(CryosparcFields.BlobPixelSize)) Use(CryosparcFields.BlobPixelSize, RelionLabels.ImagePixelSize);
            else notes.Add($"no {CryosparcFields.BlobPixelSize}: the optics table has no image pixel size; give one to RELION yourself");
            if (cs.Has(CryosparcFields.BlobShape)) Use(CryosparcFields.BlobShape, RelionLabels.ImageSize);
        }
        AddLocation(cs, table, options, exportDirectory, Use);
        AddCtf(cs, table, Use, notes);

        table.AddParsedColumn(StarColumnBuilder.Build(RelionLabels.OpticsGroup, n, (c, r) => c.Add(groupOfRow[r] + 1L)));

        string? slot = cs.AlignmentSlot;
        if (slot is not null) AddAlignments(cs, slot, table, Use, notes);
        else if (kind == CryosparcDataKind.Particles)
            notes.Add("no alignments3D or alignments2D poses: the STAR file has no angles or origins");
        foreach (var other in cs.OtherAlignmentSlots)
            notes.Add($"{other} (alignments of one class of several) is not converted; select the particles of one class in cryoSPARC first");

        var star = new StarFile();
        star.AddTableBlock("optics", OpticsTable(cs, groups, Use), 30001);
        star.AddTableBlock("particles", table, 30001);

        if (cs.TryColumn(CryosparcFields.BlobSign) is { } sign && n > 0 && sign.GetSingle(0) < 0 && kind == CryosparcDataKind.Particles)
            notes.Add("blob/sign is -1: the stacks hold dark particles on a light background (cryoSPARC's raw contrast); RELION expects " +
                      "white particles, so invert the stacks (relion_image_handler --multiply_constant -1) before refining them in RELION");
        bool relative = (cs.TryColumn(CryosparcFields.BlobPath) ?? cs.TryColumn(CryosparcFields.LocationMicrographPath)) is { } names
            && names.GetString(0) is { Length: > 0 } first && first[0] != CryosparcPaths.ExportPrefix && !Path.IsPathRooted(first);
        if (relative && options.ProjectDirectory is null)
            notes.Add("file names are relative to the cryoSPARC project folder; run RELION from that folder, or convert with the project folder given");
        var leftOut = cs.Data.Columns.Where(c => !c.Field.IsPadding && !used.Contains(c.Name)).Select(c => c.Name).ToList();
        var report = new CryosparcImportReport(cs.Path, n, kind, slot?.TrimEnd('/'), groups, converted, leftOut, notes,
            cs.TryColumn(CryosparcFields.BlobSign) is { } s && n > 0 ? s.GetSingle(0) : 1);
        return (star, report);
    }

    private static StarColumn ImageNames(NpyColumn path, NpyColumn idx, string? project, string? export)
    {
        var (names, nameOfRow) = DistinctNames(path, raw => CryosparcPaths.ToRelion(raw, project, export));
        return StarColumnBuilder.Build(RelionLabels.ImageName, path.RowCount,
            (column, r) => column.AddImageName((long)idx.GetUInt64(r) + 1, names[nameOfRow[r]]));
    }

    /// <summary>
    /// The distinct values of a string field, converted once each (as UTF-8), and each row's index into them: rows of
    /// one stack or micrograph follow each other, so most rows cost one comparison with the row before.
    /// </summary>
    private static (List<byte[]> Names, int[] NameOfRow) DistinctNames(NpyColumn column, Func<string, string> convert)
    {
        var names = new List<byte[]>();
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        var nameOfRow = new int[column.RowCount];
        byte[] lastRaw = [];
        int last = -1;
        for (int r = 0; r < column.RowCount; r++)
        {
            var raw = column.GetUtf8(r);
            if (last < 0 || !raw.SequenceEqual(lastRaw))
            {
                lastRaw = raw.ToArray();
                string text = Encoding.UTF8.GetString(raw);
                if (!index.TryGetValue(text, out last))
                {
                    last = names.Count;
                    index[text] = last;
                    names.Add(Encoding.UTF8.GetBytes(convert(text)));
                }
            }
            nameOfRow[r] = last;
        }
        return (names, nameOfRow);
    }

    private static void AddLocation(CryosparcFile cs, StarTable table, CryosparcImportOptions options, string export, Action<string, string> use)
    {
        int n = cs.RowCount;
        if (cs.TryColumn(CryosparcFields.LocationMicrographPath) is { } mic)
        {
            var (names, nameOfRow) = DistinctNames(mic, raw => CryosparcPaths.ToRelion(raw, options.ProjectDirectory, export));
            var quoted = names.Select(b => StarColumnBuilder.NeedsQuotes(b) ? Encoding.UTF8.GetBytes(StarValues.Quote(Encoding.UTF8.GetString(b))) : b).ToList();
            table.AddParsedColumn(StarColumnBuilder.Build(RelionLabels.MicrographName, n, (c, r) => c.AddRaw(quoted[nameOfRow[r]])));
            use(CryosparcFields.LocationMicrographPath, RelionLabels.MicrographName);
        }
        if (cs.TryColumn(CryosparcFields.LocationCenterX) is { } fx && cs.TryColumn(CryosparcFields.LocationCenterY) is { } fy
            && cs.TryColumn(CryosparcFields.LocationMicrographShape) is { Field.Count: 2 } shape)
        {
            // Shape is [ny, nx]. A float32 fraction of an 8000-pixel micrograph is good to 5e-4 px, so a whole-pixel pick
            // can come out as 299.99998, which RELION would truncate to 299: positions within 1e-3 px of a whole pixel
            // are snapped to it; others keep 4 decimals.
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
        if (cs.TryColumn(CryosparcFields.CtfDefocus1) is not { } df1 || cs.TryColumn(CryosparcFields.CtfDefocus2) is not { } df2)
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

    private static void AddAlignments(CryosparcFile cs, string slot, StarTable table, Action<string, string> use, List<string> notes)
    {
        int n = cs.RowCount;
        var pose = cs.Data.Column(slot + CryosparcFields.Pose);
        var shift = cs.Data.Column(slot + CryosparcFields.Shift);
        var psize = cs.TryColumn(slot + CryosparcFields.AlignmentPixelSize) ?? cs.TryColumn(CryosparcFields.BlobPixelSize)
            ?? throw new CryoMergeInputException(cs.Path, $"has shifts but neither {slot}psize_A nor blob/psize_A to give them in Angstrom");
        if (!cs.Has(slot + CryosparcFields.AlignmentPixelSize))
            notes.Add($"no {slot}psize_A: shifts taken as pixels of blob/psize_A");
        if (slot == CryosparcFields.Alignments3D)
        {
            var angles = StarColumnBuilder.Build(["rlnAngleRot", "rlnAngleTilt", "rlnAnglePsi"], n, (c, r) =>
            {
                var e = CryosparcPose.EulerFromPose(pose.GetSingle(r, 0), pose.GetSingle(r, 1), pose.GetSingle(r, 2));
                c[0].Add(e.Rot);
                c[1].Add(e.Tilt);
                c[2].Add(e.Psi);
            });
            foreach (var column in angles) table.AddParsedColumn(column);
            use(slot + CryosparcFields.Pose, "rlnAngleRot, rlnAngleTilt, rlnAnglePsi (ZYZ degrees of the transposed rotation)");
        }
        else
        {
            table.AddParsedColumn(Doubles("rlnAnglePsi", n, r => pose.GetSingle(r) * Degrees));
            use(slot + CryosparcFields.Pose, "rlnAnglePsi (degrees)");
        }
        // float32 x float32 is exact in double, so dividing by the same pixel size gives the float32 shift back.
        table.AddParsedColumn(Doubles(RelionLabels.OriginXAngst, n, r => (double)shift.GetSingle(r, 0) * psize.GetSingle(r)));
        table.AddParsedColumn(Doubles(RelionLabels.OriginYAngst, n, r => (double)shift.GetSingle(r, 1) * psize.GetSingle(r)));
        use(slot + CryosparcFields.Shift, $"{RelionLabels.OriginXAngst}, {RelionLabels.OriginYAngst} (x {psize.Name})");
        if (cs.Has(slot + CryosparcFields.AlignmentPixelSize)) use(slot + CryosparcFields.AlignmentPixelSize, "the shifts' unit");
        if (cs.TryColumn(slot + CryosparcFields.Class) is { } cls)
        {
            table.AddParsedColumn(StarColumnBuilder.Build("rlnClassNumber", n, (c, r) => c.Add(cls.GetInt64(r) + 1)));
            use(slot + CryosparcFields.Class, "rlnClassNumber (+1)");
        }
        if (cs.TryColumn(slot + CryosparcFields.Split) is { } split)
        {
            long first = split.GetInt64(0);
            if (Any(n, r => split.GetInt64(r) != first))
            {
                table.AddParsedColumn(StarColumnBuilder.Build("rlnRandomSubset", n, (c, r) => c.Add(split.GetInt64(r) + 1)));
                use(slot + CryosparcFields.Split, "rlnRandomSubset (+1)");
            }
            else
            {
                use(slot + CryosparcFields.Split, "rlnRandomSubset (one half only, left out)");
                notes.Add($"every particle is in half set {first} ({slot}split): rlnRandomSubset left out, so that RELION makes its own halves");
            }
        }
    }

    private static StarTable OpticsTable(CryosparcFile cs, IReadOnlyList<CryosparcOpticsGroup> groups, Action<string, string> use)
    {
        bool images = cs.Has(CryosparcFields.BlobPixelSize), box = cs.Has(CryosparcFields.BlobShape);
        bool ctf = cs.Has(CryosparcFields.CtfVoltage) && cs.Has(CryosparcFields.CtfCs) && cs.Has(CryosparcFields.CtfAmplitudeContrast);
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
        else if (cs.Has(CryosparcFields.CtfAnisoMag)) use(CryosparcFields.CtfAnisoMag, "no anisotropic magnification (0, left out)");
        foreach (var c in columns) t.AddColumn(c.Name, "");
        foreach (var g in groups) t.AddRow(columns.Select(c => c.Cell(g)).ToArray());
        return t;
    }

    private static StarColumn Floats(string name, int n, Func<int, float> value) => StarColumnBuilder.Build(name, n, (c, r) => c.Add(value(r)));

    private static StarColumn Doubles(string name, int n, Func<int, double> value) => StarColumnBuilder.Build(name, n, (c, r) => c.Add(value(r)));

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
