using System.Globalization;
using CryoMerge.Core.Imaging;

namespace CryoMerge.Core.Analysis;

/// <summary>
/// Finds map 2's pixel size on map 1's scale with rotation, translation and hand free, and an honest range, in five
/// steps, each its own type:
/// <list type="number">
/// <item>prepare (<see cref="ScaleFitFrame"/>): both maps tapered at their box edges, a mask (given, or from the
/// reference), where each particle lies, both maps' signal and noise spectra;</item>
/// <item>global search (<see cref="GlobalPoseSearch"/>): every rotation of a uniform grid and both hands at low
/// resolution, the best translation of each by FFT cross-correlation, plus the pose the headers imply;</item>
/// <item>refine: the candidates jointly in scale, rotation and translation (Levenberg-Marquardt, cubic B-spline
/// resampling, no box quantisation) at the search's resolution and at twice it, where the hand is decided
/// (<see cref="HandDecision"/>); then two rounds at the resolution both maps support, with filters that whiten both
/// maps and weight shells by their FSC (<see cref="ResolutionRounds"/>);</item>
/// <item>error bars (<see cref="ScaleErrorBars"/>): curvature (cluster-robust sandwich), simulated noise, half maps
/// when given, filter sensitivity and a systematic allowance;</item>
/// <item>report (<see cref="ScaleFitReport"/>): BEST and its range, the score profile's candidates, FSC before and
/// after, warnings.</item>
/// </list>
/// Steps 2 to 5 run within a scale range (+-10 % by default); when the best scale lies on its edge they run once more
/// within the widened range. Each candidate of the global search and of the profile is an independent evaluation
/// (<see cref="RotationSearch.Evaluate"/>, <see cref="PreparedScalePair.Evaluate"/>).
/// </summary>
public static class ScaleFitter
{
    /// <param name="log">Receives one line per step (progress); <see cref="ScaleFitOptions.LogFilterShells"/> adds
    /// detail.</param>
    public static ScaleFitResult Fit(IFftBackend fft, ScaleFitInput input, ScaleFitOptions? options = null,
        Action<string>? log = null)
    {
        options ??= new ScaleFitOptions();
        log ??= _ => { };
        var frame = ScaleFitFrame.Prepare(fft.ForAnalysis(), input, options, log);
        var range = new ScaleRange(options.Range);
        var (result, edgeScale) = FitWithin(frame, range, options, log);
        if (result is not null) return result;
        if (range.Fraction < options.WidenedRange)
        {
            string widened = string.Create(CultureInfo.InvariantCulture,
                $"the best scale lay on the edge of the +-{range.Fraction * 100:0.#} % search range; " +
                $"widened to +-{options.WidenedRange * 100:0.#} %");
            log(widened);
            range = new ScaleRange(options.WidenedRange);
            (result, edgeScale) = FitWithin(frame, range, options, log);
            if (result is not null) return result with { Warnings = [widened, .. result.Warnings] };
        }
        throw new CryoMergeInputException(input.Map.Name, string.Create(CultureInfo.InvariantCulture,
            $"the best fit lies on the edge of the +-{range.Fraction * 100:0.#} % search range " +
            $"({Math.Abs(edgeScale - 1) * 100:0.#} % from the nominal pixel size {frame.Map.PixelSize:0.####} A): " +
            $"the nominal pixel size is further off than that, or the maps do not show the same structure. " +
            $"Give a closer --angpix-nominal, or a larger --range"));
    }

    /// <summary>
    /// Steps 2 to 5 within one scale range; no result, and the scale reached, when the best lies on its edge.
    /// </summary>
    private static (ScaleFitResult? Result, double EdgeScale) FitWithin(ScaleFitFrame frame, ScaleRange range,
        ScaleFitOptions options, Action<string> log)
    {
        var search = GlobalPoseSearch.Run(frame, range, options, log);
        var hand = HandDecision.Run(frame, search, range, log);
        if (hand.Chosen.AtScaleBound) return (null, hand.Chosen.Pose.Scale);
        var fit = ResolutionRounds.Run(frame, hand.Chosen.Pose, range, options, log);
        if (fit.AtScaleBound) return (null, fit.Pose.Scale);
        var errors = ScaleErrorBars.Estimate(frame, fit, log);
        return (ScaleFitReport.Create(frame, options, hand, fit, errors), 1);
    }

    /// <summary>
    /// The pair a node needs to score profile candidates of a fit (<see cref="ScaleProfile.Candidates"/>): the same
    /// maps, mask and level as the fit, so that its scores equal the fit's own.
    /// </summary>
    public static PreparedScalePair PrepareProfile(IFftBackend fft, ScaleFitInput input, ScaleLevel level)
    {
        fft = fft.ForAnalysis();
        var reference = ScaleFitFrame.Average(input.Reference, input.ReferenceHalf2);
        var map = ScaleFitFrame.Average(input.Map, input.MapHalf2);
        var mask = input.Mask ?? AutoMask.Create(fft, reference);
        return PreparedScalePair.Prepare(fft, MapTaper.Apply(reference), mask, MapTaper.Apply(map), level);
    }
}
