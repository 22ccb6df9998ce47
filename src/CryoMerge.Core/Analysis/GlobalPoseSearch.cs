using System.Globalization;

namespace CryoMerge.Core.Analysis;

/// <summary>The starting poses for refinement, and the resolution (A) the search compared the maps at.</summary>
internal sealed record GlobalSearchResult(IReadOnlyList<ScalePose> Candidates, double Resolution);

/// <summary>
/// Step 2 of <see cref="ScaleFitter"/>, global search: every rotation of a uniform grid and both hands at low
/// resolution (about a tenth of the particle radius per voxel), the best translation of each by FFT
/// cross-correlation (<see cref="RotationSearch"/>), at the nominal scale and, for a wide range, at coarse scale
/// steps. The best few distinct hits per hand, and the pose the headers imply, are the candidates to refine.
/// </summary>
internal static class GlobalPoseSearch
{
    /// <summary>Grid side of the search (about 6 voxels per particle radius).</summary>
    private const int GridSize = 16;

    /// <summary>Hits kept per hand, at least two rotation steps apart.</summary>
    private const int KeepPerHand = 6;

    public static GlobalSearchResult Run(ScaleFitFrame frame, ScaleRange range, ScaleFitOptions options,
        Action<string> log)
    {
        var candidates = new List<ScalePose> { frame.HeaderPose() };
        var (reference, map) = (frame.ReferenceExtent, frame.MapExtent);
        var search = new RotationSearch(frame.Fft, frame.ReferenceTapered, frame.Mask, reference.Centroid,
            reference.Radius, frame.MapTapered, map.Centroid, map.Radius, GridSize, range.MaxScale);
        double step = options.RotationStepDegrees ?? RotationStep(search.Resolution, frame.Reach(range));
        var rotations = options.SearchOrientation
            ? [Matrix3.Identity, .. RotationGrid.Uniform(step)]
            : new[] { Matrix3.Identity };
        bool[] hands = options.SearchOrientation ? [false, true] : [false];
        var scales = range.CoarseLogScales();
        log(string.Create(CultureInfo.InvariantCulture,
            $"global search: {rotations.Length} rotations x {hands.Length} hand(s) x {scales.Length} scale(s) " +
            $"on a {search.GridSize}^3 grid of {search.Pixel:0.##} A ({search.Resolution:0.#} A resolution)"));
        var hits = search.Search(rotations, hands, scales, KeepPerHand, separationDegrees: 2 * step);
        candidates.AddRange(hits.Select(h => h.Pose));
        double best = hits.Where(h => !h.Pose.Mirrored).Max(h => h.Score);
        log(string.Create(CultureInfo.InvariantCulture,
            $"global search: best score {best:0.###}, refining {candidates.Count} candidates"));
        return new GlobalSearchResult(candidates, search.Resolution);
    }

    /// <summary>
    /// The rotation step (degrees) that moves a point at the particle's edge (<paramref name="reach"/>, A) by 0.9 of
    /// the search's resolution, within 8 to 20 degrees.
    /// </summary>
    public static double RotationStep(double resolution, double reach) =>
        Math.Clamp(0.9 * resolution / reach * 180 / Math.PI, 8, 20);
}
