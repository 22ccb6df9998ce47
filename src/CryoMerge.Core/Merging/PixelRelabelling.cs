using CryoMerge.Core.Ctf;
using CryoMerge.Core.Formats;

namespace CryoMerge.Core.Merging;

/// <summary>
/// One relabelled optics group (RELION 3.1+) or one class of rows sharing Cs and voltage (RELION 3.0): the pixel
/// size before and after, the microscope, and the defocus change applied to its rows (null when the rows carry no
/// defocus).
/// </summary>
public sealed record RelabelledGroup(string Name, int? Number, int Rows, double OldPixel, double NewPixel,
    double? CsMm, double? Kilovolts, DefocusChange? Defocus);

/// <summary>What a relabelling changed: the groups and the columns rewritten.</summary>
public sealed record RelabelReport(IReadOnlyList<RelabelledGroup> Groups, IReadOnlyList<string> ChangedColumns);

/// <summary>
/// Changes the pixel size that images are labelled with, without touching any image, and every value that depends
/// on it, as the <see cref="RelionLabels"/> registry says: pixel sizes x r, lengths measured on the images in
/// Angstrom (origins, CTF fit resolution) x r, the CTF B-factor x r^2, RELION 3.0 magnification / r, defocus by
/// <see cref="DefocusOptions"/>; coordinates and origins in pixels stay. r = new pixel / old pixel.
/// This is Method 3 (relabel), scale-ctf, and the metadata half of rescale-particles.
/// </summary>
public static class PixelRelabelling
{
    /// <summary>Relabels every row and optics group by the same change.</summary>
    public static RelabelReport RelabelAll(StarDataSet set, PixelChange change, DefocusOptions defocus) =>
        set.Generation == StarGeneration.Relion31 && set.Kind != StarDataKind.Coordinates
            ? RelabelOpticsGroups(set, Enumerable.Repeat<PixelChange?>(change, set.Optics!.RowCount).ToArray(), defocus)
            : RelabelRows(set, change, defocus);

    /// <summary>RELION 3.1+: relabels the optics groups given a change (by optics-table row; null = untouched) and
    /// their rows.</summary>
    public static RelabelReport RelabelOpticsGroups(StarDataSet set, IReadOnlyList<PixelChange?> changeOfOpticsRow,
        DefocusOptions defocus)
    {
        var optics = set.Optics ?? throw new ArgumentException("not a RELION 3.1 file", nameof(set));
        var opticsRowOfRow = set.OpticsRowOfEachRow();
        bool hasDefocus = HasDefocus(set.Data);
        var classes = new Class?[optics.RowCount];
        var groups = new List<RelabelledGroup>();
        var rowsPerGroup = new int[optics.RowCount];
        foreach (int o in opticsRowOfRow) rowsPerGroup[o]++;
        for (int o = 0; o < optics.RowCount; o++)
        {
            if (changeOfOpticsRow[o] is not { } change) continue;
            CheckChange(set, change);
            var (cs, kv) = Microscope(set, optics, o, "optics",
                hasDefocus || defocus.Correction == DefocusCorrection.ScaleCs, defocus);
            var dc = cs is double c && (kv is double || !defocus.NeedsVoltage) ? defocus.For(change, c, kv ?? 0) : null;
            classes[o] = new Class(change.Ratio, dc);
            groups.Add(new RelabelledGroup(set.OpticsName(o), optics.Column(RelionLabels.OpticsGroup).GetInt(o),
                rowsPerGroup[o],
                change.Old, change.New, cs, kv, hasDefocus ? dc : null));
        }
        var changed = new List<string>();
        foreach (var column in optics.Columns)
        {
            var dependence = RelionLabels.DependenceOf(column.Name);
            if (dependence == PixelDependence.PixelSize)
                Rewrite(set, column, "optics", changed, o => classes[o] is { } k ? set.Positive(column, o,
                    "optics") * k.Ratio : null);
            else if (dependence == PixelDependence.SphericalAberration && defocus.Correction
                == DefocusCorrection.ScaleCs)
                Rewrite(set, column, "optics", changed, o => classes[o]?.Defocus?.NewCs);
        }
        RewriteData(set, i => classes[opticsRowOfRow[i]], changed, relion30: false, scaleCs: false);
        return new RelabelReport(groups, changed);
    }

    /// <summary>RELION 3.0 (or a table without optics): relabels every row; Cs and voltage come from each
    /// row.</summary>
    public static RelabelReport RelabelRows(StarDataSet set, PixelChange change, DefocusOptions defocus)
    {
        CheckChange(set, change);
        var table = set.Data;
        bool hasDefocus = HasDefocus(table);
        var rowClass = new int[table.RowCount];
        var classes = new List<Class>();
        var groups = new List<(double? Cs, double? Kv, int Rows)>();
        var byMicroscope = new Dictionary<(double?, double?), int>();
        bool needMicroscope = hasDefocus || defocus.Correction == DefocusCorrection.ScaleCs;
        for (int r = 0; r < rowClass.Length; r++)
        {
            var key = needMicroscope ? Microscope(set, table, r, set.DataBlock.Name, true, defocus) : (null, null);
            if (!byMicroscope.TryGetValue(key, out int k))
            {
                k = classes.Count;
                byMicroscope[key] = k;
                var dc = key.Item1 is double cs ? defocus.For(change, cs, key.Item2 ?? 0) : null;
                classes.Add(new Class(change.Ratio, dc));
                groups.Add((key.Item1, key.Item2, 0));
            }
            groups[k] = groups[k] with { Rows = groups[k].Rows + 1 };
            rowClass[r] = k;
        }
        var changed = new List<string>();
        RewriteData(set, i => classes[rowClass[i]], changed, relion30: true,
            defocus.Correction == DefocusCorrection.ScaleCs);
        var report = groups.Select((g, k) => new RelabelledGroup(
            g.Cs is null ? "all rows" : $"rows with Cs {g.Cs:0.###} mm{(g.Kv is double v ? $", {v:0.#} kV" : "")}",
            null, g.Rows,
            change.Old, change.New, g.Cs, g.Kv, hasDefocus ? classes[k].Defocus : null)).ToList();
        return new RelabelReport(report, changed);
    }

    private sealed record Class(double Ratio, DefocusChange? Defocus);

    private static void RewriteData(StarDataSet set, Func<int, Class?> classOf, List<string> changed, bool relion30,
        bool scaleCs)
    {
        string name = set.DataBlock.Name;
        var work = new List<(StarColumn Column, Func<int, double?> Map)>();
        foreach (var column in set.Data.Columns)
        {
            var c = column;
            Func<int, double?>? map = RelionLabels.DependenceOf(c.Name) switch
            {
                PixelDependence.Defocus => i => classOf(i) is { Defocus: { } d } ? d.Apply(set.Number(c, i,
                    name)) : null,
                PixelDependence.Angstrom => i => classOf(i) is { } k ? set.Number(c, i, name) * k.Ratio : null,
                PixelDependence.AngstromSquared => i => classOf(i) is { } k ? set.Number(c, i,
                name) * k.Ratio * k.Ratio : null,
                PixelDependence.PixelSize when relion30 => i => classOf(i) is { } k ? set.Positive(c, i,
                name) * k.Ratio : null,
                PixelDependence.Magnification when relion30 => i => classOf(i) is { } k ? set.Positive(c, i,
                name) / k.Ratio : null,
                PixelDependence.SphericalAberration when relion30 && scaleCs => i => classOf(i)?.Defocus?.NewCs,
                _ => null,
            };
            if (map is not null) work.Add((c, map));
        }
        // Columns are independent: rewrite them in parallel (a million-row file has half a dozen such columns).
        RewriteInParallel(work);
        foreach (var (c, _) in work) Note(changed, $"_{c.Name}");
    }

    /// <summary>Rewrites several columns at once; the first input error (in column order) is the one
    /// reported.</summary>
    internal static void RewriteInParallel(IReadOnlyList<(StarColumn Column, Func<int, double?> Map)> work)
    {
        var errors = new Exception?[work.Count];
        Parallel.For(0, work.Count, k =>
        {
            try { work[k].Column.RewriteDoubles(work[k].Map); }
            catch (CryoMergeInputException e) { errors[k] = e; }
        });
        if (errors.FirstOrDefault(e => e is not null) is { } first) throw first;
    }

    private static void Note(List<string> changed, string label)
    {
        if (!changed.Contains(label)) changed.Add(label);
    }

    private static void Rewrite(StarDataSet set, StarColumn column, string table, List<string> changed, Func<int,
        double?> map)
    {
        column.RewriteDoubles(map);
        string label = table == "optics" ? $"data_optics/_{column.Name}" : $"_{column.Name}";
        if (!changed.Contains(label)) changed.Add(label);
    }

    /// <summary>Cs (mm) and voltage (kV) of one optics row or 3.0 data row; errors when needed and missing.</summary>
    private static (double? Cs, double? Kv) Microscope(StarDataSet set, StarTable table, int row, string tableName,
        bool needed, DefocusOptions defocus)
    {
        if (!needed) return (null, null);
        string purpose = "for the defocus correction";
        string where = tableName == "optics" ? "data_optics" : $"data_{tableName}";
        var cs = table.TryColumn(RelionLabels.SphericalAberration)
            ?? throw new CryoMergeInputException(set.Path,
                $"column _{RelionLabels.SphericalAberration} is missing from {where} (needed {purpose})");
        double csValue = set.Number(cs, row, tableName);
        if (csValue < 0) throw new CryoMergeInputException(set.Path,
            $"_{RelionLabels.SphericalAberration} is negative ({cs.Raw(row)}) in row {row + 1} of {where}");
        if (!defocus.NeedsVoltage) return (csValue,
            table.TryColumn(RelionLabels.Voltage) is { } vc && vc.TryGetDouble(row, out double vv) ? vv : null);
        var kv = table.TryColumn(RelionLabels.Voltage)
            ?? throw new CryoMergeInputException(set.Path,
                $"column _{RelionLabels.Voltage} is missing from {where} (needed {purpose})");
        double kvValue = set.Number(kv, row, tableName);
        if (!(kvValue > 0)) throw new CryoMergeInputException(set.Path,
            $"_{RelionLabels.Voltage} is {kv.Raw(row)} in row {row + 1} of {where}; it must be positive (kV)");
        return (csValue, kvValue);
    }

    private static bool HasDefocus(StarTable table) => table.Columns.Any(c => RelionLabels.DependenceOf(c.Name)
        == PixelDependence.Defocus);

    private static void CheckChange(StarDataSet set, PixelChange change)
    {
        if (!(change.Old > 0) || !(change.New > 0))
            throw new CryoMergeInputException(set.Path,
                $"pixel sizes must be positive (old {change.Old}, new {change.New} A)");
    }
}
