using CryoMerge.Core.Imaging;

namespace CryoMerge.Core.Analysis;

/// <summary>The maps of a fit. Half maps, when given, replace the single map by their average and add a second error estimate.</summary>
/// <param name="Mask">Soft mask on the reference's grid (0..1); null makes one from the reference.</param>
/// <param name="ReferenceHalf2">Second half map of the reference (<paramref name="Reference"/> is then half 1).</param>
/// <param name="MapHalf2">Second half map of map 2 (<paramref name="Map"/> is then half 1).</param>
public sealed record ScaleFitInput(MapVolume Reference, MapVolume Map, Grid? Mask = null, MapVolume? ReferenceHalf2 = null, MapVolume? MapHalf2 = null);

/// <summary>How the fit searches.</summary>
public sealed record ScaleFitOptions
{
    /// <summary>Relative scale range searched about the nominal pixel size (0.1 = +-10 %).</summary>
    public double Range { get; init; } = 0.1;

    /// <summary>Range the search widens to, once, when the best scale lies on the edge of <see cref="Range"/>.</summary>
    public double WidenedRange { get; init; } = 0.3;

    /// <summary>Search all orientations (independent refinements); false assumes the maps share one orientation.</summary>
    public bool SearchOrientation { get; init; } = true;

    /// <summary>Frequencies below this resolution (A) carry little scale information and most of the solvent and mask differences.</summary>
    public double HighPassResolution { get; init; } = 30;

    /// <summary>Never use detail finer than this (A); null lets the FSC between the maps decide.</summary>
    public double? MaxResolution { get; init; }

    /// <summary>Half-width of the printed range in standard errors (3: about 99.7 % for a Gaussian error).</summary>
    public double Coverage { get; init; } = 3;

    /// <summary>
    /// Pairs of refits with simulated noise added to and subtracted from both maps (noise spectra from their solvent),
    /// to remove the bias that noise in the maps gives a correlation fit and to check the standard error; 0 turns it off.
    /// One pair already cancels the first-order response, so its mean is the bias; the larger of its spread and the
    /// curvature's error is kept.
    /// </summary>
    public int NoiseReplicates { get; init; } = 1;

    /// <summary>Candidate pixel sizes in the score profile (the plot).</summary>
    public int ProfilePoints { get; init; } = 11;

    /// <summary>Score the profile's candidates here; false leaves <see cref="ScaleFitResult.Profile"/> empty for other nodes to fill.</summary>
    public bool EvaluateProfile { get; init; } = true;

    /// <summary>Angular step of the global search (degrees); null chooses it from the coarse resolution and the particle size.</summary>
    public double? RotationStepDegrees { get; init; }
}

/// <summary>One candidate pixel size of the profile: the correlation after re-optimising rotation and translation at that pixel size.</summary>
public sealed record ScaleProfilePoint(double PixelSize, double Correlation);

/// <summary>Scale estimates from the two half-map pairs.</summary>
public sealed record HalfMapEstimate(double PixelSizeA, double PixelSizeB, double StandardError);

/// <summary>The answer of <see cref="ScaleFitter.Fit"/>.</summary>
/// <param name="PixelSize">Map 2's pixel size on map 1's scale (A): the BEST of the paper's line.</param>
/// <param name="Low">Lower end of the range (BEST - Coverage x standard error, with the systematic allowance).</param>
/// <param name="High">Upper end of the range.</param>
/// <param name="StandardError">Standard error of <paramref name="PixelSize"/> (A).</param>
/// <param name="NominalPixelSize">Map 2's nominal pixel size (header or --angpix-nominal).</param>
/// <param name="ReferencePixelSize">Map 1's pixel size (A), fixed.</param>
/// <param name="Pose">Scale, rotation, hand and translation that put map 2 on map 1.</param>
/// <param name="Correlation">Masked correlation of the filtered maps at the final level.</param>
/// <param name="Resolution">Resolution (A) up to which the final level compared the maps.</param>
/// <param name="Before">Masked FSC with map 2 at its nominal pixel size (pose re-optimised).</param>
/// <param name="After">Masked FSC at the fitted pixel size.</param>
public sealed record ScaleFitResult(
    double PixelSize, double Low, double High, double StandardError, double NominalPixelSize, double ReferencePixelSize,
    ScalePose Pose, double Correlation, double Resolution, FscCurve Before, FscCurve After,
    IReadOnlyList<ScaleProfilePoint> Profile, bool OppositeHand, double DirectHandCorrelation, double MirroredHandCorrelation,
    double Overlap, HalfMapEstimate? HalfMaps, IReadOnlyList<string> Warnings)
{
    /// <summary>Map 1's pixel size over map 2's: the relative scale of the two data sets.</summary>
    public double PixelRatio => ReferencePixelSize / PixelSize;

    /// <summary>The level the profile is scored at (with the maps, everything <see cref="ScaleFitter.PrepareProfile"/> needs).</summary>
    public ScaleLevel? ProfileLevel { get; init; }

    /// <summary>The profile's candidates, in order: <see cref="Profile"/> holds their scores when they were evaluated here.</summary>
    public IReadOnlyList<ScaleCandidate> ProfileCandidates { get; init; } = [];
}
