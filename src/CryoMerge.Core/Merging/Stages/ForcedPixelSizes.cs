using System.Globalization;
using CryoMerge.Core.Analysis;
using CryoMerge.Core.Merging.Pipeline;

namespace CryoMerge.Core.Merging.Stages;

/// <summary>
/// A pixel size the plan gives for a data set that also has a map: the merge uses the plan's value, and says what the
/// map fits beside it; when the plan's value lies outside the fit's range, a warning with the tolerance verdict of the
/// difference (what merging at the plan's value costs if the map is right).
/// </summary>
public static class ForcedPixelSizes
{
    public static IReadOnlyList<string> Notes(MergeState state, DataSetState d, double given)
    {
        var c = CultureInfo.InvariantCulture;
        var fit = d.MapFit ?? throw new InvalidOperationException($"{d.Name} has no map fit");
        double offset = given / fit.PixelSize - 1;
        var notes = new List<string>
        {
            string.Create(c, $"{d.Name}: pixelSize {given:0.#####} A given in the plan (used); its map fits ")
                + string.Create(c, $"BEST:{fit.PixelSize:0.#####} range:{fit.Low:0.#####} - {fit.High:0.#####} ")
                + string.Create(c, $"(the plan's is {offset * 100:+0.###;-0.###} % from it)"),
        };
        if (fit.Contains(given)) return notes;
        var plan = state.Plan;
        string verdict = plan.ParticleDiameter is double diameter && plan.ExpectedResolution is double resolution
            ? Verdict(ScaleTolerance.Advise(diameter, resolution, Math.Abs(offset) + fit.HalfRange))
            : "give particleDiameter and expectedResolution (A) in the plan for a verdict on it";
        notes.Add(string.Create(c, $"WARNING: {d.Name}: the plan's pixelSize {given:0.#####} A lies outside the range ")
            + "its map "
            + string.Create(c, $"fits ({fit.Low:0.#####} - {fit.High:0.#####} A, BEST {fit.PixelSize:0.#####} A) by ")
            + string.Create(c, $"{Math.Abs(offset) * 100:0.###} %; the merge uses the plan's value, ")
            + "and if the map is right "
            + verdict + $"; remove pixelSize from the plan to use the fit");
        return notes;
    }

    private static string Verdict(ToleranceAdvice a) => string.Create(CultureInfo.InvariantCulture,
        $"that error (up to {a.RelativeError * 100:0.###} % with the fit's range) is ")
        + $"{MergeVerdict.Describe(a.Verdict!.Value)} " + string.Create(CultureInfo.InvariantCulture,
            $"for a {a.DiameterA:0.#} A particle at {a.ResolutionA:0.##} A (aim below {a.AimAt * 100:0.##} %)");
}
