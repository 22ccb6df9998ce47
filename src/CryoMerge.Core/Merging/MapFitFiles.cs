namespace CryoMerge.Core.Merging;

/// <summary>The maps of one pixel-size fit: a data set's map against the reference's (or another data set's).</summary>
/// <param name="ReferencePixel">Pixel size of the reference map to trust (A).</param>
/// <param name="ReferenceHalf2">The reference's second half map, for the range from half maps; null: none.</param>
/// <param name="MapPixel">Pixel size in the header of the data set's map (A), the fit's starting point.</param>
/// <param name="Range">Relative scale range searched about the map's pixel size (0.1 = +-10 %).</param>
public sealed record MapFitFiles(
    string ReferenceMap, double ReferencePixel, string? ReferenceHalf2, string Map, double MapPixel, string? MapHalf2,
    double Range);
