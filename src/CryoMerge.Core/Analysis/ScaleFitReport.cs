using System.Globalization;

namespace CryoMerge.Core.Analysis;

/// <summary>
/// Step 5 of <see cref="ScaleFitter"/>, report: BEST and its range, the candidate pixel sizes of the score profile
/// (scored here or left to other nodes), the masked FSC at the nominal and the fitted pixel size, and the warnings
/// (poor overlap or correlation).
/// </summary>
internal static class ScaleFitReport
{
    /// <summary>
    /// Below this fraction of the masked reference inside map 2's box there is no answer; below the second, a warning.
    /// </summary>
    private const double MinimumOverlap = 0.2, LowOverlap = 0.6;

    /// <summary>Below this correlation the maps may not show the same structure.</summary>
    private const double LowCorrelation = 0.2;

    public static ScaleFitResult Create(ScaleFitFrame frame, ScaleFitOptions options, HandChoice hand, ResolvedFit fit,
        ScaleErrors errors)
    {
        var pose = errors.Pose;
        var score = fit.Score;
        if (score.Overlap < MinimumOverlap)
            throw new CryoMergeInputException(frame.Input.Map.Name, string.Create(CultureInfo.InvariantCulture,
                $"the maps hardly overlap: only {score.Overlap * 100:0} % of the masked reference falls inside " +
                $"map 2's box at the best fit"));
        var estimate = ScaleEstimate.Create(frame.Map.PixelSize, frame.Reference.PixelSize, pose.LogScale,
            errors.Budget.Total, options.Coverage);
        var candidates = ProfileCandidates(frame, pose, errors.Budget.Total, options);
        var pair = PreparedScalePair.From(fit.Objective, frame.Map.PixelSize);
        var points = options.EvaluateProfile
            ? candidates.Select(c => pair.Evaluate(c)).Select(r => new ScaleProfilePoint(r.PixelSize, r.Correlation))
                .ToList()
            : [];
        var fsc = Fsc(frame, fit.Objective, pose);
        var warnings = new List<string>();
        if (hand.Warning is { } w) warnings.Add(w);
        warnings.AddRange(errors.Warnings);
        if (score.Overlap < LowOverlap)
            warnings.Add(string.Create(CultureInfo.InvariantCulture,
                $"only {score.Overlap * 100:0} % of the masked reference falls inside map 2's box"));
        if (score.Correlation < LowCorrelation)
            warnings.Add(string.Create(CultureInfo.InvariantCulture,
                $"the maps correlate poorly ({score.Correlation:0.###}): check that they show the same structure"));
        return new ScaleFitResult(estimate,
            new ScaleAlignment(pose, score.Correlation, fit.Level.Filters.Resolution, score.Overlap),
            hand.Hands, errors.Budget, fsc, new ScaleProfile(fit.Level, candidates, points), errors.HalfMaps, warnings);
    }

    /// <summary>
    /// The candidate pixel sizes of the score profile (the paper's Fig. 6a) around the answer, evenly spaced in
    /// log-scale over +-5/3 of the range (at least +-0.4 %), each with the pose to start from; each is scored
    /// independently (<see cref="PreparedScalePair.Evaluate"/>), here or on other nodes.
    /// </summary>
    internal static List<ScaleCandidate> ProfileCandidates(ScaleFitFrame frame, ScalePose pose, double relativeError,
        ScaleFitOptions options)
    {
        int n = Math.Max(3, options.ProfilePoints);
        double span = Math.Max(5 * options.Coverage * relativeError / 3, 0.004);
        double p2 = frame.Map.PixelSize;
        // The centroid-preserving shift already moves the translation most of the way; two steps finish it.
        return Enumerable.Range(0, n)
            .Select(i => pose.LogScale + span * (2.0 * i / (n - 1) - 1))
            .Select(ls => new ScaleCandidate(p2 * Math.Exp(ls), frame.AtLogScale(pose, ls), Iterations: 2))
            .ToList();
    }

    /// <summary>Extra radius (A) of the FSC's spherical mask beyond the particle, and its soft edge (A).</summary>
    private const double FscMaskMargin = 10, FscMaskEdge = 12;

    /// <summary>
    /// FSC with map 2 at its nominal pixel size (rotation and translation re-optimised) and at BEST, under a loose soft
    /// sphere around the particle (its radius plus <see cref="FscMaskMargin"/> A, edge <see cref="FscMaskEdge"/> A),
    /// corrected for the mask's own correlation as relion_postprocess does (<see cref="CorrectedMaskedFsc"/>). Not the
    /// fit's mask, which follows the reference's density: its edges alone make the masked maps anti-correlate far
    /// past their resolution (to about -0.8 on the demo's maps), and the curves' 0.143 crossings then mean little.
    /// </summary>
    private static ScaleFitFsc Fsc(ScaleFitFrame frame, ScaleObjective objective, ScalePose best)
    {
        var fineMap = frame.FineMap.GetAwaiter().GetResult();
        var reference = frame.Reference;
        var mask = AutoMask.Sphere(reference.Shape, reference.PixelSize, frame.ReferenceExtent.Centroid,
            frame.ReferenceExtent.Radius + FscMaskMargin, FscMaskEdge);
        FscCurve Curve(ScalePose pose) => CorrectedMaskedFsc.Compute(frame.Fft, reference.Grid,
            MaskedComparison.Place(reference, null, fineMap, pose), mask, reference.PixelSize).Corrected;
        var after = Task.Run(() => Curve(best));
        var nominal = objective.Refine(frame.AtLogScale(best, 0), 20, fixScale: true).Pose;
        var before = Curve(nominal);
        return new ScaleFitFsc(before, after.GetAwaiter().GetResult());
    }
}
