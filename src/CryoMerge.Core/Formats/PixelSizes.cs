using System.Globalization;

namespace CryoMerge.Core.Formats;

/// <summary>A pixel size and where it came from, for messages ("rlnImagePixelSize of optics group 1").</summary>
public sealed record PixelSizeAnswer(double Value, string Source)
{
    public override string ToString() => $"{Value.ToString("0.######", CultureInfo.InvariantCulture)} A ({Source})";
}

/// <summary>Pixel sizes of one optics group of a RELION 3.1+ file.</summary>
public sealed record OpticsGroupPixelSize(int Number, string Name, double? ImagePixelSize, double? MicrographPixelSize,
    double? MicrographOriginalPixelSize, int? ImageSize);

/// <summary>
/// The one place that answers "what is the pixel size" of an image, micrograph or optics group, for every
/// STAR generation (3.0: 10000 x rlnDetectorPixelSize / rlnMagnification per row; 3.1+: the optics table's
/// rlnImagePixelSize, rlnMicrographPixelSize or rlnMicrographOriginalPixelSize) and for MRC headers, and that
/// words a disagreement between two of them.
/// </summary>
public static class PixelSizes
{
    /// <summary>Relative difference above which two pixel sizes are said to disagree.</summary>
    public const double DisagreementTolerance = 1e-4;

    /// <summary>True for RELION 3.1+ files (an optics table); false for 3.0 and other single-table files.</summary>
    public static bool HasOpticsTable(StarFile file) => file.Find("optics")?.Table is not null;

    /// <summary>The main data table: particles, micrographs or movies for 3.1+, else the first loop.</summary>
    public static StarBlock? DataBlock(StarFile file) =>
        file.Blocks.FirstOrDefault(b => b.Table is not null && b.Name is "particles" or "micrographs" or "movies")
        ?? file.Blocks.FirstOrDefault(b => b.Table is not null && b.Name != "optics");

    /// <summary>Pixel sizes of every optics group (empty for 3.0 files).</summary>
    public static IReadOnlyList<OpticsGroupPixelSize> OfOpticsGroups(StarFile file)
    {
        var table = file.Find("optics")?.Table;
        if (table is null) return [];
        var result = new List<OpticsGroupPixelSize>(table.RowCount);
        for (int r = 0; r < table.RowCount; r++)
        {
            int number = table.TryColumn(RelionLabels.OpticsGroup)?.GetInt(r) ?? r + 1;
            string name = table.TryColumn(RelionLabels.OpticsGroupName)?.GetString(r) ?? $"opticsGroup{number}";
            result.Add(new OpticsGroupPixelSize(number, name,
                Positive(table, RelionLabels.ImagePixelSize, r),
                Positive(table, RelionLabels.MicrographPixelSize, r),
                Positive(table, RelionLabels.MicrographOriginalPixelSize, r),
                table.TryColumn(RelionLabels.ImageSize) is { } size && size.TryGetDouble(r, out double s)
                && s is > 0 and <= int.MaxValue ? (int)s : null));
        }
        return result;
    }

    /// <summary>
    /// Pixel size of the image (particle file), micrograph (micrograph file) or movie (movie file) on row
    /// <paramref name="row"/> of <paramref name="block"/>; null when the file does not say.
    /// </summary>
    public static PixelSizeAnswer? OfRow(StarFile file, StarBlock block, int row)
    {
        var table = block.RequireTable();
        if (HasOpticsTable(file) && table.TryColumn(RelionLabels.OpticsGroup) is { } groupColumn)
        {
            int group = groupColumn.GetInt(row);
            var optics = OfOpticsGroups(file).FirstOrDefault(g => g.Number == group);
            if (optics is null) return null;
            return block.Name switch
            {
                "micrographs" => Answer(optics.MicrographPixelSize, RelionLabels.MicrographPixelSize, optics)
                                 ?? Answer(optics.MicrographOriginalPixelSize,
                                     RelionLabels.MicrographOriginalPixelSize, optics),
                "movies" => Answer(optics.MicrographOriginalPixelSize,
                RelionLabels.MicrographOriginalPixelSize, optics),
                _ => Answer(optics.ImagePixelSize, RelionLabels.ImagePixelSize, optics)
                     ?? Answer(optics.MicrographPixelSize, RelionLabels.MicrographPixelSize, optics),
            };
        }
        return FromRelion30Row(table, row);
    }

    /// <summary>RELION 3.0 per-row pixel size: 10000 x rlnDetectorPixelSize / rlnMagnification, else
    /// rlnPixelSize.</summary>
    public static PixelSizeAnswer? FromRelion30Row(StarTable table, int row)
    {
        if (table.TryColumn(RelionLabels.Magnification) is { } mag
            && table.TryColumn(RelionLabels.DetectorPixelSize) is { } det
            && mag.TryGetDouble(row, out double m) && det.TryGetDouble(row, out double d)
            && IsPositive(m) && IsPositive(d) && IsPositive(10000.0 * d / m))
            return new PixelSizeAnswer(10000.0 * d / m, "10000 x rlnDetectorPixelSize / rlnMagnification");
        if (table.TryColumn(RelionLabels.LegacyPixelSize) is { } px && px.TryGetDouble(row, out double p)
            && IsPositive(p))
            return new PixelSizeAnswer(p, RelionLabels.LegacyPixelSize);
        return null;
    }

    /// <summary>Pixel size from an MRC header; null when the header says 0 (unset).</summary>
    public static PixelSizeAnswer? OfMrc(MrcFile mrc)
    {
        double p = mrc.PixelSize.X;
        return p > 0 ? new PixelSizeAnswer(p, "MRC header") : null;
    }

    /// <summary>
    /// A warning when an image's header and its STAR file disagree (e.g. "header 1.0, STAR 1.31"), or null when
    /// they agree. A header of 0 means unset and is reported as such.
    /// </summary>
    public static string? Disagreement(string imagePath, double headerPixel, PixelSizeAnswer star)
    {
        string s = star.Value.ToString("0.######", CultureInfo.InvariantCulture);
        if (headerPixel
            <= 0) return $"{imagePath}: header has no pixel size (0); the STAR file says {s} A ({star.Source})";
        if (Math.Abs(headerPixel - star.Value) <= DisagreementTolerance * star.Value) return null;
        string h = headerPixel.ToString("0.######", CultureInfo.InvariantCulture);
        return $"{imagePath}: pixel size disagrees: header {h} A, STAR {s} A ({star.Source}); RELION uses the STAR " +
            $"value";
    }

    private static double? Positive(StarTable table, string column, int row) =>
        table.TryColumn(column) is { } c && c.TryGetDouble(row, out double v) && IsPositive(v) ? v : null;

    /// <summary>A usable pixel size: positive and finite ("inf" and "1e999" parse as numbers).</summary>
    public static bool IsPositive(double value) => value > 0 && double.IsFinite(value);

    private static PixelSizeAnswer? Answer(double? value, string label, OpticsGroupPixelSize group) =>
        value is double v ? new PixelSizeAnswer(v, $"{label} of optics group {group.Number} ({group.Name})") : null;
}
