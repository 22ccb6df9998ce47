using System.Globalization;

namespace CryoMerge.Core.Analysis;

/// <summary>
/// Where the width of the fit's range comes from, each part a relative (log-scale) standard error. The statistical
/// error is the largest of the independent estimates; the systematic one adds a fixed allowance and how much the
/// answer depends on the filters; the two add in quadrature.
/// </summary>
/// <param name="Curvature">From the cluster-robust sandwich covariance of the final objective.</param>
/// <param name="NoiseResponse">RMS response to simulated noise like the maps' own; null without replicates.</param>
/// <param name="HalfMaps">Half the difference between the two half-map fits; null without half maps.</param>
/// <param name="FilterSensitivity">How far the answer moved between the resolution rounds.</param>
/// <param name="SystematicAllowance">The fixed allowance, <see cref="ScaleErrorBars.SystematicRelativeError"/>.</param>
/// <param name="NoiseBias">The bias noise put into the answer, estimated by the replicates and removed from it.</param>
public sealed record ScaleErrorBudget(double Curvature, double? NoiseResponse, double? HalfMaps,
    double FilterSensitivity, double SystematicAllowance, double NoiseBias)
{
    /// <summary>The largest statistical estimate: each alone can miss what another sees.</summary>
    public double Statistical => Math.Max(Math.Max(Curvature, NoiseResponse ?? 0), HalfMaps ?? 0);

    public double Systematic =>
        Math.Sqrt(SystematicAllowance * SystematicAllowance + FilterSensitivity * FilterSensitivity);

    /// <summary>The relative standard error of the answer.</summary>
    public double Total => Math.Sqrt(Statistical * Statistical + Systematic * Systematic);
}

/// <summary>
/// The answer with its noise bias removed, where its error comes from, and what the user should know.
/// </summary>
internal sealed record ScaleErrors(ScalePose Pose, ScaleErrorBudget Budget, HalfMapEstimate? HalfMaps,
    IReadOnlyList<string> Warnings);

/// <summary>
/// Step 4 of <see cref="ScaleFitter"/>, error bars: the curvature of the final objective (cluster-robust sandwich),
/// refits with simulated noise (which also remove the bias noise gives a correlation fit), the half-map fits when
/// there are half maps, the filter sensitivity between the rounds, and a systematic allowance.
/// </summary>
internal static class ScaleErrorBars
{
    /// <summary>
    /// Relative systematic allowance added in quadrature to the statistical error: interpolation in how a map was
    /// made and residual spectral mismatch. The DAQ pair (one map resampled from the other's region) comes out
    /// 0.066 % from its true ratio whatever the mask and filters, beyond what the curvature and the filter
    /// sensitivity see.
    /// </summary>
    public const double SystematicRelativeError = 2e-4;

    /// <summary>The relative error assumed when the curvature cannot be computed (singular normal equations).</summary>
    public const double FallbackRelativeError = 0.01;

    public static ScaleErrors Estimate(ScaleFitFrame frame, ResolvedFit fit, Action<string> log)
    {
        // The simulated noise maps do not depend on the curvature: their objectives are built meanwhile.
        var noise = Task.Run(() => NoiseObjectives(frame, fit.Level));
        var warnings = new List<string>();
        double curvature = CurvatureError(fit.Objective, fit.Pose) ?? Fallback(warnings);
        var replicates = noise.GetAwaiter().GetResult() is { } noises
            ? NoiseReplicates(fit.Level, fit.Objective, fit.Pose, noises)
            : null;
        if (replicates is not null)
            log(string.Create(CultureInfo.InvariantCulture,
                $"noise replicates: bias {replicates.Bias * 100:+0.0000;-0.0000} % (removed), " +
                $"response {replicates.Response * 100:0.0000} % against {curvature * 100:0.0000} % from the fit"));
        var pose = fit.Pose with { LogScale = fit.Pose.LogScale - (replicates?.Bias ?? 0) };
        double? halfError = null;
        HalfMapEstimate? halfMaps = null;
        if (HalfMaps(frame, fit.Level, pose) is (double a, double b))
        {
            double error = Math.Abs(a - b) / 2, p2 = frame.Map.PixelSize;
            halfError = error;
            halfMaps = new HalfMapEstimate(p2 * Math.Exp(a), p2 * Math.Exp(b), p2 * Math.Exp(pose.LogScale) * error);
            double fitError = Math.Max(curvature, replicates?.Response ?? 0);
            log(string.Create(CultureInfo.InvariantCulture,
                $"half maps: scales {Math.Exp(a):0.######} and {Math.Exp(b):0.######} " +
                $"(error {error:0.#######} against {fitError:0.#######} from the fit)"));
        }
        var budget = new ScaleErrorBudget(curvature, replicates?.Response, halfError, fit.FilterSensitivity,
            SystematicRelativeError, replicates?.Bias ?? 0);
        log(string.Create(CultureInfo.InvariantCulture,
            $"error: statistical {budget.Statistical * 100:0.####} %, " +
            $"filter sensitivity {budget.FilterSensitivity * 100:0.####} %, " +
            $"systematic allowance {SystematicRelativeError * 100:0.####} %"));
        return new ScaleErrors(pose, budget, halfMaps, warnings);
    }

    private static double Fallback(List<string> warnings)
    {
        warnings.Add("the error estimate failed (singular normal equations); the range is a rough guess");
        return FallbackRelativeError;
    }

    /// <summary>The standard error of the log-scale from the sandwich covariance; null when it is singular.</summary>
    internal static double? CurvatureError(ScaleObjective objective, ScalePose pose)
    {
        var cov = objective.Covariance(pose);
        return cov is null || !(cov[0, 0] > 0) ? null : Math.Sqrt(cov[0, 0]);
    }

    /// <summary>
    /// The objectives of simulated noise alone, one per replicate pair, at the fit's level; null if none.
    /// </summary>
    private static ScaleObjective[]? NoiseObjectives(ScaleFitFrame frame, ScaleLevel level) =>
        frame.NoiseMaps.GetAwaiter().GetResult()?
            .Select(n => level.Build(frame.Fft, frame.ReferenceTapered with { Grid = n.Reference }, frame.Mask,
                frame.MapTapered with { Grid = n.Map }))
            .ToArray();

    /// <summary>The noise bias of a fit and the RMS response of its log-scale to noise like the maps' own.</summary>
    internal sealed record NoiseReplicateOutcome(double Bias, double Response);

    /// <summary>
    /// SIMEX with antithetic pairs: refits with as much simulated noise again in both maps, once added and once
    /// subtracted. Within a pair the first-order response to the simulated noise cancels, so half the pair's sum
    /// less the answer is the second-order (bias) effect of that much noise; to first order the bias grows with
    /// the noise variance, so this is the bias the maps' own noise put into the answer. Half the pair's difference
    /// is the first-order response: its spread is another estimate of the standard error.
    /// </summary>
    internal static NoiseReplicateOutcome NoiseReplicates(ScaleLevel level, ScaleObjective objective, ScalePose pose,
        ScaleObjective[] noises)
    {
        int pairs = noises.Length;
        double noisier = 2 * level.MapNoiseVariance;
        var bias = new double[pairs];
        var response = new double[pairs];
        for (int i = 0; i < pairs; i++)
        {
            // The objective is linear in the maps: the noise alone, added to and subtracted from the fit's.
            double plus = Refit(objective.Plus(noises[i], 1, noisier), pose) - pose.LogScale;
            double minus = Refit(objective.Plus(noises[i], -1, noisier), pose) - pose.LogScale;
            bias[i] = (plus + minus) / 2;
            response[i] = (plus - minus) / 2;
        }
        // The spread from a few pairs is itself uncertain: the budget keeps the larger of it and the curvature's.
        return new NoiseReplicateOutcome(bias.Average(), Math.Sqrt(response.Sum(x => x * x) / pairs));
    }

    /// <summary>
    /// The log-scale of a refit: only the scale matters, to a hundredth of the smallest error bar reported.
    /// </summary>
    private static double Refit(ScaleObjective objective, ScalePose pose) =>
        objective.Refine(pose, 10, logScaleTolerance: 1e-7).Pose.LogScale;

    /// <summary>
    /// The log-scales of the fits of the first halves and of the second halves; null without half maps.
    /// </summary>
    private static (double A, double B)? HalfMaps(ScaleFitFrame frame, ScaleLevel level, ScalePose pose)
    {
        var input = frame.Input;
        if (input.ReferenceHalf2 is null && input.MapHalf2 is null) return null;
        double Fit(MapVolume r, MapVolume m) =>
            level.Build(frame.Fft, MapTaper.Apply(r), frame.Mask, MapTaper.Apply(m)).Refine(pose, 15).Pose.LogScale;
        return (Fit(input.Reference, input.Map),
            Fit(input.ReferenceHalf2 ?? input.Reference, input.MapHalf2 ?? input.Map));
    }
}
