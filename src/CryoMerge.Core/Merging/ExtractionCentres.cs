using CryoMerge.Core.Formats;

namespace CryoMerge.Core.Merging;

/// <summary>
/// RELION extracts a particle at its coordinate truncated to a whole pixel, and its origin (rlnOriginX/YAngst, the
/// priors alike) is relative to that box's centre: the particle is at trunc(X) - origin. Multiplying coordinates by
/// a factor k (rescaled micrographs) moves the truncation: trunc(kX) is not k trunc(X). Origins scaled to the same
/// physical shift would then be off by the difference, up to a pixel. This gives them that difference, so that the
/// box RELION cuts at the new coordinate, shifted by the new origin, is centred on the particle exactly. (relion_
/// preprocess --reextract_data_star without --recenter, and rescale_particles.py, leave it out.)
/// </summary>
public static class ExtractionCentres
{
    /// <summary>The coordinates before they change, to compare with afterwards.</summary>
    public static (double[] X, double[] Y)? Read(StarDataSet set)
    {
        if (set.Data.TryColumn(RelionLabels.CoordinateX) is not { } x
            || set.Data.TryColumn(RelionLabels.CoordinateY) is not { } y)
            return null;
        return (Values(set, x), Values(set, y));
    }

    /// <summary>
    /// After coordinates were multiplied by <paramref name="factor"/> (and written): each origin gains trunc(kX) - k
    /// trunc(X) new
    /// pixels, in Angstrom at <paramref name="pixel"/> (the pixel of the micrographs the coordinates now refer to)
    /// for RELION 3.1's origins, in pixels for RELION 3.0's.
    /// </summary>
    public static void Follow(StarDataSet set, (double[] X, double[] Y) before, double factor, double pixel)
    {
        if (Math.Abs(factor - 1) < 1e-12 || Read(set) is not var (x, y)) return;
        var shiftX = Shifts(before.X, x, factor);
        var shiftY = Shifts(before.Y, y, factor);
        foreach (var (label, shift, scale) in new[]
        {
            (RelionLabels.OriginXAngst, shiftX, pixel), (RelionLabels.OriginXPriorAngst, shiftX, pixel),
            (RelionLabels.OriginYAngst, shiftY, pixel), (RelionLabels.OriginYPriorAngst, shiftY, pixel),
            (RelionLabels.OriginX, shiftX, 1.0), (RelionLabels.OriginXPrior, shiftX, 1.0),
            (RelionLabels.OriginY, shiftY, 1.0), (RelionLabels.OriginYPrior, shiftY, 1.0),
        })
        {
            if (set.Data.TryColumn(label) is not { } column) continue;
            column.RewriteDoubles(i => set.Number(column, i, set.DataBlock.Name) + shift[i] * scale);
        }
    }

    /// <summary>trunc(new) - k trunc(old): the coordinates as written, so the truncation is the one RELION will
    /// make.</summary>
    private static double[] Shifts(double[] before, double[] after, double factor)
    {
        var shifts = new double[before.Length];
        for (int i = 0; i < shifts.Length; i++) shifts[i] = Math.Truncate(after[i]) - Math.Truncate(before[i]) * factor;
        return shifts;
    }

    private static double[] Values(StarDataSet set, StarColumn column)
    {
        var values = new double[column.Count];
        for (int i = 0; i < values.Length; i++) values[i] = set.Number(column, i, set.DataBlock.Name);
        return values;
    }
}
