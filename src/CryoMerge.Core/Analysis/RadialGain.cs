namespace CryoMerge.Core.Analysis;

/// <summary>
/// A radial Fourier gain tabulated at equally spaced spatial frequencies (1/A), linearly interpolated and zero past
/// the table: small and serialisable, so a work item sent to another machine can carry the exact filter.
/// </summary>
/// <param name="Step">Frequency step between entries (1/A); entry i is at i x Step.</param>
/// <param name="Values">Gain at each entry.</param>
public sealed record RadialGain(double Step, double[] Values)
{
    public double this[double k]
    {
        get
        {
            double x = k / Step;
            if (x < 0) return Values[0];
            int i = (int)x;
            if (i >= Values.Length - 1) return i == Values.Length - 1 && x == i ? Values[i] : 0;
            double t = x - i;
            return Values[i] * (1 - t) + Values[i + 1] * t;
        }
    }

    public Func<double, double> AsFunction() => k => this[k];

    /// <summary>Tabulates <paramref name="gain"/> from 0 to <paramref name="maxFrequency"/> in <paramref name="count"/>
    /// steps.</summary>
    public static RadialGain Tabulate(Func<double, double> gain, double maxFrequency, int count = 512)
    {
        double step = maxFrequency / (count - 1);
        var v = new double[count];
        for (int i = 0; i < count; i++) v[i] = gain(i * step);
        return new RadialGain(step, v);
    }
}
