using System.Globalization;
using System.IO.Hashing;
using System.Text;

namespace CryoMerge.Core.Formats;

/// <summary>How a STAR file's names are found and what cryoSPARC should be told about the images.</summary>
/// <param name="ProjectDirectory">RELION project folder the STAR file's names are relative to (default: found as RELION
/// would).</param>
/// <param name="BlobSign">blob/sign of each row: +1 (default) for RELION's white particles, -1 for dark ones.</param>
/// <param name="MicrographShape">Size (nx, ny) of a micrograph found on disk; default: its MRC header.</param>
public sealed record CryosparcExportOptions(string? ProjectDirectory = null, Func<int, float>? BlobSign = null,
    Func<string, (int Nx, int Ny)?>? MicrographShape = null);

/// <summary>What a STAR to .cs conversion wrote.</summary>
public sealed record CryosparcExportReport(string Output, int Rows, IReadOnlyList<string> Fields,
    IReadOnlyList<string> Notes);

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
public static partial class RelionToCryosparc
{
    private const double Radians = Math.PI / 180;

    public static (NpyArray Data, CryosparcExportReport Report) Convert(StarFile star, string starPath, string csPath,
        CryosparcExportOptions? options = null)
    {
        options ??= new CryosparcExportOptions();
        var optics = star.Find("optics")?.Table
            ?? throw new CryoMergeInputException(starPath,
                "is a RELION 3.0 file (no data_optics); convert it to RELION 3.1 first");
        var block = PixelSizes.DataBlock(star) ?? throw new CryoMergeInputException(starPath, "has no particle table");
        var t = block.RequireTable();
        int n = t.RowCount;
        var notes = new List<string>();
        var names = t.TryColumn(RelionLabels.ImageName);
        bool picks = names is null;
        bool coordinates = t.Has(RelionLabels.MicrographName) && t.Has(RelionLabels.CoordinateX)
            && t.Has(RelionLabels.CoordinateY);
        if (picks && !coordinates)
            throw new CryoMergeInputException(starPath,
                "has neither particle images (_rlnImageName) "
                + "nor picked coordinates (_rlnMicrographName, _rlnCoordinateX/Y)");
        var groups = OpticsGroupsOf(optics, starPath, picks, notes);
        var groupOfRow = new ExportOptics[n];
        var groupColumn = t.TryColumn(RelionLabels.OpticsGroup)
            ?? throw new CryoMergeInputException(starPath, "has no _rlnOpticsGroup column");
        for (int r = 0; r < n; r++)
            groupOfRow[r] = groups.GetValueOrDefault(Int(groupColumn, r, starPath))
                ?? throw new CryoMergeInputException(starPath,
                    $"row {r + 1} is in optics group {groupColumn.Raw(r)}, which data_optics does not define");

        var data = new NpyArray(n);
        var paths = new FileNames(starPath, csPath, options.ProjectDirectory);
        var uid = data.AddColumn(NpyField.Of(CryosparcFields.Uid, "<u8"));
        if (!picks) AddBlob(data, t, names!, groupOfRow, paths, options, starPath);
        AddCtf(data, t, groupOfRow, starPath);
        if (t.Has("rlnAngleRot") && t.Has("rlnAngleTilt") && t.Has("rlnAnglePsi"))
            AddAlignments(data, t, groupOfRow, starPath, notes);
        else if (t.Has("rlnAnglePsi")) notes.Add("only in-plane angles (rlnAnglePsi): no alignments3D written");
        string[]? pickKeys = AddLocation(data, t, groupOfRow, paths, options, starPath, notes);
        if (paths.Missing.Count > 0)
            notes.Add($"{paths.Missing.Count} file(s) not found (first: {paths.Missing[0]}); "
                      + "their names are written as the STAR file gives them");
        if (!picks) FillUids(uid, r => names!.RawUtf8(r));
        else if (pickKeys is not null) FillUids(uid, r => Encoding.UTF8.GetBytes(pickKeys[r]));
        else FillUids(uid, r => BitConverter.GetBytes(r));
        var fields = data.Columns.Select(c => c.Name).ToList();
        return (data, new CryosparcExportReport(csPath, n, fields, notes));
    }

    /// <summary>The optics values a row needs, per optics group.</summary>
    private sealed record ExportOptics(long ExposureGroup, double Pixel, int Box, double Kv, double Cs, double Ac,
        double TiltX, double TiltY, double[] Mag);

    /// <summary>
    /// The optics values of each optics group, with the exposure group id it gets: the id its exp_group_ID name
    /// carries (a round trip keeps cryoSPARC's ids), else its number; the numbers for all when the names would put
    /// two optics groups (two pixel sizes) into one exposure group.
    /// </summary>
    private static Dictionary<int, ExportOptics> OpticsGroupsOf(StarTable optics, string starPath, bool picks,
        List<string> notes)
    {
        var result = new Dictionary<int, ExportOptics>();
        double Get(string label, int row, double fallback) =>
            optics.TryColumn(label) is not { } c ? fallback : c.TryGetDouble(row, out double v) ? v
                : throw new CryoMergeInputException(starPath,
                    $"_{label} of optics row {row + 1} is '{c.Raw(row)}', not a number");
        for (int r = 0; r < optics.RowCount; r++)
        {
            int number = Int(optics.Column(RelionLabels.OpticsGroup), r, starPath);
            string? name = optics.TryColumn(RelionLabels.OpticsGroupName)?.GetString(r);
            double pixel = Get(RelionLabels.ImagePixelSize, r, 0);
            if (!picks && !(pixel > 0))
                throw new CryoMergeInputException(starPath,
                    $"optics group {number} has no positive _rlnImagePixelSize");
            double[] mag =
            [
                Get("rlnMagMat00", r, 1), Get("rlnMagMat01", r, 0),
                Get("rlnMagMat10", r, 0), Get("rlnMagMat11", r, 1),
            ];
            long id = name is null ? number : CryosparcOptics.ExposureGroupOf(name) ?? number;
            result[number] = new ExportOptics(id, pixel, (int)Get(RelionLabels.ImageSize, r, 0),
                Get(RelionLabels.Voltage, r, 300),
                Get(RelionLabels.SphericalAberration, r, 2.7), Get(RelionLabels.AmplitudeContrast, r, 0.1),
                Get(RelionLabels.BeamTiltX, r, 0), Get(RelionLabels.BeamTiltY, r, 0), mag);
        }
        if (result.Values.Select(g => g.ExposureGroup).Distinct().Count() < result.Count)
        {
            notes.Add("optics group names give two groups the same exposure group id: "
                      + "ctf/exp_group_id is the optics group number");
            foreach (var number in result.Keys.ToList())
                result[number] = result[number] with { ExposureGroup = number };
        }
        return result;
    }

    private delegate ReadOnlySpan<byte> KeyOf(int row);

    /// <summary>A 64-bit hash of each row's key; a collision (about one in 10^7 for a million rows) is resolved by
    /// hashing the row number in.</summary>
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

    /// <summary>Runs <paramref name="body"/> for every row, in parallel chunks; a bad-input error reaches the caller as
    /// itself.</summary>
    private static void Rows(int n, Action<int> body)
    {
        try
        {
            var ranges = System.Collections.Concurrent.Partitioner.Create(0, n, Math.Max(4096, n / 64 + 1));
            Parallel.ForEach(ranges, range =>
            {
                for (int r = range.Item1; r < range.Item2; r++) body(r);
            });
        }
        catch (AggregateException e)
            when (e.InnerExceptions.OfType<CryoMergeInputException>().FirstOrDefault() is { } input)
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
            string name = found is null
                ? RelionPaths.StripTypeSuffix(nameInStar)
                : CryosparcPaths.FromFile(found, csPath);
            var bytes = Encoding.UTF8.GetBytes(name);
            _names[nameInStar] = bytes;
            return bytes;
        }
    }
}
