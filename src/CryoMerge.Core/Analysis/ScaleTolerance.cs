namespace CryoMerge.Core.Analysis;

/// <summary>How much a relative scale error costs, in the terms of the advice of science.md section 5.</summary>
public enum ToleranceVerdict
{
    /// <summary>At or below 0.3 d/D: correlation at the resolution about 0.9 or better; no visible loss.</summary>
    Negligible,
    /// <summary>Up to d/D: the rim of the particle moves by up to half the resolution; a small loss.</summary>
    Acceptable,
    /// <summary>Up to 2 d/D: a clear loss at the target resolution; merge only if the gain in particles is worth
    /// it.</summary>
    Warning,
    /// <summary>Above 2 d/D: the rim moves by more than the resolution; do not merge at this scale.</summary>
    TooLarge,
}

/// <summary>The model's answer for one particle diameter, resolution and (optionally) error.</summary>
/// <param name="DiameterA">Largest dimension of the particle, A.</param>
/// <param name="ResolutionA">Resolution aimed at after merging, A.</param>
/// <param name="RelativeError">Relative scale error (fraction, 0.01 = 1 %), or null when only limits are asked
/// for.</param>
/// <param name="Correlation">Correlation at the resolution for that error (sphere form factor), or null.</param>
/// <param name="Verdict">Where the error falls, or null.</param>
/// <param name="AimAt">0.3 d/D: aim at or below this error.</param>
/// <param name="WarnAbove">d/D.</param>
/// <param name="RefuseAbove">2 d/D.</param>
/// <param name="LargestErrorAt">The largest error keeping the correlation at 0.9, 0.5 and 0.143.</param>
/// <param name="BestResolutionA">The finest resolution at which the error keeps a correlation of 0.5, or null.</param>
public sealed record ToleranceAdvice(double DiameterA, double ResolutionA, double? RelativeError, double? Correlation,
    ToleranceVerdict? Verdict, double AimAt, double WarnAbove, double RefuseAbove,
    IReadOnlyList<ErrorLimit> LargestErrorAt, double? BestResolutionA);

/// <summary>The largest relative error (fraction) that keeps the correlation at the resolution at <paramref
/// name="Correlation"/>.</summary>
public sealed record ErrorLimit(double Correlation, double RelativeError);

/// <summary>
/// The tolerance of a merge to a relative scale error e (science.md section 5): a map scaled by 1 + e moves a
/// feature at radius rho by e rho; for density filling a sphere of diameter D, the correlation with the correctly
/// scaled map in the shell at resolution d is the sphere form factor 3(sin x - x cos x)/x^3 with x = pi e D / d.
/// Correlation 0.9 at x = 1.0 (e = 0.32 d/D), 0.5 at x = 2.5 (0.8 d/D), 0.143 at x = 3.75 (1.2 d/D), zero at
/// x = 4.493. The paper (spliceosome, D about 250 A, 3.7 A) found 0.5-2 % acceptable and 7 % harmful: a merged
/// refinement is more forgiving than two maps, so the advice warns above d/D and refuses above 2 d/D.
/// </summary>
public static class ScaleTolerance
{
    public const double AimFactor = 0.3;
    public const double WarnFactor = 1.0;
    public const double RefuseFactor = 2.0;

    /// <summary>First zero of the sphere form factor.</summary>
    public const double FirstZero = 4.493409457909064;

    /// <summary>The sphere form factor 3(sin x - x cos x)/x^3 (1 at x = 0).</summary>
    public static double FormFactor(double x)
    {
        x = Math.Abs(x);
        if (x < 1e-3) return 1 - x * x / 10 + x * x * x * x / 280;
        return 3 * (Math.Sin(x) - x * Math.Cos(x)) / (x * x * x);
    }

    /// <summary>Correlation at resolution d (A) between maps of a particle of diameter D (A) mis-scaled by e
    /// (fraction).</summary>
    public static double Correlation(double relativeError, double diameterA, double resolutionA)
    {
        Check(diameterA, resolutionA);
        return FormFactor(Math.PI * relativeError * diameterA / resolutionA);
    }

    /// <summary>The largest relative error (fraction) keeping the correlation at resolution d at or above <paramref
    /// name="correlation"/> (0 &lt; c &lt; 1).</summary>
    public static double LargestError(double diameterA, double resolutionA, double correlation)
    {
        Check(diameterA, resolutionA);
        if (!(correlation > 0 && correlation < 1)) throw new ArgumentOutOfRangeException(nameof(correlation),
            correlation, "must lie between 0 and 1");
        return XForCorrelation(correlation) * resolutionA / (Math.PI * diameterA);
    }

    /// <summary>The finest resolution (A) at which an error e keeps the correlation at <paramref
    /// name="correlation"/>.</summary>
    public static double BestResolution(double relativeError, double diameterA, double correlation = 0.5) =>
        Math.PI * Math.Abs(relativeError) * diameterA / XForCorrelation(correlation);

    public static ToleranceVerdict VerdictFor(double relativeError, double diameterA, double resolutionA)
    {
        Check(diameterA, resolutionA);
        double units = Math.Abs(relativeError) * diameterA / resolutionA;
        return units <= AimFactor ? ToleranceVerdict.Negligible
            : units <= WarnFactor ? ToleranceVerdict.Acceptable
            : units <= RefuseFactor ? ToleranceVerdict.Warning
            : ToleranceVerdict.TooLarge;
    }

    public static ToleranceAdvice Advise(double diameterA, double resolutionA, double? relativeError = null)
    {
        Check(diameterA, resolutionA);
        double unit = resolutionA / diameterA;
        var limits = new[] { 0.9, 0.5, 0.143 }.Select(c => new ErrorLimit(c, LargestError(diameterA, resolutionA,
            c))).ToList();
        return new ToleranceAdvice(diameterA, resolutionA, relativeError,
            relativeError is double e ? Correlation(e, diameterA, resolutionA) : null,
            relativeError is double e2 ? VerdictFor(e2, diameterA, resolutionA) : null,
            AimFactor * unit, WarnFactor * unit, RefuseFactor * unit, limits,
            relativeError is double e3 && e3 != 0 ? BestResolution(e3, diameterA) : null);
    }

    /// <summary>x in [0, first zero] where the form factor equals c (it falls monotonically there).</summary>
    private static double XForCorrelation(double c)
    {
        double lo = 0, hi = FirstZero;
        for (int i = 0; i < 100; i++)
        {
            double mid = 0.5 * (lo + hi);
            if (FormFactor(mid) > c) lo = mid; else hi = mid;
        }
        return 0.5 * (lo + hi);
    }

    private static void Check(double diameterA, double resolutionA)
    {
        if (!(diameterA > 0) || double.IsInfinity(diameterA)) throw new ArgumentOutOfRangeException(nameof(diameterA),
            diameterA, "the particle diameter must be positive (A)");
        if (!(resolutionA > 0)
            || double.IsInfinity(resolutionA)) throw new ArgumentOutOfRangeException(nameof(resolutionA), resolutionA,
            "the resolution must be positive (A)");
    }
}
