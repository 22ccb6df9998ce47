namespace CryoMerge.Core.Analysis;

/// <summary>
/// The scales one attempt of the fit may reach: map 2's pixel size within +-<see cref="Fraction"/> of its nominal
/// value (never below a tenth of it), as bounds on the log-scale that every refinement is clamped to.
/// </summary>
internal sealed record ScaleRange(double Fraction)
{
    public double MinLogScale => Math.Log(1 - Math.Min(Fraction, 0.9));

    public double MaxLogScale => Math.Log(1 + Fraction);

    /// <summary>The largest scale allowed: how far map 2 may stretch.</summary>
    public double MaxScale => 1 + Fraction;

    /// <summary>
    /// The scales the global search tries: the nominal one, and for a range wider than +-12 % also every 10 % step
    /// within it (the search's low resolution tolerates a few percent of scale error, not tens).
    /// </summary>
    public double[] CoarseLogScales()
    {
        if (Fraction <= 0.12) return [0];
        var list = new List<double> { 0 };
        for (double s = 0.1; s < Fraction + 1e-9; s += 0.1)
        {
            list.Add(Math.Log(1 + s));
            if (s < 0.9) list.Add(Math.Log(1 - s));
        }
        return list.ToArray();
    }
}
