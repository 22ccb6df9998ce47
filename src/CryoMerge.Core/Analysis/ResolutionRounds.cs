using System.Globalization;

namespace CryoMerge.Core.Analysis;

/// <summary>The fit at the resolution both maps support.</summary>
/// <param name="Level">The last round's level (filters, sampling): the level of the error bars and the profile.</param>
/// <param name="Objective">The last round's objective, built from <paramref name="Level"/>.</param>
/// <param name="RoundLogScales">The log-scale each round ended at.</param>
/// <param name="AtScaleBound">A round ended on the edge of the scale range (the optimum may lie beyond it).</param>
internal sealed record ResolvedFit(ScalePose Pose, PoseScore Score, ScaleLevel Level, ScaleObjective Objective,
    IReadOnlyList<double> RoundLogScales, bool AtScaleBound)
{
    /// <summary>
    /// How far the answer moved between the rounds, which differ only in their filters (FSC weights, band): how much
    /// it depends on that choice, a systematic error the curvature cannot see (e.g. in interpolated maps).
    /// </summary>
    public double FilterSensitivity => Math.Abs(RoundLogScales[^1] - RoundLogScales[0]);
}

/// <summary>
/// Step 3b of <see cref="ScaleFitter"/>, refine at full resolution: two rounds of a masked FSC between the maps at
/// the current pose, filters that whiten both maps and weight shells by that FSC from the high-pass edge (30 A) to
/// FSC 0.143 (<see cref="FitFilters.FromFsc"/>), and a joint refinement of scale, rotation and translation.
/// </summary>
internal static class ResolutionRounds
{
    public const int Rounds = 2;

    /// <summary>Levenberg-Marquardt iterations per round.</summary>
    private const int Iterations = 20;

    /// <param name="start">The pose to start from (the hand's, from <see cref="HandDecision"/>).</param>
    public static ResolvedFit Run(ScaleFitFrame frame, ScalePose start, ScaleRange range, ScaleFitOptions options,
        Action<string> log)
    {
        var fineMap = frame.FineMap.GetAwaiter().GetResult();
        var (spectra, p1) = (frame.Spectra, frame.Reference.PixelSize);
        var pose = start;
        var roundLogScales = new List<double>();
        for (int round = 0; ; round++)
        {
            var comparison = MaskedComparison.Compute(frame.Fft, frame.Reference, frame.Mask, fineMap, pose);
            var filters = FitFilters.FromFsc(comparison, spectra.Reference, spectra.Map, pose.Scale, p1,
                options.HighPassResolution, frame.FinestResolution, options.LogFilterShells ? log : null);
            var level = frame.Level(filters, pose.Scale, range, pose);
            var objective = frame.Objective(level);
            var r = objective.Refine(pose, Iterations);
            pose = r.Pose;
            var score = r.Score;
            roundLogScales.Add(pose.LogScale);
            log(string.Create(CultureInfo.InvariantCulture,
                $"round {round + 1}: FSC 0.143 at {filters.Resolution:0.##} A; " +
                $"correlation {score.Correlation:0.####}, " +
                $"scale {pose.Scale:0.######} ({r.Iterations} iterations, {objective.PointCount} points, " +
                $"map 2 noise fraction {objective.NoiseFraction(pose):0.###})"));
            if (r.AtScaleBound || round == Rounds - 1)
                return new ResolvedFit(pose, score, level, objective, roundLogScales, r.AtScaleBound);
        }
    }
}
