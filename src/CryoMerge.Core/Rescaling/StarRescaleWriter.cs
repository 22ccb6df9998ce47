using CryoMerge.Core.Formats;

namespace CryoMerge.Core.Rescaling;

/// <summary>A pixel size changed in the new STAR file: per optics group (3.1+), or per distinct value (3.0, Group
/// null).</summary>
public sealed record PixelSizeChange(int? Group, string? GroupName, double OldPixelSize, double NewPixelSize,
    string Columns);

/// <summary>What rescaling the files of a STAR file did.</summary>
public sealed record StarRescaleSummary(string Star, string OutputStar, string PathColumn, int Rows,
    IReadOnlyList<RescaleResult> Results,
    IReadOnlyList<PixelSizeChange> PixelSizes, IReadOnlyList<string> Warnings);

/// <summary>
/// Writes the new STAR file once every listed file is rescaled: new names, and the pixel-size values RELION
/// reads for them. RELION 3.1+: rlnMicrographPixelSize of each optics group for micrographs (the movies, and so
/// rlnMicrographOriginalPixelSize, are unchanged), rlnMicrographOriginalPixelSize for movies (and
/// rlnMicrographPixelSize, if present, scaled by the same factor, keeping the binning). RELION 3.0: per row,
/// rlnMagnification = 10000 x rlnDetectorPixelSize / new pixel (columns added when missing), and rlnPixelSize
/// if present. Every other value keeps its text.
/// </summary>
public static class StarRescaleWriter
{
    /// <param name="results">One result per <see cref="StarRescalePlan.Items"/> entry, in the same order.</param>
    public static StarRescaleSummary Write(StarRescalePlan plan, IReadOnlyList<RescaleResult> results)
    {
        if (results.Count
            != plan.Items.Count) throw new ArgumentException(
            $"{plan.Items.Count} results are needed, not {results.Count}");
        return Write(plan, results, results.Select(r => (r.InputPixelSize, r.PixelSize)).ToList());
    }

    /// <summary>
    /// Writes the new STAR file from the plan alone: the pixel sizes reached are fixed by each file's header and
    /// the options, so a step that runs after the files were rescaled elsewhere (another node) needs no results.
    /// Every output must exist.
    /// </summary>
    public static StarRescaleSummary Write(StarRescalePlan plan)
    {
        foreach (var item in plan.Items)
            if (!File.Exists(item.Output)) throw new CryoMergeInputException(item.Output,
                $"rescaled file of {item.NameInStar} is missing");
        return Write(plan, [], plan.Items.Select(i => (i.Plan.Image.InputPixelSize,
            i.Plan.Image.OutputPixelSize)).ToList());
    }

    private static StarRescaleSummary Write(StarRescalePlan plan, IReadOnlyList<RescaleResult> results,
        IReadOnlyList<(double In, double Out)> pixels)
    {
        var table = plan.Block.RequireTable();
        var newNames = plan.Items.Select(i => StarValues.Quote(i.NewNameInStar)).ToArray();
        table.Column(plan.PathColumn).SetAll(row => newNames[plan.ItemOfRow[row]]);
        var changes = plan.HasOpticsTable ? UpdateOptics(plan, pixels) : UpdateRelion30Rows(plan, pixels);
        plan.Star.Write(plan.OutputStar);
        return new StarRescaleSummary(plan.StarPath, plan.OutputStar, plan.PathColumn, table.RowCount, results, changes,
            plan.Warnings);
    }

    private static List<PixelSizeChange> UpdateOptics(StarRescalePlan plan, IReadOnlyList<(double In,
        double Out)> pixels)
    {
        var optics = plan.Star.Block("optics").RequireTable();
        var groups = PixelSizes.OfOpticsGroups(plan.Star);
        // New pixel size per optics row (groups without listed files keep theirs).
        var newPixel = new double?[optics.RowCount];
        var oldPixel = new double?[optics.RowCount];
        var rowOfGroup = new Dictionary<int, int>();
        for (int row = 0; row < groups.Count; row++) rowOfGroup.TryAdd(groups[row].Number, row);
        for (int i = 0; i < plan.Items.Count; i++)
        {
            int row = plan.Items[i].OpticsGroup is int g && rowOfGroup.TryGetValue(g, out int r) ? r : -1;
            if (row < 0) throw new CryoMergeInputException(plan.StarPath,
                $"optics group {plan.Items[i].OpticsGroup} of {plan.Items[i].NameInStar} is not in data_optics");
            newPixel[row] ??= pixels[i].Out;
            oldPixel[row] ??= pixels[i].In;
        }
        string main = plan.IsMovies ? RelionLabels.MicrographOriginalPixelSize : RelionLabels.MicrographPixelSize;
        var column = optics.TryColumn(main) ?? optics.AddColumn(main, row => StarValues.FormatDouble(
            (plan.IsMovies ? groups[row].MicrographOriginalPixelSize : groups[row].MicrographPixelSize
            ?? groups[row].MicrographOriginalPixelSize)
            ?? newPixel[row] ?? 0));
        var binned = plan.IsMovies ? optics.TryColumn(RelionLabels.MicrographPixelSize) : null;
        var changes = new List<PixelSizeChange>();
        for (int row = 0; row < optics.RowCount; row++)
        {
            if (newPixel[row] is not double p || oldPixel[row] is not double old) continue;
            column.SetDouble(row, p);
            string columns = main;
            if (binned is not null && binned.TryGetDouble(row, out double b) && b > 0)
            {
                binned.SetDouble(row, b * p / old);
                columns += " " + RelionLabels.MicrographPixelSize;
            }
            changes.Add(new PixelSizeChange(groups[row].Number, groups[row].Name, old, p, columns));
        }
        return changes;
    }

    private static List<PixelSizeChange> UpdateRelion30Rows(StarRescalePlan plan, IReadOnlyList<(double In,
        double Out)> pixels)
    {
        var table = plan.Block.RequireTable();
        double NewPixel(int row) => pixels[plan.ItemOfRow[row]].Out;
        var mag = table.TryColumn(RelionLabels.Magnification);
        var det = table.TryColumn(RelionLabels.DetectorPixelSize);
        var legacy = table.TryColumn(RelionLabels.LegacyPixelSize);
        var columns = new List<string>();
        if (legacy is not null)
        {
            legacy.SetAll(row => StarValues.FormatDouble(NewPixel(row)));
            columns.Add(RelionLabels.LegacyPixelSize);
        }
        if (mag is not null && det is not null)
        {
            mag.SetAll(row => StarValues.FormatDouble(10000.0 * det.GetDouble(row) / NewPixel(row)));
        }
        else if (mag is not null)
        {
            table.AddColumn(RelionLabels.DetectorPixelSize,
                row => StarValues.FormatDouble(NewPixel(row) * mag.GetDouble(row) / 10000.0));
        }
        else if (det is not null)
        {
            table.AddColumn(RelionLabels.Magnification,
                row => StarValues.FormatDouble(10000.0 * det.GetDouble(row) / NewPixel(row)));
        }
        else if (legacy is null)
        {
            table.AddColumn(RelionLabels.Magnification, StarValues.FormatDouble(10000.0));
            table.AddColumn(RelionLabels.DetectorPixelSize, row => StarValues.FormatDouble(NewPixel(row)));
        }
        if (table.Has(RelionLabels.Magnification)) columns.Add(
            $"{RelionLabels.Magnification} {RelionLabels.DetectorPixelSize}");
        return pixels.Distinct()
            .Select(p => new PixelSizeChange(null, null, p.In, p.Out, string.Join(" ", columns))).ToList();
    }
}
