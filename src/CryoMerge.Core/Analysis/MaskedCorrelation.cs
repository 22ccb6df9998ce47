using CryoMerge.Core.Imaging;

namespace CryoMerge.Core.Analysis;

/// <summary>
/// Real-space correlation about the mean, weighted by a mask (Chimera's "correlation about mean", cam):
/// sum w (a - a_w)(b - b_w) / sqrt(sum w (a - a_w)^2 sum w (b - b_w)^2), with a_w, b_w the weighted means.
/// </summary>
public static class MaskedCorrelation
{
    /// <summary>The weighted correlation of two grids of one shape; weights null means all 1. NaN when a map is flat
    /// under the mask.</summary>
    public static double Compute(Grid a, Grid b, Grid? weights = null)
    {
        if (a.Shape != b.Shape || (weights is not null && weights.Shape != a.Shape))
            throw new ArgumentException("correlation needs grids of one shape");
        return Compute(a.Data, b.Data, weights?.Data);
    }

    public static double Compute(ReadOnlySpan<float> a, ReadOnlySpan<float> b, ReadOnlySpan<float> weights)
    {
        if (a.Length != b.Length || (!weights.IsEmpty && weights.Length != a.Length))
            throw new ArgumentException("correlation needs arrays of one length");
        double sw = 0, sa = 0, sb = 0;
        for (int i = 0; i < a.Length; i++)
        {
            double w = weights.IsEmpty ? 1 : weights[i];
            if (w <= 0) continue;
            sw += w;
            sa += w * a[i];
            sb += w * b[i];
        }
        if (sw <= 0) return double.NaN;
        double ma = sa / sw, mb = sb / sw, sab = 0, saa = 0, sbb = 0;
        for (int i = 0; i < a.Length; i++)
        {
            double w = weights.IsEmpty ? 1 : weights[i];
            if (w <= 0) continue;
            double da = a[i] - ma, db = b[i] - mb;
            sab += w * da * db;
            saa += w * da * da;
            sbb += w * db * db;
        }
        return saa > 0 && sbb > 0 ? sab / Math.Sqrt(saa * sbb) : double.NaN;
    }
}
