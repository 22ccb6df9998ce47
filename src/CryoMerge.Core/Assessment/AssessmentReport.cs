using CryoMerge.Core.Analysis;

namespace CryoMerge.Core.Assessment;

/// <summary>What a pair of half maps was made from.</summary>
public enum AssessedMapKind
{
    /// <summary>One data set's particles alone.</summary>
    DataSet,
    /// <summary>The best data sets so far, in the one-by-one series (neither the first nor the whole merge).</summary>
    Step,
    /// <summary>Every particle of the merge.</summary>
    Merged,
}

/// <summary>A pair of half maps of the assessment, all on the reference's grid.</summary>
/// <param name="DataSets">The data sets whose particles it holds.</param>
/// <param name="SubsetsFromFile">False when halves were assigned by row number (no rlnRandomSubset).</param>
public sealed record AssessedMap(string Name, AssessedMapKind Kind, IReadOnlyList<string> DataSets, long Particles,
    string Half1, string Half2, bool SubsetsFromFile = true);

/// <summary>A map's gold-standard resolution.</summary>
/// <param name="Resolution">Where the masked half-map FSC falls below 0.143 (A, interpolated between shells).</param>
/// <param name="ShellResolution">The same by RELION's rule (the last shell above 0.143, not interpolated).</param>
public sealed record MapMeasurement(string Name, AssessedMapKind Kind, IReadOnlyList<string> DataSets, long Particles,
    double Resolution, double ShellResolution, FscCurve HalfMapFsc);

/// <summary>
/// How well two maps agree: their masked FSC, against what their half maps predict if they showed one structure.
/// </summary>
/// <param name="Independent">True when no particle is in both maps (their noise is independent).</param>
/// <param name="Expected">C_ref(A) x C_ref(B) per shell, C_ref = sqrt(2 FSC_half / (1 + FSC_half)) (Rosenthal &amp;
/// Henderson 2003): the FSC two independent maps of the same structure would have.</param>
/// <param name="Agreement">The fraction of the expected correlation the maps keep at the resolution they reach together
/// (<see cref="MapAssessment.Agreement"/>): about 1 for maps of one structure at one scale, lower when they differ (a
/// wrong relative pixel size costs most at high resolution); null when no shell qualifies.</param>
/// <param name="Resolution">Where the FSC between the maps falls below 0.143 (A, interpolated).</param>
public sealed record MapAgreement(string A, string B, bool Independent, FscCurve Fsc, double[] Expected,
    double? Agreement, double Resolution);

/// <summary>What adding a data set did.</summary>
public enum AdditionVerdict
{
    Helped,
    NoChange,
    Hurt,
}

/// <summary>One step of the paper's strategy: the data sets so far, best first, with one more added.</summary>
/// <param name="Added">The data set added at this step (the best one at step 1).</param>
/// <param name="Agreement">Agreement of the added data set's map with the map of the data sets before it (independent
/// particles); null at step 1.</param>
/// <param name="Verdict">Null at step 1.</param>
/// <param name="Reason">The numbers behind the verdict, in words.</param>
public sealed record AdditionStep(int Step, string Added, IReadOnlyList<string> DataSets, long Particles,
    double Resolution, double? PreviousResolution, double? Agreement, AdditionVerdict? Verdict, string Reason);

/// <summary>
/// 1/d^2 = Intercept + Slope x ln N through the steps (Rosenthal &amp; Henderson 2003): B = 2 / Slope.
/// </summary>
/// <param name="BFactor">B in A^2, when the slope is positive.</param>
/// <param name="DoubledResolution">The resolution the line predicts for twice the merge's particles of the same
/// quality (A).</param>
public sealed record RosenthalHendersonFit(double Intercept, double Slope, double? BFactor, double? DoubledResolution);

/// <summary>The thresholds of the verdicts, stated with every report.</summary>
/// <param name="ResolutionChange">A step helped when its resolution improved by more than this fraction, hurt when it
/// worsened by more.</param>
/// <param name="MinimumAgreement">A step hurt when the added data set's map agrees with the maps before it less than
/// this.</param>
public sealed record AssessmentThresholds(double ResolutionChange = AssessmentThresholds.DefaultResolutionChange,
    double MinimumAgreement = AssessmentThresholds.DefaultMinimumAgreement)
{
    public const double DefaultResolutionChange = 0.02;
    public const double DefaultMinimumAgreement = 0.9;
}

/// <summary>
/// Everything the assessment found: per map, between maps, the one-by-one series and its Rosenthal-Henderson line.
/// </summary>
/// <param name="PixelSize">Pixel size of every map (the reference's, A).</param>
/// <param name="Box">Side of every map (voxels).</param>
/// <param name="Mask">"automatic (...)" or the mask file.</param>
/// <param name="Order">Data sets best first (highest half-map resolution first).</param>
public sealed record AssessmentReport(double PixelSize, int Box, string Mask, IReadOnlyList<string> Order,
    IReadOnlyList<MapMeasurement> Maps, IReadOnlyList<MapAgreement> Agreements, IReadOnlyList<AdditionStep> Steps,
    RosenthalHendersonFit? Fit, AssessmentThresholds Thresholds, IReadOnlyList<string> Notes)
{
    public MapMeasurement Map(string name) => Maps.Single(m => m.Name == name);

    public MapMeasurement Merged => Maps.Single(m => m.Kind == AssessedMapKind.Merged);
}
