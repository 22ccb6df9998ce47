using System.Globalization;
using CryoMerge.Core.Analysis;
using CryoMerge.Core.Merging.Pipeline;

namespace CryoMerge.Core.Merging;

/// <summary>
/// The tolerance verdict of a finished merge (science.md section 5): for each data set joined to the reference, the
/// relative scale error left in its particles, the worst case of the uncertainty of its pixel size (half the range)
/// plus what the box pair could not reach (method 2), judged for the plan's particle diameter and target resolution.
/// </summary>
public static class MergeVerdict
{
    public const string Prefix = "tolerance: ";

    public static IReadOnlyList<string> Notes(MergeState state)
    {
        var c = CultureInfo.InvariantCulture;
        var plan = state.Plan;
        if (plan.ParticleDiameter is not double diameter || plan.ExpectedResolution is not double resolution)
            return [Prefix + "give particleDiameter and expectedResolution (A) in the plan for a verdict on the remaining scale error"];
        var notes = new List<string>();
        var reference = state.DataSets[plan.Reference];
        foreach (var set in plan.Others)
        {
            var d = state.DataSets[set.Name];
            double uncertainty = d.PixelSize is double p && d.PixelSizeLow is double lo && d.PixelSizeHigh is double hi ? (hi - lo) / 2 / p : 0;
            // Methods 1 and 2 bring the images to the reference's pixel within the micrographs' or box pair's rounding;
            // method 3 leaves every data set at its own.
            double boxes = plan.Method != MergeMethod.Relabel && d.Values.ImagePixelReached is double reached && reference.ImagePixelSize > 0
                ? Math.Abs(reached / (reference.ImagePixelSize * reference.Scale) - 1) : 0;
            double error = uncertainty + boxes;
            var advice = ScaleTolerance.Advise(diameter, resolution, error);
            notes.Add(Prefix + string.Create(c,
                $"{d.Name}: remaining scale error up to {error * 100:0.###} % (pixel-size range {uncertainty * 100:0.###} %, box pair {boxes * 100:0.###} %) is {Describe(advice.Verdict!.Value)} for a {diameter:0.#} A particle at {resolution:0.##} A (aim below {advice.AimAt * 100:0.##} %, correlation at that resolution {advice.Correlation:0.###})"));
        }
        return notes;
    }

    private static string Describe(ToleranceVerdict v) => v switch
    {
        ToleranceVerdict.Negligible => "negligible",
        ToleranceVerdict.Acceptable => "acceptable (a small loss)",
        ToleranceVerdict.Warning => "a WARNING: a clear loss at the target resolution",
        _ => "TOO LARGE: do not merge at this scale",
    };
}
