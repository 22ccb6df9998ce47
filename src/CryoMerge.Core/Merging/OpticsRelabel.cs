using CryoMerge.Core.Formats;

namespace CryoMerge.Core.Merging;

/// <summary>A relabel request: the relative pixel size to give the images, and which optics groups (names or numbers;
/// empty = all).</summary>
public sealed record RelabelRequest(double RelativePixel, IReadOnlyList<string>? OpticsGroups = null,
    DefocusOptions? Defocus = null);

/// <summary>
/// Method 3 (RELION &gt;= 3.1 refines optics groups of different pixel and box sizes together): the chosen optics
/// group(s) get the relative pixel size without any image being touched. The images' pixel size (particles:
/// rlnImagePixelSize; micrographs: rlnMicrographPixelSize; movies: rlnMicrographOriginalPixelSize) becomes the
/// relative pixel size, the group's other pixel sizes follow by the same ratio, defocus as in scale-ctf, origins in
/// Angstrom scale by the ratio (they stay the same number of pixels), coordinates stay. A RELION 3.0 input is
/// converted to 3.1 first (optics groups are what RELION relabels).
/// </summary>
public static class OpticsRelabel
{
    public static MetadataChangeReport RelabelFile(string input, string output, RelabelRequest request) =>
        StarFileTransform.Run(input, output, set =>
        {
            var warnings = new List<string>();
            if (set.Generation == StarGeneration.Relion30 && set.Kind != StarDataKind.Coordinates)
                warnings.Add(
                    $"{input}: a RELION 3.0 file: converted to 3.1 with optics groups as RELION's converter makes " +
                    $"them");
            var converted = Relion30Conversion.ToRelion31(set, warnings);
            var report = Relabel(converted, request);
            return (converted.File, report with { Warnings = [.. warnings, .. report.Warnings] });
        });

    /// <summary>Relabels a RELION 3.1+ data set in memory.</summary>
    public static MetadataChangeReport Relabel(StarDataSet set, RelabelRequest request)
    {
        StarFileTransform.RequirePositive(set.Path, request.RelativePixel, "the relative pixel size");
        if (set.Kind == StarDataKind.Coordinates)
            throw new CryoMergeInputException(set.Path,
                "is a coordinate file without optics groups; relabel the particle or micrograph file");
        if (set.Generation != StarGeneration.Relion31)
            throw new CryoMergeInputException(set.Path,
                "is a RELION 3.0 file; convert it to 3.1 first (cryomerge join converts)");
        var defocus = request.Defocus ?? DefocusOptions.Default;
        if (defocus.Band?.Problem is { } problem) throw new CryoMergeInputException("", $"CTF fit band: {problem}");
        var optics = set.Optics!;
        var chosen = Choose(set, request.OpticsGroups ?? []);
        string pixelLabel = set.Kind switch
        {
            StarDataKind.Particles => RelionLabels.ImagePixelSize,
            StarDataKind.Micrographs => optics.Has(RelionLabels.MicrographPixelSize) ? RelionLabels.MicrographPixelSize
            : RelionLabels.MicrographOriginalPixelSize,
            _ => RelionLabels.MicrographOriginalPixelSize,
        };
        var pixelColumn = set.RequireOptics(pixelLabel, "to know the pixel size being relabelled");
        var old = chosen.ToDictionary(o => o, o => set.Positive(pixelColumn, o, "optics"));
        var distinct = old.Values.Select(v => Math.Round(v, 6)).Distinct().ToList();
        if (distinct.Count > 1)
            throw new CryoMergeInputException(set.Path,
                $"the optics groups to relabel have different pixel sizes " +
                $"({string.Join(", ", chosen.Select(o => $"{set.OpticsName(o)} {StarFileTransform.Format(old[o])} " +
                $"A"))}); name the groups of one pixel size with --optics-group");
        StarFileTransform.RequireDifferent(set.Path, distinct[0], request.RelativePixel,
            "the current and relative pixel sizes");
        var changes = new PixelChange?[optics.RowCount];
        foreach (int o in chosen) changes[o] = new PixelChange(old[o], request.RelativePixel);
        var report = PixelRelabelling.RelabelOpticsGroups(set, changes, defocus);
        return new MetadataChangeReport(set.Path, set.Generation, set.Kind, set.Data.RowCount, report, []);
    }

    /// <summary>Optics-table rows named (by rlnOpticsGroupName or number); all rows when none are named.</summary>
    private static List<int> Choose(StarDataSet set, IReadOnlyList<string> wanted)
    {
        var rows = Enumerable.Range(0, set.Optics!.RowCount).ToList();
        if (wanted.Count == 0) return rows;
        var numbers = set.Optics.Column(RelionLabels.OpticsGroup);
        var chosen = new List<int>();
        foreach (var w in wanted)
        {
            int row = rows.FirstOrDefault(o => set.OpticsName(o) == w, -1);
            if (row < 0 && int.TryParse(w, out int n)) row = rows.FirstOrDefault(o => numbers.GetInt(o) == n, -1);
            if (row < 0)
                throw new CryoMergeInputException(set.Path,
                    $"has no optics group '{w}' (it has {string.Join(", ", rows.Select(o => $"{numbers.GetInt(o)} " +
                    $"{set.OpticsName(o)}"))})");
            if (!chosen.Contains(row)) chosen.Add(row);
        }
        return chosen;
    }
}
