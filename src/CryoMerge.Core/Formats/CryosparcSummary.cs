using System.Globalization;

namespace CryoMerge.Core.Formats;

/// <summary>One exposure group as <c>cryomerge info</c> lists it, with the optics group(s) RELION would get.</summary>
public sealed record CryosparcExposureGroup(long Id, int Rows, IReadOnlyList<CryosparcOpticsGroup> OpticsGroups);

/// <summary>Alignments a .cs file holds: the slot, 3D or 2D, and the pixel size(s) their shifts are in.</summary>
public sealed record CryosparcAlignments(string Slot, bool ThreeD, IReadOnlyList<float> ShiftPixelSizes,
    bool BothHalves);

/// <summary>What <c>cryomerge info</c> reports about a cryoSPARC .cs file, in the terms it uses for STAR
/// files.</summary>
public sealed record CryosparcSummary(
    string Path,
    string Format,
    CryosparcDataKind Kind,
    int Rows,
    IReadOnlyList<NpyField> Fields,
    IReadOnlyList<CryosparcExposureGroup> ExposureGroups,
    CryosparcAlignments? Alignments,
    IReadOnlyList<string> OtherAlignmentSlots,
    int Stacks,
    int Micrographs,
    string? PathForm,
    float? BlobSign,
    IReadOnlyList<string> Notes)
{
    /// <summary>Distinct image pixel sizes (A) with their particle counts.</summary>
    public IEnumerable<(float PixelSize, int Rows)> PixelSizes =>
        ExposureGroups.SelectMany(g => g.OpticsGroups).GroupBy(o => o.PixelSize).Select(g => (g.Key, g.Sum(o =>
            o.Rows)));

    public static CryosparcSummary Of(CryosparcFile cs)
    {
        var header = cs.Data.Header;
        string format = header is null ? "in memory"
            : $"NumPy {header.Major}.{header.Minor}, {(header.AnyBigEndian ? "big" : "little")}-endian";
        var fields = cs.Data.Columns.Select(c => header?.Fields.FirstOrDefault(f => f.Name == c.Name && !f.IsPadding)
            ?? c.Field).ToList();
        var notes = new List<string>();
        var groups = new List<CryosparcExposureGroup>();
        if (cs.Kind is CryosparcDataKind.Particles or CryosparcDataKind.Picks && cs.RowCount > 0)
        {
            var (_, optics, opticsNotes) = CryosparcOptics.Assign(cs);
            notes.AddRange(opticsNotes);
            groups.AddRange(optics.GroupBy(o => o.ExposureGroup).Select(g => new CryosparcExposureGroup(g.Key,
                g.Sum(o =>
                o.Rows), g.ToList())));
        }
        CryosparcAlignments? alignments = null;
        if (cs.AlignmentSlot is { } slot && cs.RowCount > 0)
        {
            var psize = cs.TryColumn(slot + CryosparcFields.AlignmentPixelSize);
            var pixels = psize is null ? [] : Enumerable.Range(0, cs.RowCount).Select(r =>
                psize.GetSingle(r)).Distinct().Order().ToList();
            var split = cs.TryColumn(slot + CryosparcFields.Split);
            bool both = split is not null
                && Enumerable.Range(0, cs.RowCount).Select(r => split.GetInt64(r)).Distinct().Count() > 1;
            alignments = new CryosparcAlignments(slot.TrimEnd('/'), slot == CryosparcFields.Alignments3D, pixels, both);
            var imagePixels = groups.SelectMany(g => g.OpticsGroups).Select(o => o.PixelSize).Distinct().ToList();
            if (pixels.Count > 0 && imagePixels.Count > 0 && pixels.Any(p => !imagePixels.Contains(p)))
                notes.Add($"the shifts are in pixels of {string.Join(", ", pixels.Select(F))} A ({slot}psize_A), "
                          + $"not of the images' {string.Join(", ", imagePixels.Select(F))} A: a conversion must use "
                          + "the former (pyem issue 30)");
        }
        var pathColumn = cs.TryColumn(CryosparcFields.BlobPath) ?? cs.TryColumn(CryosparcFields.MicrographPath)
            ?? cs.TryColumn(CryosparcFields.LocationMicrographPath);
        string? pathForm = null;
        if (pathColumn is not null && cs.RowCount > 0)
        {
            string first = pathColumn.GetString(0);
            pathForm = first.StartsWith(CryosparcPaths.ExportPrefix)
                ? "exported ('>': relative to the .cs file's folder)"
                : System.IO.Path.IsPathRooted(first) ? "absolute" : "relative to the cryoSPARC project folder";
        }
        float? sign = cs.TryColumn(CryosparcFields.BlobSign) is { } s && cs.RowCount > 0 ? s.GetSingle(0) : null;
        return new CryosparcSummary(cs.Path, format, cs.Kind, cs.RowCount, fields, groups, alignments,
            cs.OtherAlignmentSlots,
            Distinct(cs.TryColumn(CryosparcFields.BlobPath)),
                Distinct(cs.TryColumn(CryosparcFields.LocationMicrographPath)),
            pathForm, sign, notes);
    }

    private static int Distinct(NpyColumn? column)
    {
        if (column is null) return 0;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        string last = "\0";
        for (int r = 0; r < column.RowCount; r++)
        {
            string v = column.GetString(r);
            if (v != last) seen.Add(last = v);
        }
        return seen.Count;
    }

    private static string F(float v) => v.ToString(CultureInfo.InvariantCulture);
}
