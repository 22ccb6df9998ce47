using CryoMerge.Core.Imaging;

namespace CryoMerge.Core.Analysis;

/// <summary>
/// The maps of a fit. Half maps, when given, replace the single map by their average and add a second error estimate.
/// </summary>
/// <param name="Mask">Soft mask on the reference's grid (0..1); null makes one from the reference.</param>
/// <param name="ReferenceHalf2">Second half map of the reference (<paramref name="Reference"/> is then half 1).</param>
/// <param name="MapHalf2">Second half map of map 2 (<paramref name="Map"/> is then half 1).</param>
public sealed record ScaleFitInput(MapVolume Reference, MapVolume Map, Grid? Mask = null,
    MapVolume? ReferenceHalf2 = null, MapVolume? MapHalf2 = null);

/// <summary>How the fit searches.</summary>
public sealed record ScaleFitOptions
{
    /// <summary>Relative scale range searched about the nominal pixel size (0.1 = +-10 %).</summary>
    public double Range { get; init; } = 0.1;

    /// <summary>
    /// Range the search widens to, once, when the best scale lies on the edge of <see cref="Range"/>.
    /// </summary>
    public double WidenedRange { get; init; } = 0.3;

    /// <summary>
    /// Search all orientations (independent refinements); false assumes the maps share one orientation.
    /// </summary>
    public bool SearchOrientation { get; init; } = true;

    /// <summary>
    /// Frequencies below this resolution (A) carry little scale information and most of the solvent and mask
    /// differences.
    /// </summary>
    public double HighPassResolution { get; init; } = 30;

    /// <summary>Never use detail finer than this (A); null lets the FSC between the maps decide.</summary>
    public double? MaxResolution { get; init; }

    /// <summary>
    /// Half-width of the printed range in standard errors. The default 3 gives a range that holds the true pixel size
    /// about <see cref="ClaimedCoverage"/> of the time.
    /// </summary>
    public double Coverage { get; init; } = 3;

    /// <summary>
    /// How often the default range (<see cref="Coverage"/> = 3) holds the true pixel size: 99 %, as measured on
    /// seeded synthetic pairs (ScaleFitCoverageTests: 119 of 120 seeds 1000-1119). Less than the 99.7 % three
    /// Gaussian standard errors would give: there the errors were 1.2 standard errors RMS, i.e. the standard error
    /// runs about a sixth small, and three of them cover about 99 %.
    /// </summary>
    public const double ClaimedCoverage = 0.99;

    /// <summary>
    /// Pairs of refits with simulated noise added to and subtracted from both maps (noise spectra from their
    /// solvent), to remove the bias that noise in the maps gives a correlation fit and to check the standard error;
    /// 0 turns it off. One pair already cancels the first-order response, so its mean is the bias; the larger of its
    /// spread and the curvature's error is kept.
    /// </summary>
    public int NoiseReplicates { get; init; } = 1;

    /// <summary>Candidate pixel sizes in the score profile (the plot).</summary>
    public int ProfilePoints { get; init; } = 11;

    /// <summary>
    /// Score the profile's candidates here; false leaves the points of <see cref="ScaleFitResult.Profile"/> empty, for
    /// other nodes to score its candidates.
    /// </summary>
    public bool EvaluateProfile { get; init; } = true;

    /// <summary>
    /// Angular step of the global search (degrees); null chooses it from the coarse resolution and the particle size.
    /// </summary>
    public double? RotationStepDegrees { get; init; }

    /// <summary>
    /// Also log, in each resolution round, the amplitude profiles the filters match, shell by shell (frequency, weight,
    /// measured and fitted log amplitudes, signal and noise power of both maps): for diagnosing a fit.
    /// </summary>
    public bool LogFilterShells { get; init; }
}

/// <summary>
/// One candidate pixel size of the profile: the correlation after re-optimising rotation and translation at that
/// pixel size.
/// </summary>
public sealed record ScaleProfilePoint(double PixelSize, double Correlation);

/// <summary>Scale estimates from the two half-map pairs.</summary>
public sealed record HalfMapEstimate(double PixelSizeA, double PixelSizeB, double StandardError);
