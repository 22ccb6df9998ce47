using System.Globalization;
using CryoMerge.Core.Analysis;
using CryoMerge.Core.Merging.Pipeline;

namespace CryoMerge.Core.Merging.Stages;

/// <summary>
/// The tolerance verdict of a finished merge (science.md section 5): for each data set joined to the reference, the
/// relative scale error left in its particles, judged for the plan's particle diameter and target resolution. The
/// error comes from the best estimate available: the map's fit (half its range), or, for a pixel size the plan gives,
/// its distance from the fit of the data set's map plus half the fit's range, plus what the box pair or the
/// micrographs' rescaling could not reach.
/// </summary>
public static class MergeVerdict
{
    public const string Prefix = "tolerance: ";

    /// <summary>Each data set but the reference, in plan order.</summary>
    public static IReadOnlyList<ScaleErrorVerdict> For(MergeState state)
    {
        var plan = state.Plan;
        var reference = state.DataSets[plan.Reference];
        var verdicts = new List<ScaleErrorVerdict>();
        foreach (var set in plan.Others)
        {
            var d = state.DataSets[set.Name];
            double offset = 0, range = 0;
            bool given = set.PixelSize is not null;
            if (d.MapFit is { } fit)
            {
                range = fit.HalfRange;
                if (given && d.PixelSize is double p) offset = p / fit.PixelSize - 1;
            }
            // Methods 1 and 2 bring the images to the reference's pixel within the micrographs' or box pair's rounding;
            // method 3 leaves every data set at its own.
            double rounding = plan.Method != MergeMethod.Relabel && d.Values.ImagePixelReached is double reached
                && reference.ImagePixelSize > 0
                ? Math.Abs(reached / (reference.ImagePixelSize * reference.Scale) - 1) : 0;
            bool checkedByMap = !given || d.MapFit is not null;
            var verdict = new ScaleErrorVerdict(set.Name, offset, range, rounding, checkedByMap, null);
            var advice = plan.ParticleDiameter is double diameter && plan.ExpectedResolution is double resolution
                ? ScaleTolerance.Advise(diameter, resolution, verdict.Error) : null;
            verdicts.Add(verdict with { Advice = advice });
        }
        return verdicts;
    }

    public static IReadOnlyList<string> Notes(MergeState state)
    {
        var plan = state.Plan;
        if (plan.ParticleDiameter is null || plan.ExpectedResolution is null)
            return [Prefix + "give particleDiameter and expectedResolution (A) in the plan for a verdict on the "
                + "remaining scale error"];
        return For(state).Select(v => Prefix + $"{v.DataSet}: {Sentence(v)}").ToList();
    }

    /// <summary>
    /// "remaining scale error up to 0.264 % (pixel-size range 0.239 %, box pair 0.025 %) is negligible for a 66.2 A
    /// particle at 6 A (aim below 2.72 %, correlation at that resolution 0.999)".
    /// </summary>
    public static string Sentence(ScaleErrorVerdict v)
    {
        var c = CultureInfo.InvariantCulture;
        var parts = new List<string>();
        if (v.PlanOffset != 0)
            parts.Add(string.Create(c,
                $"the plan's pixel size against its map's fit {Math.Abs(v.PlanOffset) * 100:0.###} %"));
        parts.Add(string.Create(c, $"pixel-size range {v.Range * 100:0.###} %"));
        parts.Add(string.Create(c, $"box pair {v.Rounding * 100:0.###} %"));
        string unchecked_ = v.Checked ? "" : ", the plan's pixel size not checked against a map";
        string head = string.Create(c, $"remaining scale error up to {v.Error * 100:0.###} % ")
            + $"({string.Join(", ", parts)}{unchecked_})";
        if (v.Advice is not { } a) return head;
        return head + $" is {Describe(a.Verdict!.Value)} "
            + string.Create(c, $"for a {a.DiameterA:0.#} A particle at {a.ResolutionA:0.##} A (aim below ")
            + string.Create(c, $"{a.AimAt * 100:0.##} %, correlation at that resolution {a.Correlation:0.###})");
    }

    public static string Describe(ToleranceVerdict v) => v switch
    {
        ToleranceVerdict.Negligible => "negligible",
        ToleranceVerdict.Acceptable => "acceptable (a small loss)",
        ToleranceVerdict.Warning => "a WARNING: a clear loss at the target resolution",
        _ => "TOO LARGE: do not merge at this scale",
    };
}
