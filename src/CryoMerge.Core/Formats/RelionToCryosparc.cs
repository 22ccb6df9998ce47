using System.Globalization;
using System.IO.Hashing;
using System.Text;

namespace CryoMerge.Core.Formats;

/// <summary>How a STAR file's names are found and what cryoSPARC should be told about the images.</summary>
/// <param name="ProjectDirectory">RELION project folder the STAR file's names are relative to (default: found as RELION would).</param>
/// <param name="BlobSign">blob/sign of each row: +1 (default) for RELION's white particles, -1 for dark ones.</param>
/// <param name="MicrographShape">Size (nx, ny) of a micrograph found on disk; default: its MRC header.</param>
public sealed record CryosparcExportOptions(string? ProjectDirectory = null, Func<int, float>? BlobSign = null,
    Func<string, (int Nx, int Ny)?>? MicrographShape = null);

/// <summary>What a STAR to .cs conversion wrote.</summary>
public sealed record CryosparcExportReport(string Output, int Rows, IReadOnlyList<string> Fields, IReadOnlyList<string> Notes);

/// <summary>
/// A RELION 3.1+ particle (or picked-coordinate) STAR file as a cryoSPARC particle dataset, with cryoSPARC's field
/// names and types (those of a refinement job's particles.cs), so that NumPy and cryoSPARC read it back. The mapping is
/// <see cref="CryosparcToRelion"/>'s inverse: rlnImageName -> blob/path, blob/idx; optics rlnImagePixelSize,
/// rlnImageSize -> blob/psize_A, blob/shape; CTF (degrees -> radians; beam tilt mrad -> tilt_A = Cs x tilt;
/// rlnMagMat -> anisomag = matrix - identity); rlnOpticsGroup -> ctf/exp_group_id (the id an exp_group_ID name
/// carries, else the group number); angles -> alignments3D/pose (the rotation vector of A^T, see
/// <see cref="CryosparcPose"/>); origins [A] -> alignments3D/shift [px] at alignments3D/psize_A = the image pixel
/// size; rlnRandomSubset 1, 2 -> split 0, 1; rlnClassNumber -> class - 1; rlnMicrographName, rlnCoordinateX/Y ->
/// location/* (fractions of the micrograph's size, read from its header). Names of files found on disk become '>'
/// plus the path relative to the .cs file when inside its folder (cryoSPARC's export form), else absolute.
/// Each uid is a 64-bit hash of the image name (of micrograph and position for picks): the same file gives the
/// same uids, and no two rows share one.
/// </summary>
public static class RelionToCryosparc
{
    private const double Radians = Math.PI / 180;

    public static (NpyArray Data, CryosparcExportReport Report) Convert(StarFile star, string starPath, string csPath,
        CryosparcExportOptions? options = null)
    {
        options ??= new CryosparcExportOptions();
        var optics = star.Find("optics")?.Table
            ?? throw new CryoMergeInputException(starPath, "is a RELION 3.0 file (no data_optics); convert it to RELION 3.1 first");
        var block = PixelSizes.DataBlock(star) ?? throw new CryoMergeInputException(starPath, "has no particle table");
        var t = block.RequireTable();
        int n = t.RowCount;
        var notes = new List<string>();
        var names = t.TryColumn(RelionLabels.ImageName);
        bool picks = names is null;
        if (picks && !(t.Has(RelionLabels.MicrographName) && t.Has(RelionLabels.CoordinateX) && t.Has(RelionLabels.CoordinateY)))
            throw new CryoMergeInputException(starPath, "has neither particle images (_rlnImageName) nor picked coordinates (_rlnMicrographName, _rlnCoordinateX/Y)");
        var groups = OpticsGroupsOf(optics, starPath, picks);
        var groupOfRow = new ExportOptics[n];
        var groupColumn = t.TryColumn(RelionLabels.OpticsGroup) ?? throw new CryoMergeInputException(starPath, "has no _rlnOpticsGroup column");
        for (int r = 0; r < n; r++)
            groupOfRow[r] = groups.GetValueOrDefault(Int(groupColumn, r, starPath))
                ?? throw new CryoMergeInputException(starPath, $"row {r + 1} is in optics group {groupColumn.Raw(r)}, which data_optics does not define");

        var data = new NpyArray(n);
        var paths = new FileNames(starPath, csPath, options.ProjectDirectory);
        var uid = data.AddColumn(NpyField.Of(CryosparcFields.Uid, "<u8"));
        if (!picks) AddBlob(data, t, names!, groupOfRow, paths, options, starPath);
        AddCtf(data, t, groupOfRow, starPath);
        if (t.Has("rlnAngleRot") && t.Has("rlnAngleTilt") && t.Has("rlnAnglePsi")) AddAlignments(data, t, groupOfRow, starPath, notes);
        else if (t.Has("rlnAnglePsi")) notes.Add("only in-plane angles (rlnAnglePsi): no alignments3D written");
        string[]? pickKeys = AddLocation(data, t, groupOfRow, paths, options, starPath, notes);
        if (paths.Missing.Count > 0)
            notes.Add($"{paths.Missing.Count} file(s) not found (first: {paths.Missing[0]}); their names are written as the STAR file gives them");
        if (!picks) FillUids(uid, r => names!.RawUtf8(r));
        else if (pickKeys is not null) FillUids(uid, r => Encoding.UTF8.GetBytes(pickKeys[r]));
        else FillUids(uid, r => BitConverter.GetBytes(r));
        var fields = data.Columns.Select(c => c.Name).ToList();
        return (data, new CryosparcExportReport(csPath, n, fields, notes));
    }

    /// <summary>The optics values a row needs, per optics group.</summary>
    private sealed record ExportOptics(long ExposureGroup, double Pixel, int Box, double Kv, double Cs, double Ac, double TiltX, double TiltY, double[] Mag);

    private static Dictionary<int, ExportOptics> OpticsGroupsOf(StarTable optics, string starPath, bool picks)
    {
        var result = new Dictionary<int, ExportOptics>();
        double Get(string label, int row, double fallback) =>
            optics.TryColumn(label) is { } c ? c.TryGetDouble(row, out double v) ? v
                : throw new CryoMergeInputException(starPath, $"_{label} of optics row {row + 1} is '{c.Raw(row)}', not a number") : fallback;
        for (int r = 0; r < optics.RowCount; r++)
        {
            int number = Int(optics.Column(RelionLabels.OpticsGroup), r, starPath);
            string? name = optics.TryColumn(RelionLabels.OpticsGroupName)?.GetString(r);
            double pixel = Get(RelionLabels.ImagePixelSize, r, 0);
            if (!picks && !(pixel > 0)) throw new CryoMergeInputException(starPath, $"optics group {number} has no positive _rlnImagePixelSize");
            var mag = new[] { Get("rlnMagMat00", r, 1), Get("rlnMagMat01", r, 0), Get("rlnMagMat10", r, 0), Get("rlnMagMat11", r, 1) };
            result[number] = new ExportOptics(name is null ? number : CryosparcOptics.ExposureGroupOf(name) ?? number, pixel,
                (int)Get(RelionLabels.ImageSize, r, 0), Get(RelionLabels.Voltage, r, 300), Get(RelionLabels.SphericalAberration, r, 2.7),
                Get(RelionLabels.AmplitudeContrast, r, 0.1), Get(RelionLabels.BeamTiltX, r, 0), Get(RelionLabels.BeamTiltY, r, 0), mag);
        }
        return result;
    }

    private static void AddBlob(NpyArray data, StarTable t, StarColumn names, ExportOptics[] groups, FileNames paths,
        CryosparcExportOptions options, string starPath)
    {
        int n = t.RowCount;
        var index = new uint[n];
        var stackOfRow = new int[n];
        var stacks = new List<byte[]>();
        byte[] lastStack = [];
        for (int r = 0; r < n; r++)
        {
            var raw = names.RawUtf8(r);
            int at = raw.IndexOf((byte)'@');
            bool plain = at > 0 && raw[0] is not ((byte)'"' or (byte)'\'') && !raw.EndsWith(":mrc"u8) && !raw.EndsWith(":mrcs"u8);
            ReadOnlySpan<byte> stack;
            if (plain && int.TryParse(raw[..at], NumberStyles.None, CultureInfo.InvariantCulture, out int i) && i >= 1)
            {
                index[r] = (uint)(i - 1);
                stack = raw[(at + 1)..];
            }
            else
            {
                // Quoted names, type suffixes and anything odd take the general (slower) path.
                (int general, string generalStack) = Split(names.GetString(r), r, starPath);
                index[r] = (uint)(general - 1);
                stack = Encoding.UTF8.GetBytes(generalStack);
            }
            if (stacks.Count == 0 || !stack.SequenceEqual(lastStack))
            {
                lastStack = stack.ToArray();
                stacks.Add(paths.ForCs(Encoding.UTF8.GetString(stack)));
            }
            stackOfRow[r] = stacks.Count - 1;
        }
        int width = Math.Max(1, stacks.Count == 0 ? 1 : stacks.Max(b => b.Length));
        var path = data.AddColumn(NpyField.Of(CryosparcFields.BlobPath, $"|S{width}"));
        var idx = data.AddColumn(NpyField.Of(CryosparcFields.BlobIndex, "<u4"));
        var shape = data.AddColumn(NpyField.Of(CryosparcFields.BlobShape, "<u4", 2));
        var pixel = data.AddColumn(NpyField.Of(CryosparcFields.BlobPixelSize, "<f4"));
        var sign = data.AddColumn(NpyField.Of(CryosparcFields.BlobSign, "<f4"));
        if (groups.FirstOrDefault(g => g.Box <= 0) is not null)
            throw new CryoMergeInputException(starPath, "data_optics has no _rlnImageSize; cryoSPARC needs the box (blob/shape)");
        Rows(n, r =>
        {
            var g = groups[r];
            path.SetUtf8(r, stacks[stackOfRow[r]]);
            idx.SetUInt64(r, 0, index[r]);
            shape.SetInt64(r, 0, g.Box);
            shape.SetInt64(r, 1, g.Box);
            pixel.SetDouble(r, g.Pixel);
            sign.SetDouble(r, options.BlobSign?.Invoke(r) ?? 1);
        });
    }

    private static (int, string) Split(string name, int row, string starPath)
    {
        try
        {
            var (i, stack) = RelionPaths.SplitImageName(name);
            if (i is not int index) throw new CryoMergeInputException(starPath, $"row {row + 1}: image name '{name}' has no index ('N@stack')");
            return (index, stack);
        }
        catch (FormatException e)
        {
            throw new CryoMergeInputException(starPath, $"row {row + 1}: {e.Message}");
        }
    }

    private static void AddCtf(NpyArray data, StarTable t, ExportOptics[] groups, string starPath)
    {
        int n = t.RowCount;
        var du = t.TryColumn(RelionLabels.DefocusU);
        var dv = t.TryColumn(RelionLabels.DefocusV);
        if (du is null || dv is null) return;
        var angle = t.TryColumn(RelionLabels.DefocusAngle);
        var phase = t.TryColumn(RelionLabels.PhaseShift);
        var scale = t.TryColumn(RelionLabels.CtfScalefactor);
        var bfactor = t.TryColumn(RelionLabels.CtfBfactor);
        var type = data.AddColumn(NpyField.Of(CryosparcFields.CtfType, "|S8"));
        var exp = data.AddColumn(NpyField.Of(CryosparcFields.CtfExposureGroup, "<u4"));
        var columns = new[]
        {
            CryosparcFields.CtfVoltage, CryosparcFields.CtfCs, CryosparcFields.CtfAmplitudeContrast, CryosparcFields.CtfDefocus1,
            CryosparcFields.CtfDefocus2, CryosparcFields.CtfDefocusAngle, CryosparcFields.CtfPhaseShift, CryosparcFields.CtfScale,
            CryosparcFields.CtfScaleConst,
        }.Select(name => data.AddColumn(NpyField.Of(name, "<f4"))).ToArray();
        var shiftA = data.AddColumn(NpyField.Of(CryosparcFields.CtfShift, "<f4", 2));
        var tilt = data.AddColumn(NpyField.Of(CryosparcFields.CtfTilt, "<f4", 2));
        data.AddColumn(NpyField.Of(CryosparcFields.CtfTrefoil, "<f4", 2));
        data.AddColumn(NpyField.Of(CryosparcFields.CtfTetrafoil, "<f4", 4));
        var aniso = data.AddColumn(NpyField.Of(CryosparcFields.CtfAnisoMag, "<f4", 4));
        var b = data.AddColumn(NpyField.Of(CryosparcFields.CtfBfactor, "<f4"));
        double Num(StarColumn? c, int r, double fallback) => c is null ? fallback : c.TryGetDouble(r, out double v) ? v
            : throw new CryoMergeInputException(starPath, $"_{c.Name} in row {r + 1} is '{c.Raw(r)}', not a number");
        Rows(n, r =>
        {
            var g = groups[r];
            type.SetUtf8(r, "imported"u8);
            exp.SetInt64(r, 0, g.ExposureGroup);
            double[] values =
            [
                g.Kv, g.Cs, g.Ac, Num(du, r, 0), Num(dv, r, 0), Num(angle, r, 0) * Radians, Num(phase, r, 0) * Radians,
                Num(scale, r, 1), 0,
            ];
            for (int k = 0; k < values.Length; k++) columns[k].SetDouble(r, values[k]);
            shiftA.SetDouble(r, 0, 0);
            tilt.SetDouble(r, 0, CryosparcOptics.TiltAngstrom(g.TiltX, g.Cs));
            tilt.SetDouble(r, 1, CryosparcOptics.TiltAngstrom(g.TiltY, g.Cs));
            for (int k = 0; k < 4; k++) aniso.SetDouble(r, k, g.Mag[k] - (k is 0 or 3 ? 1 : 0));
            b.SetDouble(r, Num(bfactor, r, 0));
        });
    }

    private static void AddAlignments(NpyArray data, StarTable t, ExportOptics[] groups, string starPath, List<string> notes)
    {
        int n = t.RowCount;
        var columns = CryosparcFields.AlignmentSlot.ToDictionary(f => f.Name,
            f => data.AddColumn(NpyField.Of(CryosparcFields.Alignments3D + f.Name, f.Type, f.Shape)));
        var neutral = CryosparcFields.AlignmentSlot.Where(f => f.Neutral != 0).Select(f => (columns[f.Name], f.Neutral)).ToArray();
        var rot = t.Column("rlnAngleRot");
        var tiltColumn = t.Column("rlnAngleTilt");
        var psi = t.Column("rlnAnglePsi");
        var ox = t.TryColumn(RelionLabels.OriginXAngst);
        var oy = t.TryColumn(RelionLabels.OriginYAngst);
        var subset = t.TryColumn("rlnRandomSubset");
        var cls = t.TryColumn("rlnClassNumber");
        if (subset is null) notes.Add("no rlnRandomSubset: alignments3D/split alternates 0, 1");
        double Num(StarColumn c, int r) => c.TryGetDouble(r, out double v) ? v
            : throw new CryoMergeInputException(starPath, $"_{c.Name} in row {r + 1} is '{c.Raw(r)}', not a number");
        Rows(n, r =>
        {
            foreach (var (column, value) in neutral) column.SetDouble(r, value);
            double pixel = groups[r].Pixel;
            var w = CryosparcPose.PoseFromEuler(Num(rot, r), Num(tiltColumn, r), Num(psi, r));
            columns[CryosparcFields.Pose].SetDouble(r, 0, w.X);
            columns[CryosparcFields.Pose].SetDouble(r, 1, w.Y);
            columns[CryosparcFields.Pose].SetDouble(r, 2, w.Z);
            columns[CryosparcFields.Shift].SetDouble(r, 0, ox is null ? 0 : Num(ox, r) / pixel);
            columns[CryosparcFields.Shift].SetDouble(r, 1, oy is null ? 0 : Num(oy, r) / pixel);
            columns[CryosparcFields.AlignmentPixelSize].SetDouble(r, pixel);
            long half = subset is null ? r % 2 : (long)Num(subset, r) - 1;
            if (half is not (0 or 1)) throw new CryoMergeInputException(starPath, $"rlnRandomSubset in row {r + 1} is {subset!.Raw(r)}; RELION's halves are 1 and 2");
            columns[CryosparcFields.Split].SetInt64(r, 0, half);
            if (cls is not null) columns[CryosparcFields.Class].SetInt64(r, 0, Math.Max(0, (long)Num(cls, r) - 1));
        });
    }

    private static string[]? AddLocation(NpyArray data, StarTable t, ExportOptics[] groups, FileNames paths,
        CryosparcExportOptions options, string starPath, List<string> notes)
    {
        if (t.TryColumn(RelionLabels.MicrographName) is not { } mic || t.TryColumn(RelionLabels.CoordinateX) is not { } cx
            || t.TryColumn(RelionLabels.CoordinateY) is not { } cy) return null;
        int n = t.RowCount;
        var shapes = new Dictionary<string, (int Nx, int Ny)?>(StringComparer.Ordinal);
        var micNames = new string[n];
        var keys = new string[n];
        int width = 1;
        var cached = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        for (int r = 0; r < n; r++)
        {
            string name = mic.GetString(r);
            micNames[r] = name;
            keys[r] = $"{name}@{cx.Raw(r)},{cy.Raw(r)}";
            if (shapes.ContainsKey(name)) continue;
            string? found = RelionPaths.Resolve(name, starPath, options.ProjectDirectory);
            shapes[name] = found is null ? null : options.MicrographShape?.Invoke(found) ?? HeaderShape(found);
            cached[name] = paths.ForCs(name);
            width = Math.Max(width, cached[name].Length);
            if (shapes[name] is null)
            {
                notes.Add($"micrograph {name} not found: no location/* fields written (cryoSPARC needs each micrograph's size)");
                return null;
            }
        }
        var uid = data.AddColumn(NpyField.Of(CryosparcFields.LocationMicrographUid, "<u8"));
        var exp = data.AddColumn(NpyField.Of(CryosparcFields.LocationExposureGroup, "<u4"));
        var path = data.AddColumn(NpyField.Of(CryosparcFields.LocationMicrographPath, $"|S{width}"));
        var shape = data.AddColumn(NpyField.Of(CryosparcFields.LocationMicrographShape, "<u4", 2));
        var fx = data.AddColumn(NpyField.Of(CryosparcFields.LocationCenterX, "<f4"));
        var fy = data.AddColumn(NpyField.Of(CryosparcFields.LocationCenterY, "<f4"));
        Rows(n, r =>
        {
            var (nx, ny) = shapes[micNames[r]]!.Value;
            uid.SetUInt64(r, 0, XxHash64.HashToUInt64(Encoding.UTF8.GetBytes(micNames[r])));
            exp.SetInt64(r, 0, groups[r].ExposureGroup);
            path.SetUtf8(r, cached[micNames[r]]);
            shape.SetInt64(r, 0, ny);
            shape.SetInt64(r, 1, nx);
            fx.SetDouble(r, cx.GetDouble(r) / nx);
            fy.SetDouble(r, cy.GetDouble(r) / ny);
        });
        return keys;
    }

    private static (int, int)? HeaderShape(string path)
    {
        try
        {
            using var mrc = MrcFile.Open(path, MrcReadOptions.Permissive);
            return (mrc.Shape.X, mrc.Shape.Y);
        }
        catch (CryoMergeInputException)
        {
            return null;
        }
    }

    private delegate ReadOnlySpan<byte> KeyOf(int row);

    /// <summary>A 64-bit hash of each row's key; a collision (about one in 10^7 for a million rows) is resolved by hashing the row number in.</summary>
    private static void FillUids(NpyColumn uid, KeyOf key)
    {
        int n = uid.RowCount;
        var hashes = new ulong[n];
        Rows(n, r => hashes[r] = XxHash64.HashToUInt64(key(r)));
        var seen = new HashSet<ulong>(n);
        for (int r = 0; r < n; r++)
        {
            ulong h = hashes[r];
            for (long salt = r; !seen.Add(h); salt += n) h = XxHash64.HashToUInt64(key(r), salt);
            uid.SetUInt64(r, 0, h);
        }
    }

    /// <summary>Runs <paramref name="body"/> for every row, in parallel chunks; a bad-input error reaches the caller as itself.</summary>
    private static void Rows(int n, Action<int> body)
    {
        try
        {
            Parallel.ForEach(System.Collections.Concurrent.Partitioner.Create(0, n, Math.Max(4096, n / 64 + 1)), range =>
            {
                for (int r = range.Item1; r < range.Item2; r++) body(r);
            });
        }
        catch (AggregateException e) when (e.InnerExceptions.OfType<CryoMergeInputException>().FirstOrDefault() is { } input)
        {
            throw input;
        }
    }

    private static int Int(StarColumn column, int row, string starPath)
    {
        try { return column.GetInt(row); }
        catch (FormatException e) { throw new CryoMergeInputException(starPath, e.Message); }
    }

    /// <summary>
    /// Names in the .cs for names in the STAR file, one lookup per distinct name: found on disk (as RELION finds
    /// them), '>' relative to the .cs folder or absolute (<see cref="CryosparcPaths.FromFile"/>); else as written.
    /// </summary>
    private sealed class FileNames(string starPath, string csPath, string? project)
    {
        private readonly Dictionary<string, byte[]> _names = new(StringComparer.Ordinal);

        public List<string> Missing { get; } = [];

        public byte[] ForCs(string nameInStar)
        {
            if (_names.TryGetValue(nameInStar, out var cached)) return cached;
            string? found = RelionPaths.Resolve(nameInStar, starPath, project);
            if (found is null) Missing.Add(nameInStar);
            var bytes = Encoding.UTF8.GetBytes(found is null ? RelionPaths.StripTypeSuffix(nameInStar) : CryosparcPaths.FromFile(found, csPath));
            _names[nameInStar] = bytes;
            return bytes;
        }
    }
}
