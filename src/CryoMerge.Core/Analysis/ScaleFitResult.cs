namespace CryoMerge.Core.Analysis;

/// <summary>The answer of <see cref="ScaleFitter.Fit"/>, in named parts.</summary>
/// <param name="Estimate">Map 2's pixel size on map 1's scale and its range: the paper's BEST line.</param>
/// <param name="Alignment">The pose that puts map 2 on map 1, and how well the maps agree there.</param>
/// <param name="Hand">Both hands' correlations and which one was kept.</param>
/// <param name="Errors">Where the width of the range comes from.</param>
/// <param name="Fsc">Masked FSC with map 2 at its nominal and at its fitted pixel size.</param>
/// <param name="Profile">The score against candidate pixel sizes around BEST (the plot), or the candidates to
/// score.</param>
/// <param name="HalfMaps">The two half-map fits, when half maps were given.</param>
public sealed record ScaleFitResult(ScaleEstimate Estimate, ScaleAlignment Alignment, HandComparison Hand,
    ScaleErrorBudget Errors, ScaleFitFsc Fsc, ScaleProfile Profile, HalfMapEstimate? HalfMaps,
    IReadOnlyList<string> Warnings);

/// <summary>Map 2's pixel size on map 1's scale and its range (A).</summary>
/// <param name="PixelSize">BEST: map 2's pixel size on map 1's scale.</param>
/// <param name="Low">Lower end of the range: BEST x exp(-k x relative standard error), k = <see
/// cref="ScaleFitOptions.Coverage"/>.</param>
/// <param name="High">Upper end of the range: BEST x exp(+k x relative standard error).</param>
/// <param name="StandardError">Standard error of <paramref name="PixelSize"/>, systematic allowance included.</param>
/// <param name="NominalPixelSize">Map 2's nominal pixel size (header or --angpix-nominal): the search's centre.</param>
/// <param name="ReferencePixelSize">Map 1's pixel size, fixed.</param>
public sealed record ScaleEstimate(double PixelSize, double Low, double High, double StandardError,
    double NominalPixelSize, double ReferencePixelSize)
{
    /// <summary>Map 1's pixel size over map 2's: the relative scale of the two data sets.</summary>
    public double PixelRatio => ReferencePixelSize / PixelSize;

    /// <summary>Whether the range holds <paramref name="pixelSize"/>.</summary>
    public bool Contains(double pixelSize) => Low <= pixelSize && pixelSize <= High;

    /// <summary>
    /// The estimate at map 2's <paramref name="logScale"/> with a relative standard error, its range
    /// <paramref name="k"/> of them each side.
    /// </summary>
    internal static ScaleEstimate Create(double nominalPixelSize, double referencePixelSize, double logScale,
        double relativeError, double k)
    {
        double best = nominalPixelSize * Math.Exp(logScale);
        return new ScaleEstimate(best, best * Math.Exp(-k * relativeError), best * Math.Exp(k * relativeError),
            best * relativeError, nominalPixelSize, referencePixelSize);
    }
}

/// <summary>How map 2 sits on map 1 at the answer.</summary>
/// <param name="Pose">Scale, rotation, hand and translation that put map 2 on map 1.</param>
/// <param name="Correlation">Masked correlation of the filtered maps at the final level.</param>
/// <param name="Resolution">Resolution (A) up to which the final level compared the maps.</param>
/// <param name="Overlap">Fraction of the masked reference that falls inside map 2's box.</param>
public sealed record ScaleAlignment(ScalePose Pose, double Correlation, double Resolution, double Overlap);

/// <summary>Masked FSC curves on map 1's grid.</summary>
/// <param name="Before">Map 2 at its nominal pixel size (rotation and translation re-optimised).</param>
/// <param name="After">Map 2 at the fitted pixel size.</param>
public sealed record ScaleFitFsc(FscCurve Before, FscCurve After);

/// <summary>The score profile around BEST.</summary>
/// <param name="Level">The level it is scored at (with the maps, everything <see cref="ScaleFitter.PrepareProfile"/>
/// needs).</param>
/// <param name="Candidates">Its candidate pixel sizes, in order.</param>
/// <param name="Points">Their scores when they were evaluated here (<see cref="ScaleFitOptions.EvaluateProfile"/>);
/// else empty.</param>
public sealed record ScaleProfile(ScaleLevel Level, IReadOnlyList<ScaleCandidate> Candidates,
    IReadOnlyList<ScaleProfilePoint> Points);
