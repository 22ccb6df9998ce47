using System.Globalization;

namespace CryoMerge.Core.Analysis;

/// <summary>
/// Both hands' correlations after refinement at twice the search's resolution, and which hand was kept.
/// </summary>
/// <param name="Opposite">Map 2 fits better mirrored: it has the other hand.</param>
/// <param name="MirroredCorrelation">The mirrored hand's; null when only the direct hand was searched.</param>
public sealed record HandComparison(bool Opposite, double DirectCorrelation, double? MirroredCorrelation);

/// <summary>
/// The outcome of <see cref="HandDecision"/>: the refinement of the hand kept, and both hands' scores.
/// </summary>
/// <param name="Resolution">The resolution (A) the hands were compared at.</param>
internal sealed record HandChoice(Refinement Chosen, HandComparison Hands, double Resolution)
{
    /// <summary>What the user is told when map 2 fits better mirrored.</summary>
    public string? Warning => Hands.Opposite
        ? string.Create(CultureInfo.InvariantCulture,
            $"map 2 has the opposite hand: its mirror image fits better " +
            $"(correlation {Hands.MirroredCorrelation:0.###} against {Hands.DirectCorrelation:0.###}); " +
            $"the scale is measured on the mirrored map. This does not matter for merging particles; " +
            $"flip one map (relion_image_handler --invert_hand) to compare them by eye")
        : null;
}

/// <summary>
/// Step 3a of <see cref="ScaleFitter"/>, refine at low resolution: every candidate of the global search refined
/// jointly in scale, rotation and translation (Levenberg-Marquardt, cubic B-spline resampling) at the search's
/// resolution; the best of each hand again at twice that resolution, where the hand that fits better is kept.
/// </summary>
internal static class HandDecision
{
    /// <summary>Levenberg-Marquardt iterations per refinement.</summary>
    private const int Iterations = 20;

    public static HandChoice Run(ScaleFitFrame frame, GlobalSearchResult search, ScaleRange range, Action<string> log)
    {
        double coarseResolution = search.Resolution;
        var coarseFilters = FitFilters.LowPass(coarseResolution, 1.5 / coarseResolution);
        var coarse = frame.Objective(frame.Level(coarseFilters, 1, range));
        var refined = search.Candidates.Select(c => coarse.Refine(c, Iterations)).ToList();
        // The header pose is a direct-hand candidate: there is always one.
        var bestDirect = refined.Where(r => !r.Pose.Mirrored).MaxBy(r => r.Score.Correlation)!;
        var bestMirror = refined.Where(r => r.Pose.Mirrored).MaxBy(r => r.Score.Correlation);
        log(string.Create(CultureInfo.InvariantCulture,
            $"coarse: correlation {bestDirect.Score.Correlation:0.###} (scale {bestDirect.Pose.Scale:0.####})" +
            $"{Mirrored(bestMirror)}"));

        double resolution = Math.Max(coarseResolution / 2, frame.FinestResolution);
        var mediumFilters = FitFilters.LowPass(resolution, 1.5 / resolution);
        var medium = frame.Objective(frame.Level(mediumFilters, bestDirect.Pose.Scale, range));
        var direct = medium.Refine(bestDirect.Pose, Iterations);
        var mirror = bestMirror is null ? null : medium.Refine(bestMirror.Pose, Iterations);
        bool opposite = mirror is not null && mirror.Score.Correlation > direct.Score.Correlation;
        var chosen = opposite ? mirror! : direct;
        log(string.Create(CultureInfo.InvariantCulture,
            $"{resolution:0.#} A: correlation {direct.Score.Correlation:0.###}{Mirrored(mirror)}, " +
            $"scale {chosen.Pose.Scale:0.#####}"));
        var hands = new HandComparison(opposite, direct.Score.Correlation, mirror?.Score.Correlation);
        return new HandChoice(chosen, hands, resolution);
    }

    private static string Mirrored(Refinement? mirror) =>
        mirror is null
            ? ""
            : string.Create(CultureInfo.InvariantCulture, $", mirrored {mirror.Score.Correlation:0.###}");
}
