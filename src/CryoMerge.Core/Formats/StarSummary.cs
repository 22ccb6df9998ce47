namespace CryoMerge.Core.Formats;

/// <summary>One block as <c>cryomerge info</c> lists it.</summary>
public sealed record StarBlockSummary(string Name, bool IsLoop, int Rows, IReadOnlyList<string> Columns, int Pairs);

/// <summary>What <c>cryomerge info</c> reports about a STAR file.</summary>
public sealed record StarSummary(
    string Path,
    string Generation,
    int? Version,
    IReadOnlyList<StarBlockSummary> Blocks,
    IReadOnlyList<OpticsGroupPixelSize> OpticsGroups,
    IReadOnlyList<PixelSizeAnswer> Relion30PixelSizes,
    IReadOnlyList<string> Warnings)
{
    /// <summary>
    /// Summarises a STAR file. When <paramref name="checkImages"/> is set, the first image (or micrograph) of
    /// each optics group or pixel size is opened, if it can be found, and its header pixel size compared with
    /// the STAR value.
    /// </summary>
    public static StarSummary Of(StarFile star, string path, bool checkImages = true)
    {
        var blocks = star.Blocks.Select(b => new StarBlockSummary(b.Name, b.Table is not null, b.Table?.RowCount ?? 0,
            b.Table?.ColumnNames.ToArray() ?? b.Pairs.Items.Select(p => p.Name).ToArray(), b.Pairs.Count)).ToList();
        bool optics = PixelSizes.HasOpticsTable(star);
        var groups = PixelSizes.OfOpticsGroups(star);
        var data = PixelSizes.DataBlock(star);
        var old = new List<PixelSizeAnswer>();
        if (!optics && data?.Table is { } table)
        {
            var seen = new HashSet<double>();
            for (int r = 0; r < table.RowCount; r++)
                if (PixelSizes.FromRelion30Row(table, r) is { } answer && seen.Add(Math.Round(answer.Value,
                    6))) old.Add(answer);
        }
        var warnings = checkImages && data is not null ? CheckImageHeaders(star, data, path) : [];
        int? version = star.Blocks.Select(b => b.Version).FirstOrDefault(v => v is not null);
        string generation = optics ? (version is >= 50000 ? "RELION 5" : version is >= 40000 ? "RELION 4"
            : "RELION 3.1+") :
            data?.Table?.Has(RelionLabels.ImageName) == true || data?.Table?.Has(RelionLabels.MicrographName) == true
            ? "RELION 3.0" : "STAR";
        return new StarSummary(path, generation, version, blocks, groups, old, warnings);
    }

    private static List<string> CheckImageHeaders(StarFile star, StarBlock data, string starPath)
    {
        var table = data.Table!;
        string? column = table.Has(RelionLabels.ImageName) ? RelionLabels.ImageName
            : table.Has(RelionLabels.MicrographName) && data.Name != "movies" ? RelionLabels.MicrographName : null;
        var warnings = new List<string>();
        if (column is null) return warnings;
        var checkedKeys = new HashSet<string>();
        for (int r = 0; r < table.RowCount; r++)
        {
            var answer = PixelSizes.OfRow(star, data, r);
            if (answer is null) continue;
            string key = table.TryColumn(RelionLabels.OpticsGroup)?.Raw(r) ?? answer.Value.ToString("R");
            if (!checkedKeys.Add(key)) continue;
            string name;
            try { name = RelionPaths.SplitImageName(table.GetString(r, column)).Path; }
            catch (FormatException) { continue; }
            var found = RelionPaths.Resolve(name, starPath);
            if (found is null) continue;
            try
            {
                using var mrc = MrcFile.Open(found, MrcReadOptions.Permissive);
                if (PixelSizes.Disagreement(name, mrc.PixelSize.X, answer) is { } w) warnings.Add(w);
            }
            catch (CryoMergeInputException e)
            {
                warnings.Add($"{name}: cannot be checked: {e.Problem}");
            }
        }
        return warnings;
    }
}
