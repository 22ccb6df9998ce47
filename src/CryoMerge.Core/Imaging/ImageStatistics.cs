namespace CryoMerge.Core.Imaging;

/// <summary>
/// Minimum, maximum, mean and standard deviation of a set of values, accumulated in double precision with
/// the parallel form of Welford's algorithm so that sections computed on different threads can be combined
/// exactly and a large mean does not swamp a small deviation.
/// </summary>
public readonly record struct ImageStatistics(long Count, double Mean, double M2, float Min, float Max)
{
    public static readonly ImageStatistics Empty = new(0, 0, 0, float.PositiveInfinity, float.NegativeInfinity);

    /// <summary>Population standard deviation (divides by N), as MRC2014's RMS, mrcfile and relion_image_handler --stats define it.</summary>
    public double StdDev => Count > 0 ? Math.Sqrt(M2 / Count) : 0;

    /// <summary>Sample standard deviation (divides by N - 1).</summary>
    public double SampleStdDev => Count > 1 ? Math.Sqrt(M2 / (Count - 1)) : 0;

    /// <summary>Statistics of one span, two-pass for accuracy (the span is in cache).</summary>
    public static ImageStatistics Of(ReadOnlySpan<float> values)
    {
        if (values.IsEmpty) return Empty;
        double sum = 0;
        float min = float.PositiveInfinity, max = float.NegativeInfinity;
        foreach (float v in values)
        {
            sum += v;
            if (v < min) min = v;
            if (v > max) max = v;
        }
        double mean = sum / values.Length;
        double m2 = 0;
        foreach (float v in values)
        {
            double d = v - mean;
            m2 += d * d;
        }
        return new ImageStatistics(values.Length, mean, m2, min, max);
    }

    /// <summary>Combines the statistics of two disjoint sets (Chan, Golub and LeVeque 1979).</summary>
    public ImageStatistics Combine(in ImageStatistics other)
    {
        if (other.Count == 0) return this;
        if (Count == 0) return other;
        long n = Count + other.Count;
        double delta = other.Mean - Mean;
        double mean = Mean + delta * other.Count / n;
        double m2 = M2 + other.M2 + delta * delta * ((double)Count * other.Count / n);
        return new ImageStatistics(n, mean, m2, Math.Min(Min, other.Min), Math.Max(Max, other.Max));
    }
}
