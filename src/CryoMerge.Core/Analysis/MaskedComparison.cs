using CryoMerge.Core.Imaging;

namespace CryoMerge.Core.Analysis;

/// <summary>
/// The masked FSC of map 1 against map 2 placed on map 1's grid by a pose, with the mean power per Fourier component of
/// each masked map per shell. Both powers come from the same Fourier components of the same region, so their ratio is
/// free of the particle's own speckle and measures how differently the two maps are blurred and filtered.
/// </summary>
/// <param name="MaskSquares">Sum of the squared mask over map 1's grid (noise power in a masked map scales with
/// it).</param>
public sealed record MaskedComparison(FscCurve Curve, double[] ReferencePower, double[] MapPower, double MaskSquares)
{
    /// <summary>
    /// Resamples map 2 (its cubic B-spline) at every voxel of map 1 where the mask is non-zero, as the pose says,
    /// multiplies both by the mask and compares shell by shell (physical shells, the same as RELION's for a cubic box).
    /// </summary>
    internal static MaskedComparison Compute(IFftBackend fft, MapVolume reference, Grid mask, MovingMap map,
        ScalePose pose)
    {
        var s = reference.Shape;
        double p1 = reference.PixelSize;
        var c1 = reference.Centre;
        var moved = new Grid(s);
        var fixedMasked = new Grid(s);
        var linT = pose.Linear.Transpose();
        double invS = 1 / pose.Scale;
        var t = pose.Translation;
        var spline = map.Spline;
        var voxel = map.Voxel;
        var c2 = map.Centre;
        double m2 = 0;
        foreach (float w in mask.Data) m2 += (double)w * w;
        Parallel.For(0, s.Z, k =>
        {
            for (int j = 0; j < s.Y; j++)
                for (int i = 0; i < s.X; i++)
                {
                    float w = mask[i, j, k];
                    if (w <= 0) continue;
                    var u = new Vector3d((i - c1.X) * p1 - t.X, (j - c1.Y) * p1 - t.Y, (k - c1.Z) * p1 - t.Z);
                    var v = linT.Apply(u);
                    double g = spline.Sample(c2.X + v.X * invS / voxel.X, c2.Y + v.Y * invS / voxel.Y,
                        c2.Z + v.Z * invS / voxel.Z);
                    moved[i, j, k] = (float)(g * w);
                    fixedMasked[i, j, k] = reference.Grid[i, j, k] * w;
                }
        });
        var fa = FourierShellCorrelation.Transform(fft, fixedMasked);
        var fb = FourierShellCorrelation.Transform(fft, moved);
        var sums = FourierShellCorrelation.ShellSums(s, fa, fb, FourierShellCorrelation.ShellRule.Physical);
        var curve = FourierShellCorrelation.FromSums(s, sums, p1, FourierShellCorrelation.ShellRule.Physical);
        var pa = new double[curve.ShellCount];
        var pb = new double[curve.ShellCount];
        for (int i = 0; i < pa.Length; i++)
        {
            long n = Math.Max(1, sums.Counts[i]);
            pa[i] = sums.Den1[i] / n;
            pb[i] = sums.Den2[i] / n;
        }
        return new MaskedComparison(curve, pa, pb, m2);
    }

    /// <summary>
    /// Map 2 resampled (its cubic B-spline) on map 1's grid as the pose says: at every voxel, or only where
    /// <paramref name="mask"/> is above zero (zero elsewhere). The same placement as <see cref="Compute"/>'s, unmasked.
    /// </summary>
    internal static Grid Place(MapVolume reference, Grid? mask, MovingMap map, ScalePose pose)
    {
        var s = reference.Shape;
        double p1 = reference.PixelSize;
        var c1 = reference.Centre;
        var moved = new Grid(s);
        var linT = pose.Linear.Transpose();
        double invS = 1 / pose.Scale;
        var t = pose.Translation;
        var spline = map.Spline;
        var voxel = map.Voxel;
        var c2 = map.Centre;
        Parallel.For(0, s.Z, k =>
        {
            for (int j = 0; j < s.Y; j++)
                for (int i = 0; i < s.X; i++)
                {
                    if (mask is not null && mask[i, j, k] <= 0) continue;
                    var u = new Vector3d((i - c1.X) * p1 - t.X, (j - c1.Y) * p1 - t.Y, (k - c1.Z) * p1 - t.Z);
                    var v = linT.Apply(u);
                    moved[i, j, k] = (float)spline.Sample(c2.X + v.X * invS / voxel.X, c2.Y + v.Y * invS / voxel.Y,
                        c2.Z + v.Z * invS / voxel.Z);
                }
        });
        return moved;
    }
}
