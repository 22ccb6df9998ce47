using System.Globalization;
using CryoMerge.Core.Merging.Pipeline;

namespace CryoMerge.Core.Merging;

/// <summary>
/// What to do next in RELION (3.1 or later) with a merge, for its method: Refine3D on the merged STAR file with a
/// reference RELION accepts, then CtfRefine, and polishing per data set. Method 3 leaves every data set at its own pixel
/// size and box, which RELION refines natively with its rules: the reference must match the first optics group (or
/// --trust_ref_size), Class2D's averages come out at the first group's size, and Polish takes one pixel size at a time
/// (science.md section 2.4).
/// </summary>
public static class MergeNextSteps
{
    public static IEnumerable<string> Lines(MergeState state)
    {
        var c = CultureInfo.InvariantCulture;
        var plan = state.Plan;
        var reference = state.DataSets[plan.Reference];
        string merged = MergeReport.Relative(state, state.MergedParticles!);
        string first = string.Create(c, $"{reference.Name}'s: {reference.MergedImagePixelSize:0.#####} A/px, box {reference.ImageBox}");
        string map = plan.ReferenceDataSet.Map is { } m ? MergeReport.Relative(state, m) : "a map of the specimen";
        string rescale = string.Create(c, $"relion_image_handler --i {map} --o ref_merged.mrc --rescale_angpix {reference.MergedImagePixelSize:0.#####} --new_box {reference.ImageBox}");
        // The reference's own map, on the trusted scale, fits as it is when its pixel size and box are the first group's.
        bool fits = reference.MapBox == reference.ImageBox && reference.MapPixelSize > 0
            && Math.Abs(reference.MapPixelSize * reference.Scale / reference.MergedImagePixelSize - 1) < 1e-3;
        string referenceMap = fits ? $"{map} fits as it is" : $"bring {map} to them with {rescale}";
        int step = 1;
        string Step(string text) => $"  {step++}. {text}";
        if (plan.Method == MergeMethod.Relabel)
        {
            yield return Step($"Refine3D (relion_refine --auto_refine) with --i {merged}. The reference map must have the first optics");
            yield return $"     group's pixel size and box ({first}), or RELION stops: {referenceMap}";
            yield return "     (or add --trust_ref_size: RELION 3.1 then keeps the reference's size; 5.0 resizes the reference).";
            yield return "     Each optics group keeps its own pixel size and box: RELION scales them to the first group's.";
            yield return Step("Class2D takes the mixed boxes and pixel sizes as they are; its class averages come out at the first");
            yield return "     optics group's pixel size and box.";
        }
        else
        {
            yield return Step($"Refine3D (relion_refine --auto_refine) with --i {merged}: every particle is now at {first}");
            yield return $"     scale and box, and so must the reference map be: {referenceMap}.";
        }
        yield return Step("CtfRefine with 'Estimate anisotropic magnification' on: it refines, per optics group, what is left of the");
        yield return "     relative scale (rlnMagMat); then the per-particle defocus and the aberrations.";
        yield return Step("Polish each data set on its own (RELION refuses optics groups of different pixel sizes in one run): select its");
        yield return "     optics group (relion_star_handler --select rlnOpticsGroup --minval N --maxval N) and give Polish that data set's";
        yield return $"     motion-correction STAR file with micrograph names as in {merged}; then join the shiny particles and refine again.";
        yield return Step("PostProcess with the reference's pixel size; check the absolute pixel size separately (a map of known");
        yield return "     geometry, or the Cs from the CTF refinement): the merge fixes the data sets' relative scale only.";
    }
}
