using CryoMerge.Core.Imaging;

namespace CryoMerge.Core.Analysis;

/// <summary>
/// Everything that defines one refinement level, small and serialisable: where the reference is sampled, how map 2
/// is resampled and filtered, the blocks of the variance estimate and the allowed scale range. With the maps, it
/// fixes the objective completely, so a worker that receives it rebuilds exactly the same one.
/// </summary>
/// <param name="EvaluationSpacing">Lattice spacing of the reference points (A, at least its pixel size).</param>
/// <param name="MapSpacing">Spacing (nominal A) map 2 is resampled to before the spline.</param>
/// <param name="MapFilterScale">Scale at which map 2's frequencies are converted to A^-1 for its filter.</param>
/// <param name="BlockLength">Side (A) of the blocks for the cluster-robust variance.</param>
/// <param name="MapNoiseVariance">Variance per point of map 2's filtered noise (0 when unknown), see <see
/// cref="ScaleObjective"/>.</param>
/// <param name="InteriorPose">
/// The pose (near the answer) used to drop reference points that land in map 2's tapered border or outside its box; the
/// weights are fixed for the level, so that the noise level seen by the points does not change as the pose is refined.
/// </param>
public sealed record ScaleLevel(double EvaluationSpacing, double MapSpacing, double MapFilterScale, FitFilters Filters,
    double BlockLength, double MinLogScale, double MaxLogScale,
    double MapNoiseVariance = 0, ScalePose? InteriorPose = null)
{
    /// <summary>A level that compares detail down to <paramref name="filters"/>' resolution.</summary>
    public static ScaleLevel For(FitFilters filters, MapVolume reference, MapVolume map, double scale,
        double minLogScale, double maxLogScale,
        SignalSpectrum? mapSpectrum = null, ScalePose? interiorPose = null) => new(
        EvaluationSpacing: Math.Max(reference.PixelSize, filters.Resolution / 2.5),
        MapSpacing: filters.Resolution / (4 * scale),
        MapFilterScale: scale,
        Filters: filters,
        BlockLength: 2 * filters.Resolution,
        MinLogScale: minLogScale,
        MaxLogScale: maxLogScale,
        MapNoiseVariance: mapSpectrum?.FilteredNoiseVariance(filters.Map.AsFunction(), scale) ?? 0,
        InteriorPose: interiorPose);

    internal ScaleObjective Build(IFftBackend fft, MapVolume reference, Grid mask, MapVolume map)
    {
        Func<Vector3d, double>? interior = null;
        if (InteriorPose is { } pose)
        {
            double taper = MapTaper.Width(map.Shape);
            // Two voxels or half the resolution, whichever is more, of smooth roll-off inside the taper.
            double margin = Math.Max(2, Filters.Resolution / 2 / map.PixelSize);
            interior = x => MovingMap.Interior(pose.ReferenceToMap(x), map.Shape, map.PixelSize, taper, margin);
        }
        // The two sides are independent, and each has single-threaded stretches: built side by side.
        var moving = Task.Run(() => MovingMap.Create(fft, map, MapFilterScale, Filters.Map.AsFunction(), MapSpacing));
        var points = EvaluationPoints.Create(fft, reference, mask, Filters.Reference.AsFunction(), EvaluationSpacing,
            BlockLength, interior);
        if (points.Count == 0) throw new CryoMergeInputException(reference.Name, "the mask leaves no voxel to compare");
        return new ScaleObjective(points, moving.GetAwaiter().GetResult(), MinLogScale, MaxLogScale, MapNoiseVariance);
    }
}

/// <summary>A candidate pixel size for map 2 and the pose to start from.</summary>
/// <param name="Iterations">Gauss-Newton iterations of rotation and translation at this pixel size.</param>
public sealed record ScaleCandidate(double PixelSize, ScalePose Start, int Iterations = 4);

/// <summary>The score of a candidate after re-optimising rotation and translation.</summary>
public sealed record ScaleCandidateScore(double PixelSize, double Correlation, ScalePose Pose, double Overlap);

/// <summary>
/// A pair of maps prepared for one level: the unit of work a distributed worker holds (built once per level from the
/// map files and a <see cref="ScaleLevel"/>) and then calls <see cref="Evaluate"/> on, once per candidate.
/// </summary>
public sealed class PreparedScalePair
{
    private readonly ScaleObjective _objective;
    private readonly double _nominalPixelSize;

    private PreparedScalePair(ScaleObjective objective, double nominal)
    {
        _objective = objective;
        _nominalPixelSize = nominal;
    }

    public static PreparedScalePair Prepare(IFftBackend fft, MapVolume reference, Grid mask, MapVolume map,
        ScaleLevel level) =>
        new(level.Build(fft, reference, mask, map), map.PixelSize);

    internal ScaleObjective Objective => _objective;

    /// <summary>The pair of an objective already built (the fit's own final level).</summary>
    internal static PreparedScalePair From(ScaleObjective objective, double nominalPixelSize) => new(objective,
        nominalPixelSize);

    /// <summary>
    /// Scores one candidate pixel size: rotation and translation re-optimised at that fixed scale from the start pose.
    /// A pure function of the prepared pair and the candidate.
    /// </summary>
    public ScaleCandidateScore Evaluate(ScaleCandidate candidate)
    {
        double logScale = Math.Log(candidate.PixelSize / _nominalPixelSize);
        var start = candidate.Start with { LogScale = logScale };
        var refined = _objective.Refine(start, candidate.Iterations, fixScale: true);
        return new ScaleCandidateScore(candidate.PixelSize, refined.Score.Correlation, refined.Pose,
            refined.Score.Overlap);
    }
}
