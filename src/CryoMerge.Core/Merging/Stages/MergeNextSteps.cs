using System.Globalization;
using CryoMerge.Core.Merging.Pipeline;

namespace CryoMerge.Core.Merging.Stages;

/// <summary>
/// What to do next in RELION (3.1 or later) with a merge, for its method: Refine3D on the merged STAR file with a
/// reference RELION accepts, then CtfRefine, and polishing per data set. Method 3 leaves every data set at its own
/// pixel size and box, which RELION refines natively with its rules: the reference must match the first optics group
/// (or --trust_ref_size), Class2D's averages come out at the first group's size, and Polish takes one pixel size at a
/// time (science.md section 2.4).
/// </summary>
public static class MergeNextSteps
{
    /// <summary>Width of the report's lines.</summary>
    private const int Width = 118;

    public static IEnumerable<string> Lines(MergeState state)
    {
        var c = CultureInfo.InvariantCulture;
        var plan = state.Plan;
        var reference = state.DataSets[plan.Reference];
        string merged = MergeReport.Relative(state, state.MergedParticles!);
        string size = string.Create(c, $"{reference.MergedImagePixelSize:0.#####} A/px, box {reference.ImageBox}");
        string map = plan.ReferenceDataSet.Map is { } m ? MergeReport.Relative(state, m) : "a map of the specimen";
        string rescale = string.Create(c, $"relion_image_handler --i {map} --o ref_merged.mrc ")
            + string.Create(c,
                $"--rescale_angpix {reference.MergedImagePixelSize:0.#####} --new_box {reference.ImageBox}");
        // The reference's own map, on the trusted scale, fits as it is when its pixel size and box are the first
        // group's.
        bool fits = reference.MapBox == reference.ImageBox && reference.MapPixelSize > 0
            && Math.Abs(reference.MapPixelSize * reference.Scale / reference.MergedImagePixelSize - 1) < 1e-3;
        string referenceMap = fits ? $"{map} fits as it is" : $"bring {map} to them with {rescale}";
        var steps = new List<string>();
        if (plan.Method == MergeMethod.Relabel)
        {
            steps.Add(
                $"Refine3D (relion_refine --auto_refine) with --i {merged}. The reference map must have the first "
                + $"optics group's pixel size and box ({reference.Name}'s: {size}), or RELION stops: {referenceMap} " +
                    $"(or "
                + "add --trust_ref_size: RELION 3.1 then keeps the reference's size; 5.0 resizes the reference). Each "
                + "optics group keeps its own pixel size and box: RELION scales them to the first group's.");
            steps.Add("Class2D takes the mixed boxes and pixel sizes as they are; its class averages come out at the "
                + "first optics group's pixel size and box.");
        }
        else
        {
            steps.Add($"Refine3D (relion_refine --auto_refine) with --i {merged}: every particle now has "
                + $"{reference.Name}'s pixel size and box ({size}), and so must the reference map: {referenceMap}.");
        }
        steps.Add("CtfRefine with 'Estimate anisotropic magnification' on: it refines, per optics group, what is left "
            + "of the relative scale (rlnMagMat); then the per-particle defocus and the aberrations.");
        steps.Add("Polish each data set on its own (RELION refuses optics groups of different pixel sizes in one run): "
            + "select its optics group (relion_star_handler --select rlnOpticsGroup --minval N --maxval N) and give "
            + $"Polish that data set's motion-correction STAR file with micrograph names as in {merged}; then join the "
            + "shiny particles and refine again.");
        steps.Add("PostProcess with the reference's pixel size; check the absolute pixel size separately (a map of "
            + "known geometry, or the Cs from the CTF refinement): the merge fixes the data sets' relative scale " +
                "only.");
        for (int i = 0; i < steps.Count; i++)
        {
            bool first = true;
            foreach (string line in TextWrap.Lines(steps[i], Width - 5))
            {
                yield return (first ? $"  {i + 1}. " : "     ") + line;
                first = false;
            }
        }
    }
}
