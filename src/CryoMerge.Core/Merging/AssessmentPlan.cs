using CryoMerge.Core.Assessment;

namespace CryoMerge.Core.Merging;

/// <summary>
/// The plan's optional <c>assess:</c> section (and the options of <c>cryomerge assess</c>): reconstruct every data set
/// and the merge at their refined angles and judge, as the paper advises, whether merging helped.
/// </summary>
/// <param name="Mask">Soft mask for every FSC, on the reference's grid (MRC, values 0-1); null: automatic, from the
/// merged map.</param>
/// <param name="Ctf">CTF correction in the reconstructions (relion_reconstruct --ctf).</param>
/// <param name="SkipGridding">Divide by regularised weights instead of RELION's iterative gridding weights: several
/// times faster final step, slightly noisier maps (relion_reconstruct --skip_gridding).</param>
/// <param name="ResolutionChange">Fraction of the resolution by which an addition must improve it to count as helping
/// (or worsen it to count as hurting).</param>
/// <param name="MinimumAgreement">Below this agreement between an added data set's map and the maps before it, the
/// addition hurts whatever the half-map FSC says.</param>
public sealed record AssessmentPlan(
    string? Mask = null,
    bool Ctf = true,
    bool SkipGridding = false,
    double ResolutionChange = AssessmentThresholds.DefaultResolutionChange,
    double MinimumAgreement = AssessmentThresholds.DefaultMinimumAgreement)
{
    public AssessmentThresholds Thresholds => new(ResolutionChange, MinimumAgreement);
}
