using System.Globalization;
using System.Text;

namespace CryoMerge.Core.Formats;

/// <summary>Where the names in a .cs file are relative to (see <see cref="CryosparcPaths"/>).</summary>
/// <param name="ProjectDirectory">The cryoSPARC project folder; null keeps names relative to it.</param>
/// <param name="ExportDirectory">Folder of '>' names; null: the .cs file's own folder.</param>
public sealed record CryosparcImportOptions(string? ProjectDirectory = null, string? ExportDirectory = null);

/// <summary>What a .cs to STAR conversion did: optics groups, fields converted and left out, and notes for the
/// user.</summary>
public sealed record CryosparcImportReport(string Input, int Rows, CryosparcDataKind Kind, string? Alignments,
    IReadOnlyList<CryosparcOpticsGroup> OpticsGroups, IReadOnlyList<string> Converted, IReadOnlyList<string> LeftOut,
    IReadOnlyList<string> Notes, float BlobSign);

/// <summary>
/// A cryoSPARC particle dataset as a RELION 3.1+ particle STAR file (data_optics + data_particles). Field by field
/// (units in brackets; see <see cref="CryosparcPose"/> for the pose and shift conventions and
/// <see cref="CryosparcOptics"/> for optics groups):
/// <list type="bullet">
/// <item>blob/idx [0-based], blob/path -> rlnImageName "idx+1@path", the path resolved by <see
/// cref="CryosparcPaths"/>.</item>
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
public static partial class CryosparcToRelion
{
    private const double Degrees = 180 / Math.PI;

    public static (StarFile Star, CryosparcImportReport Report) Convert(CryosparcFile cs,
        CryosparcImportOptions? options = null)
    {
        options ??= new CryosparcImportOptions();
        var kind = cs.Kind;
        if (kind is not (CryosparcDataKind.Particles or CryosparcDataKind.Picks))
            throw new CryoMergeInputException(cs.Path, kind == CryosparcDataKind.Exposures
                ? "holds micrographs or movies, not particles; give a particle .cs file (from an extraction, "
                  + "classification or refinement job)"
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
            else notes.Add($"no {CryosparcFields.BlobPixelSize}: the optics table has no image pixel size");
            if (cs.Has(CryosparcFields.BlobShape)) Use(CryosparcFields.BlobShape, RelionLabels.ImageSize);
        }
        AddLocation(cs, table, options, exportDirectory, Use);
        AddCtf(cs, table, Use, notes);

        table.AddParsedColumn(StarColumnBuilder.Build(RelionLabels.OpticsGroup, n,
            (c, r) => c.Add(groupOfRow[r] + 1L)));

        string? slot = cs.AlignmentSlot;
        if (slot is not null) AddAlignments(cs, slot, table, Use, notes);
        else if (kind == CryosparcDataKind.Particles)
            notes.Add("no alignments3D or alignments2D poses: the STAR file has no angles or origins");
        foreach (var other in cs.OtherAlignmentSlots)
            notes.Add($"{other} (alignments of one class of several) is not converted; "
                      + "select the particles of one class in cryoSPARC first");

        var star = new StarFile();
        star.AddTableBlock("optics", OpticsTable(cs, groups, Use), 30001);
        star.AddTableBlock("particles", table, 30001);

        float blobSign = cs.TryColumn(CryosparcFields.BlobSign)?.GetSingle(0) ?? 1;
        if (blobSign < 0 && kind == CryosparcDataKind.Particles)
            notes.Add("blob/sign is -1: the stacks hold dark particles on a light background (cryoSPARC's raw "
                      + "contrast); RELION expects white particles, so invert the stacks "
                      + "(relion_image_handler --multiply_constant -1) before refining them in RELION");
        var names = cs.TryColumn(CryosparcFields.BlobPath) ?? cs.TryColumn(CryosparcFields.LocationMicrographPath);
        bool relative = names?.GetString(0) is { Length: > 0 } first
            && first[0] != CryosparcPaths.ExportPrefix && !Path.IsPathRooted(first);
        if (relative && options.ProjectDirectory is null)
            notes.Add("file names are relative to the cryoSPARC project folder; run RELION from that folder, "
                      + "or convert with the project folder given");
        var leftOut = cs.Data.Columns.Where(c => !c.Field.IsPadding && !used.Contains(c.Name))
            .Select(c => c.Name).ToList();
        var report = new CryosparcImportReport(cs.Path, n, kind, slot?.TrimEnd('/'), groups, converted, leftOut, notes,
            blobSign);
        return (star, report);
    }

    private static StarColumn ImageNames(NpyColumn path, NpyColumn idx, string? project, string? export)
    {
        var (names, nameOfRow) = DistinctNames(path, raw => CryosparcPaths.ToRelion(raw, project, export));
        return StarColumnBuilder.Build(RelionLabels.ImageName, path.RowCount,
            (column, r) => column.AddImageName((long)idx.GetUInt64(r) + 1, names[nameOfRow[r]]));
    }

    /// <summary>
    /// The distinct values of a string field, converted once each (as UTF-8), and each row's index into them: rows
    /// of one stack or micrograph follow each other, so most rows cost one comparison with the row before.
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
}
