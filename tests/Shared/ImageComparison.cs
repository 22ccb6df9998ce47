namespace CryoMerge.Tests;

/// <summary>Measures of how alike two images or maps are, for tests that compare one with another.</summary>
public static class ImageComparison
{
    /// <summary>
    /// Pearson correlation of two images of the same size: 1 for the same image up to an offset and a positive
    /// scale, 0 for unrelated noise, -1 for inverted contrast.
    /// </summary>
    public static double Correlation(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        if (a.Length != b.Length) throw new ArgumentException($"{a.Length} pixels against {b.Length}");
        double meanA = 0, meanB = 0;
        for (int i = 0; i < a.Length; i++) (meanA, meanB) = (meanA + a[i], meanB + b[i]);
        meanA /= a.Length;
        meanB /= b.Length;
        double ab = 0, aa = 0, bb = 0;
        for (int i = 0; i < a.Length; i++)
        {
            double da = a[i] - meanA, db = b[i] - meanB;
            ab += da * db;
            aa += da * da;
            bb += db * db;
        }
        return ab / Math.Sqrt(aa * bb);
    }
}
