using System.Globalization;
using System.IO.Hashing;
using System.Text;

namespace CryoMerge.Core.Formats;

/// <summary>The result slots <see cref="RelionToCryosparc"/> writes: blob, ctf, alignments3D, location.</summary>
public static partial class RelionToCryosparc
{
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
            bool plain = at > 0 && raw[0] is not ((byte)'"' or (byte)'\'')
                && !raw.EndsWith(":mrc"u8) && !raw.EndsWith(":mrcs"u8);
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
            throw new CryoMergeInputException(starPath,
                "data_optics has no _rlnImageSize; cryoSPARC needs the box (blob/shape)");
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
            if (i is not int index)
                throw new CryoMergeInputException(starPath,
                    $"row {row + 1}: image name '{name}' has no index ('N@stack')");
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
            CryosparcFields.CtfVoltage, CryosparcFields.CtfCs, CryosparcFields.CtfAmplitudeContrast,
            CryosparcFields.CtfDefocus1, CryosparcFields.CtfDefocus2, CryosparcFields.CtfDefocusAngle,
            CryosparcFields.CtfPhaseShift, CryosparcFields.CtfScale,
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

    private static void AddAlignments(NpyArray data, StarTable t, ExportOptics[] groups, string starPath,
        List<string> notes)
    {
        int n = t.RowCount;
        var columns = CryosparcFields.AlignmentSlot.ToDictionary(f => f.Name,
            f => data.AddColumn(NpyField.Of(CryosparcFields.Alignments3D + f.Name, f.Type, f.Shape)));
        var neutral = CryosparcFields.AlignmentSlot.Where(f => f.Neutral != 0)
            .Select(f => (columns[f.Name], f.Neutral)).ToArray();
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
            if (half is not (0 or 1))
                throw new CryoMergeInputException(starPath,
                    $"rlnRandomSubset in row {r + 1} is {subset!.Raw(r)}; RELION's halves are 1 and 2");
            columns[CryosparcFields.Split].SetInt64(r, 0, half);
            if (cls is not null) columns[CryosparcFields.Class].SetInt64(r, 0, Math.Max(0, (long)Num(cls, r) - 1));
        });
    }

    private static string[]? AddLocation(NpyArray data, StarTable t, ExportOptics[] groups, FileNames paths,
        CryosparcExportOptions options, string starPath, List<string> notes)
    {
        if (t.TryColumn(RelionLabels.MicrographName) is not { } mic
            || t.TryColumn(RelionLabels.CoordinateX) is not { } cx
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
                notes.Add($"micrograph {name} not found: no location/* fields written "
                          + "(cryoSPARC needs each micrograph's size)");
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
}
