using System.Numerics;
using System.Runtime.InteropServices;

namespace CryoMerge.Core.Imaging;

/// <summary>
/// Minimum, maximum, mean and standard deviation of a set of values, accumulated in double precision with
/// the parallel form of Welford's algorithm so that sections computed on different threads can be combined
/// exactly and a large mean does not swamp a small deviation.
/// </summary>
public readonly record struct ImageStatistics(long Count, double Mean, double M2, float Min, float Max)
{
    public static readonly ImageStatistics Empty = new(0, 0, 0, float.PositiveInfinity, float.NegativeInfinity);

    /// <summary>Population standard deviation (divides by N), as MRC2014's RMS, mrcfile and relion_image_handler
    /// --stats define it.</summary>
    public double StdDev => Count > 0 ? Math.Sqrt(M2 / Count) : 0;

    /// <summary>
    /// Statistics of one span, two-pass for accuracy (the span is in cache), SIMD across lanes: sums are
    /// accumulated in double lanes, minimum and maximum in float lanes, then the lanes are combined.
    /// </summary>
    public static ImageStatistics Of(ReadOnlySpan<float> values)
    {
        if (values.IsEmpty) return Empty;
        var vectors = MemoryMarshal.Cast<float, Vector<float>>(values);
        int tail = vectors.Length * Vector<float>.Count;
        var sumLo = Vector<double>.Zero;
        var sumHi = Vector<double>.Zero;
        var vmin = new Vector<float>(float.PositiveInfinity);
        var vmax = new Vector<float>(float.NegativeInfinity);
        foreach (var v in vectors)
        {
            Vector.Widen(v, out var lo, out var hi);
            sumLo += lo;
            sumHi += hi;
            // As the scalar tail: a NaN never replaces the minimum or maximum.
            vmin = Vector.ConditionalSelect(Vector.LessThan(v, vmin), v, vmin);
            vmax = Vector.ConditionalSelect(Vector.GreaterThan(v, vmax), v, vmax);
        }
        double sum = Vector.Sum(sumLo) + Vector.Sum(sumHi);
        float min = float.PositiveInfinity, max = float.NegativeInfinity;
        for (int i = 0; i < Vector<float>.Count; i++)
        {
            if (vmin[i] < min) min = vmin[i];
            if (vmax[i] > max) max = vmax[i];
        }
        foreach (float v in values[tail..])
        {
            sum += v;
            if (v < min) min = v;
            if (v > max) max = v;
        }
        double mean = sum / values.Length;
        var vmean = new Vector<double>(mean);
        var m2Lo = Vector<double>.Zero;
        var m2Hi = Vector<double>.Zero;
        foreach (var v in vectors)
        {
            Vector.Widen(v, out var lo, out var hi);
            var dLo = lo - vmean;
            var dHi = hi - vmean;
            m2Lo += dLo * dLo;
            m2Hi += dHi * dHi;
        }
        double m2 = Vector.Sum(m2Lo) + Vector.Sum(m2Hi);
        foreach (float v in values[tail..])
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
