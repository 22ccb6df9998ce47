using System.Globalization;
using CryoMerge.Core.Imaging;

namespace CryoMerge.Core.Analysis;

/// <summary>
/// Finds map 2's pixel size on map 1's scale with rotation, translation and hand free, and an honest interval:
/// <list type="number">
/// <item>common frame: both maps tapered at their box edges, a mask (given, or from the reference), the masks' centroids and radii;</item>
/// <item>global search at low resolution (about a tenth of the particle radius per voxel): every rotation of a uniform grid, both
/// hands, best translation by FFT cross-correlation (<see cref="RotationSearch"/>), plus the pose the headers imply;</item>
/// <item>the best candidates refined jointly in scale, rotation and translation (Levenberg-Marquardt, cubic B-spline
/// resampling, no box quantisation), at the coarse level and again at twice the resolution, where the hand is decided;</item>
/// <item>two rounds at the resolution both maps support: masked FSC at the current pose, filters that whiten both maps and
/// weight shells by the FSC from 30 A to FSC 0.143, refinement;</item>
/// <item>the standard error from the cluster-robust sandwich covariance (and from half maps when given), a profile of the
/// score against candidate pixel sizes, and FSC curves before and after.</item>
/// </list>
/// Each candidate of the global search and of the profile is an independent evaluation (<see cref="RotationSearch.Evaluate"/>,
/// <see cref="PreparedScalePair.Evaluate"/>).
/// </summary>
public static class ScaleFitter
{
    /// <summary>
    /// Relative systematic allowance added in quadrature to the statistical error: interpolation in how a map was made
    /// and residual spectral mismatch. The DAQ pair (one map resampled from the other's region) comes out 0.066 % from
    /// its true ratio whatever the mask and filters, beyond what the curvature and the filter sensitivity see.
    /// </summary>
    public const double SystematicRelativeError = 2e-4;

    public static ScaleFitResult Fit(IFftBackend fft, ScaleFitInput input, ScaleFitOptions? options = null, Action<string>? log = null)
    {
        options ??= new ScaleFitOptions();
        log ??= _ => { };
        fft = fft.ForAnalysis();
        var reference = Average(input.Reference, input.ReferenceHalf2);
        var map = Average(input.Map, input.MapHalf2);
        // The two maps are prepared side by side (tapering, masks, solvent: mostly single-threaded loops), and the fine
        // copy of map 2 for the masked comparisons is built meanwhile; none of it depends on the other map.
        var mapSide = Task.Run(() => PrepareMap(fft, map));
        var rawMapTask = mapSide.ContinueWith(t => FineMap(fft, t.Result.Tapered), CancellationToken.None, TaskContinuationOptions.OnlyOnRanToCompletion, TaskScheduler.Default);
        var refT = Tapered(reference);
        var refDensity = AutoMask.Create(fft, reference);
        var mask = input.Mask ?? refDensity;
        double maskSum = mask.Data.Sum(v => (double)v);
        if (maskSum < 1) throw new CryoMergeInputException(reference.Name, "the mask is empty");
        var (xm, rm) = AutoMask.Extent(mask, reference.PixelSize);
        var refSolvent = SolventRegion.Create(fft, refT, refDensity, input.Mask);
        var (mapT, mapSolvent, ym, r2) = mapSide.GetAwaiter().GetResult();
        log(string.Create(CultureInfo.InvariantCulture, $"mask: centroid ({xm.X:0.#}, {xm.Y:0.#}, {xm.Z:0.#}) A, radius {rm:0.#} A; map 2 radius {r2:0.#} A (nominal)"));
        // Noise is subtracted from both spectra or from neither: treating the maps differently biases the scale.
        if (refSolvent is null || mapSolvent is null || Environment.GetEnvironmentVariable("CM_NONOISE") == "1") refSolvent = mapSolvent = null;
        var mapSpectrum = Task.Run(() => SignalSpectrum.Measure(fft, mapT, mapSolvent, TaperWindow(mapT.Shape)));
        var refSpectrum = SignalSpectrum.Measure(fft, refT, refSolvent, TaperWindow(refT.Shape));
        var spectra = (Reference: refSpectrum, Map: mapSpectrum.GetAwaiter().GetResult());
        log(refSolvent is null
            ? "noise: too little solvent in a map to measure it; both maps are whitened by their whole amplitude"
            : "noise: measured in the solvent of both maps and removed from their amplitude profiles");

        // The simulated noise of the replicates depends on nothing but the spectra: drawn while the search runs.
        var noiseMaps = Task.Run(() => NoiseMaps(fft, options, spectra, refT.Shape, mapT.Shape));

        var warnings = new List<string>();
        double range = options.Range;
        for (int attempt = 0; ; attempt++)
        {
            var run = new Run(fft, input, options, reference, map, refT, mapT, rawMapTask, noiseMaps, mask, xm, rm, ym, r2, spectra, range, warnings, log);
            var result = run.Execute();
            if (result is not null) return result;
            // The best scale sat on the edge of the range.
            double bound = Math.Abs(run.EdgeScale - 1) * 100;
            if (attempt == 0 && range < options.WidenedRange)
            {
                warnings.Add(string.Create(CultureInfo.InvariantCulture,
                    $"the best scale lay on the edge of the +-{range * 100:0.#} % search range; widened to +-{options.WidenedRange * 100:0.#} %"));
                log(warnings[^1]);
                range = options.WidenedRange;
                continue;
            }
            throw new CryoMergeInputException(input.Map.Name, string.Create(CultureInfo.InvariantCulture,
                $"the best fit lies on the edge of the +-{range * 100:0.#} % search range ({bound:0.#} % from the nominal pixel size {map.PixelSize:0.####} A): the nominal pixel size is further off than that, or the maps do not show the same structure. Give a closer --angpix-nominal, or a larger --range"));
        }
    }

    /// <summary>The simulated noise of each replicate pair, tapered like the maps; null when there are no replicates or no noise estimate.</summary>
    private static (Grid Reference, Grid Map)[]? NoiseMaps(IFftBackend fft, ScaleFitOptions options, (SignalSpectrum Reference, SignalSpectrum Map) spectra, Shape3 refShape, Shape3 mapShape)
    {
        int pairs = options.NoiseReplicates;
        if (pairs <= 0 || !spectra.Reference.HasNoiseEstimate || !spectra.Map.HasNoiseEstimate) return null;
        var taper1 = TaperWindow(refShape);
        var taper2 = TaperWindow(mapShape);
        return Enumerable.Range(0, pairs)
            .Select(i => (NoiseSimulation.Generate(fft, refShape, spectra.Reference, taper1, 7919 * (i + 1)),
                NoiseSimulation.Generate(fft, mapShape, spectra.Map, taper2, 104729 * (i + 1))))
            .ToArray();
    }

    /// <summary>One attempt at a given scale range.</summary>
    private sealed class Run(IFftBackend fft, ScaleFitInput input, ScaleFitOptions options, MapVolume reference, MapVolume map,
        MapVolume refT, MapVolume mapT, Task<MovingMap> rawMapTask, Task<(Grid Reference, Grid Map)[]?> noiseMaps, Grid mask, Vector3d xm, double rm, Vector3d ym, double r2,
        (SignalSpectrum Reference, SignalSpectrum Map) spectra, double range,
        List<string> warnings, Action<string> log)
    {
        private readonly double _minLog = Math.Log(1 - Math.Min(range, 0.9)), _maxLog = Math.Log(1 + range);

        public double EdgeScale { get; private set; } = 1;

        public ScaleFitResult? Execute()
        {
            double p1 = reference.PixelSize, p2 = map.PixelSize;
            double reach = Math.Max(rm, r2 * (1 + range));
            double finest = 2.2 * Math.Max(p1, p2);
            if (options.MaxResolution is double mr) finest = Math.Max(finest, mr);

            // 1. Global search on a small grid (about 6 voxels per particle radius).
            var candidates = new List<ScalePose> { HeaderPose() };
            var search = new RotationSearch(fft, refT, mask, xm, rm, mapT, ym, r2, 16, 1 + range);
            double pc = search.Pixel, dc = search.Resolution;
            double step = options.RotationStepDegrees ?? Math.Clamp(0.9 * dc / reach * 180 / Math.PI, 8, 20);
            var rotations = options.SearchOrientation ? [Matrix3.Identity, .. RotationGrid.Uniform(step)] : new[] { Matrix3.Identity };
            bool[] hands = options.SearchOrientation ? [false, true] : [false];
            var scales = CoarseLogScales();
            log(string.Create(CultureInfo.InvariantCulture,
                $"global search: {rotations.Length} rotations x {hands.Length} hand(s) x {scales.Length} scale(s) on a {search.GridSize}^3 grid of {pc:0.##} A ({dc:0.#} A resolution)"));
            var hits = search.Search(rotations, hands, scales, keepPerHand: 6, separationDegrees: 2 * step);
            candidates.AddRange(hits.Select(h => h.Pose));
            log(string.Create(CultureInfo.InvariantCulture, $"global search: best score {hits.Where(h => !h.Pose.Mirrored).Max(h => h.Score):0.###}, refining {candidates.Count} candidates"));

            // 2. Coarse refinement of every candidate.
            var coarse = Level(FitFilters.LowPass(dc, 1.5 / dc), 1).Build(fft, refT, mask, mapT);
            var refined = candidates.Select(c => coarse.Refine(c, 20)).ToList();
            var bestDirect = refined.Where(r => !r.Pose.Mirrored).MaxBy(r => r.Score.Correlation)!;
            var bestMirror = refined.Where(r => r.Pose.Mirrored).MaxBy(r => r.Score.Correlation);
            string mirroredText = bestMirror is null ? "" : string.Create(CultureInfo.InvariantCulture, $", mirrored {bestMirror.Score.Correlation:0.###}");
            log(string.Create(CultureInfo.InvariantCulture, $"coarse: correlation {bestDirect.Score.Correlation:0.###} (scale {bestDirect.Pose.Scale:0.####}){mirroredText}"));

            // 3. Twice the resolution; both hands, then decide.
            double dm = Math.Max(dc / 2, finest);
            var medium = Level(FitFilters.LowPass(dm, 1.5 / dm), bestDirect.Pose.Scale).Build(fft, refT, mask, mapT);
            var direct = medium.Refine(bestDirect.Pose, 20);
            var mirror = bestMirror is null ? null : medium.Refine(bestMirror.Pose, 20);
            bool opposite = mirror is not null && mirror.Score.Correlation > direct.Score.Correlation;
            var current = opposite ? mirror! : direct;
            mirroredText = mirror is null ? "" : string.Create(CultureInfo.InvariantCulture, $", mirrored {mirror.Score.Correlation:0.###}");
            log(string.Create(CultureInfo.InvariantCulture, $"{dm:0.#} A: correlation {direct.Score.Correlation:0.###}{mirroredText}, scale {current.Pose.Scale:0.#####}"));
            if (opposite)
                warnings.Add(string.Create(CultureInfo.InvariantCulture,
                    $"map 2 has the opposite hand: its mirror image fits better (correlation {mirror!.Score.Correlation:0.###} against {direct.Score.Correlation:0.###}); the scale is measured on the mirrored map. This does not matter for merging particles; flip one map (relion_image_handler --invert_hand) to compare them by eye"));
            if (current.AtScaleBound) return Edge(current.Pose);

            // 4. Two rounds at the resolution the maps support together.
            var rawMap = rawMapTask.GetAwaiter().GetResult();
            ScaleObjective final = medium;
            ScaleLevel finalLevel = null!;
            var pose = current.Pose;
            PoseScore score = current.Score;
            var roundScales = new List<double>();
            for (int round = 0; round < 2; round++)
            {
                var comparison = MaskedComparison.Compute(fft, reference, mask, rawMap, pose);
                var filters = FitFilters.FromFsc(comparison, spectra.Reference, spectra.Map, pose.Scale, p1, options.HighPassResolution, finest);
                finalLevel = Level(filters, pose.Scale, pose);
                final = finalLevel.Build(fft, refT, mask, mapT);
                var r = final.Refine(pose, 20);
                (pose, score) = (r.Pose, r.Score);
                roundScales.Add(pose.LogScale);
                log(string.Create(CultureInfo.InvariantCulture,
                    $"round {round + 1}: FSC 0.143 at {filters.Resolution:0.##} A; correlation {score.Correlation:0.####}, scale {pose.Scale:0.######} ({r.Iterations} iterations, {final.PointCount} points, map 2 noise fraction {final.NoiseFraction(pose):0.###})"));
                if (r.AtScaleBound) return Edge(pose);
            }

            // 5. Error, noise bias, profile, FSC before and after.
            // The simulated noise maps do not depend on the error estimate: built meanwhile.
            var noiseLevel = finalLevel;
            var noise = Task.Run(() => NoiseObjectives(noiseLevel));
            double sigma = StandardError(final, pose);
            pose = NoiseReplicates(finalLevel, final, pose, noise.GetAwaiter().GetResult(), ref sigma);
            HalfMapEstimate? halves = HalfMaps(finalLevel, pose, ref sigma);
            // The two rounds differ only in the filters (FSC weights, band); how far the answer moved between them is
            // how much it depends on that choice, a systematic error the curvature cannot see (e.g. interpolated maps).
            double filterSensitivity = Math.Abs(roundScales[^1] - roundScales[0]);
            double systematic = Math.Sqrt(SystematicRelativeError * SystematicRelativeError + filterSensitivity * filterSensitivity);
            log(string.Create(CultureInfo.InvariantCulture,
                $"error: statistical {sigma * 100:0.####} %, filter sensitivity {filterSensitivity * 100:0.####} %, systematic allowance {SystematicRelativeError * 100:0.####} %"));
            double total = Math.Sqrt(sigma * sigma + systematic * systematic);
            var profileCandidates = ProfileCandidates(pose, total);
            var pair = PreparedScalePair.From(final, map.PixelSize);
            var profile = options.EvaluateProfile ? profileCandidates.Select(c => pair.Evaluate(c)).Select(r => new ScaleProfilePoint(r.PixelSize, r.Correlation)).ToList() : [];
            var bestPose = pose;
            var afterTask = Task.Run(() => MaskedComparison.Compute(fft, reference, mask, rawMap, bestPose).Curve);
            var nominalPose = final.Refine(ShiftedScale(pose, 0), 20, fixScale: true).Pose;
            var before = MaskedComparison.Compute(fft, reference, mask, rawMap, nominalPose).Curve;
            var after = afterTask.GetAwaiter().GetResult();
            if (score.Overlap < 0.2)
                throw new CryoMergeInputException(input.Map.Name, string.Create(CultureInfo.InvariantCulture,
                    $"the maps hardly overlap: only {score.Overlap * 100:0} % of the masked reference falls inside map 2's box at the best fit"));
            if (score.Overlap < 0.6)
                warnings.Add(string.Create(CultureInfo.InvariantCulture, $"only {score.Overlap * 100:0} % of the masked reference falls inside map 2's box"));
            if (score.Correlation < 0.2)
                warnings.Add(string.Create(CultureInfo.InvariantCulture, $"the maps correlate poorly ({score.Correlation:0.###}): check that they show the same structure"));
            double best = p2 * pose.Scale;
            double k = options.Coverage;
            return new ScaleFitResult(best, best * Math.Exp(-k * total), best * Math.Exp(k * total), best * total, p2, p1,
                pose, score.Correlation, finalLevel.Filters.Resolution, before, after, profile, opposite,
                direct.Score.Correlation, mirror?.Score.Correlation ?? double.NaN, score.Overlap, halves, warnings)
            {
                ProfileLevel = finalLevel,
                ProfileCandidates = profileCandidates,
            };
        }

        private ScaleFitResult? Edge(ScalePose pose)
        {
            EdgeScale = pose.Scale;
            return null;
        }

        private ScaleLevel Level(FitFilters filters, double scale, ScalePose? interior = null) => ScaleLevel.For(filters, reference, map, scale, _minLog, _maxLog, spectra.Map, interior);

        private double[] CoarseLogScales()
        {
            if (range <= 0.12) return [0];
            var list = new List<double> { 0 };
            for (double s = 0.1; s < range + 1e-9; s += 0.1)
            {
                list.Add(Math.Log(1 + s));
                if (s < 0.9) list.Add(Math.Log(1 - s));
            }
            return list.ToArray();
        }

        /// <summary>The pose the headers imply at the nominal scale: voxel i of a map at (index origin + i) x pixel.</summary>
        private ScalePose HeaderPose()
        {
            var o1 = reference.IndexOrigin; var c1 = reference.Centre; var o2 = map.IndexOrigin; var c2 = map.Centre;
            double p1 = reference.PixelSize, p2 = map.PixelSize;
            var t = new Vector3d((o2.X + c2.X) * p2 - (o1.X + c1.X) * p1, (o2.Y + c2.Y) * p2 - (o1.Y + c1.Y) * p1, (o2.Z + c2.Z) * p2 - (o1.Z + c1.Z) * p1);
            return new ScalePose(0, Matrix3.Identity, t);
        }

        /// <summary>The pose at another log-scale with the translation that keeps the mask centroid in place.</summary>
        private ScalePose ShiftedScale(ScalePose pose, double logScale)
        {
            double f = Math.Exp(logScale - pose.LogScale);
            var t = pose.Translation;
            var nt = new Vector3d(xm.X - f * (xm.X - t.X), xm.Y - f * (xm.Y - t.Y), xm.Z - f * (xm.Z - t.Z));
            return pose with { LogScale = logScale, Translation = nt };
        }

        private double StandardError(ScaleObjective objective, ScalePose pose)
        {
            var cov = objective.Covariance(pose);
            if (cov is null || !(cov[0, 0] > 0))
            {
                warnings.Add("the error estimate failed (singular normal equations); the range is a rough guess");
                return 0.01;
            }
            return Math.Sqrt(cov[0, 0]);
        }

        /// <summary>
        /// The objectives of simulated noise alone, one per pair of <see cref="NoiseReplicates"/>, at the level of the
        /// fit; null when there are none or no noise estimate to simulate from.
        /// </summary>
        private ScaleObjective[]? NoiseObjectives(ScaleLevel level) =>
            noiseMaps.GetAwaiter().GetResult()?.Select(n => level.Build(fft, refT with { Grid = n.Reference }, mask, mapT with { Grid = n.Map })).ToArray();

        /// <summary>
        /// SIMEX with antithetic pairs: refits with as much simulated noise again in both maps, once added and once
        /// subtracted. Within a pair the first-order response to the simulated noise cancels, so half the pair's sum
        /// less the answer is the second-order (bias) effect of that much noise; to first order the bias grows with
        /// the noise variance, so this is the bias the maps' own noise put into the answer, and it is removed. Half the
        /// pair's difference is the first-order response: its spread is another estimate of the standard error.
        /// </summary>
        private ScalePose NoiseReplicates(ScaleLevel level, ScaleObjective objective, ScalePose pose, ScaleObjective[]? noises, ref double sigma)
        {
            if (noises is null) return pose;
            int pairs = noises.Length;
            double noisier = 2 * level.MapNoiseVariance;
            var bias = new double[pairs];
            var response = new double[pairs];
            for (int i = 0; i < pairs; i++)
            {
                // The objective is linear in the maps: the noise alone, added to and subtracted from the fit's.
                // Only the scale matters here, to a hundredth of the smallest error bar the fit reports.
                double plus = objective.Plus(noises[i], 1, noisier).Refine(pose, 10, logScaleTolerance: 1e-7).Pose.LogScale - pose.LogScale;
                double minus = objective.Plus(noises[i], -1, noisier).Refine(pose, 10, logScaleTolerance: 1e-7).Pose.LogScale - pose.LogScale;
                bias[i] = (plus + minus) / 2;
                response[i] = (plus - minus) / 2;
            }
            double mean = bias.Average();
            double spread = Math.Sqrt(response.Sum(x => x * x) / pairs);
            log(string.Create(CultureInfo.InvariantCulture,
                $"noise replicates: bias {mean * 100:+0.0000;-0.0000} % (removed), response {spread * 100:0.0000} % against {sigma * 100:0.0000} % from the fit"));
            // The spread from a few pairs is itself uncertain: keep the larger of the two estimates.
            sigma = Math.Max(sigma, spread);
            return pose with { LogScale = pose.LogScale - mean };
        }

        private HalfMapEstimate? HalfMaps(ScaleLevel level, ScalePose pose, ref double sigma)
        {
            if (input.ReferenceHalf2 is null && input.MapHalf2 is null) return null;
            double Fit(MapVolume r, MapVolume m) => level.Build(fft, Tapered(r), mask, Tapered(m)).Refine(pose, 15).Pose.LogScale;
            double a = Fit(input.Reference, input.Map);
            double b = Fit(input.ReferenceHalf2 ?? input.Reference, input.MapHalf2 ?? input.Map);
            double halfSigma = Math.Abs(a - b) / 2;
            log(string.Create(CultureInfo.InvariantCulture, $"half maps: scales {Math.Exp(a):0.######} and {Math.Exp(b):0.######} (error {halfSigma:0.#######} against {sigma:0.#######} from the fit)"));
            sigma = Math.Max(sigma, halfSigma);
            double p2 = map.PixelSize;
            return new HalfMapEstimate(p2 * Math.Exp(a), p2 * Math.Exp(b), p2 * Math.Exp(pose.LogScale) * halfSigma);
        }

        /// <summary>
        /// The candidate pixel sizes of the score profile (the paper's Fig. 6a) around the answer, each with the pose
        /// to start from; each is scored independently (<see cref="PreparedScalePair.Evaluate"/>), here or on other nodes.
        /// </summary>
        private List<ScaleCandidate> ProfileCandidates(ScalePose pose, double sigma)
        {
            int n = Math.Max(3, options.ProfilePoints);
            double span = Math.Max(5 * options.Coverage * sigma / 3, 0.004);
            double p2 = map.PixelSize;
            // The centroid-preserving shift already moves the translation most of the way; two steps finish it.
            return Enumerable.Range(0, n)
                .Select(i => pose.LogScale + span * (2.0 * i / (n - 1) - 1))
                .Select(ls => new ScaleCandidate(p2 * Math.Exp(ls), ShiftedScale(pose, ls), Iterations: 2))
                .ToList();
        }
    }

    /// <summary>
    /// The pair a node needs to score profile candidates of a fit (<see cref="ScaleFitResult.ProfileCandidates"/>):
    /// the same maps, mask and level as the fit, so that its scores equal the fit's own.
    /// </summary>
    public static PreparedScalePair PrepareProfile(IFftBackend fft, ScaleFitInput input, ScaleLevel level)
    {
        fft = fft.ForAnalysis();
        var reference = Average(input.Reference, input.ReferenceHalf2);
        var map = Average(input.Map, input.MapHalf2);
        var mask = input.Mask ?? AutoMask.Create(fft, reference);
        return PreparedScalePair.Prepare(fft, Tapered(reference), mask, Tapered(map), level);
    }

    /// <summary>
    /// Map 2's side of the common frame: tapered, its density mask (when one can be found), solvent, centroid and radius;
    /// without a mask, the box centre and half the box.
    /// </summary>
    private static (MapVolume Tapered, Grid? Solvent, Vector3d Centroid, double Radius) PrepareMap(IFftBackend fft, MapVolume map)
    {
        var mapT = Tapered(map);
        try
        {
            var density = AutoMask.Create(fft, map);
            var (centroid, radius) = AutoMask.Extent(density, map.PixelSize);
            return (mapT, SolventRegion.Create(fft, mapT, density), centroid, radius);
        }
        catch (CryoMergeInputException)
        {
            // No density stands out: no solvent to measure noise in either.
            return (mapT, null, default, 0.5 * Math.Min(map.Shape.X, Math.Min(map.Shape.Y, map.Shape.Z)) * map.PixelSize);
        }
    }

    /// <summary>
    /// Map 2 for the masked comparisons: sampled finer (up to twice, within memory) so that interpolation neither blurs
    /// nor sharpens it where the band ends.
    /// </summary>
    private static MovingMap FineMap(IFftBackend fft, MapVolume mapT)
    {
        double upsample = Math.Clamp(Math.Cbrt(32e6 / mapT.Shape.Count), 1, 2);
        return MovingMap.Create(fft, mapT, 1, null, mapT.PixelSize / upsample);
    }

    /// <summary>Half maps averaged (the map itself when there is no second half).</summary>
    private static MapVolume Average(MapVolume half1, MapVolume? half2)
    {
        if (half2 is null) return half1;
        if (half2.Shape != half1.Shape) throw new CryoMergeInputException(half2.Name, $"half map is {half2.Shape} but its partner is {half1.Shape}");
        var g = new Grid(half1.Shape);
        for (int i = 0; i < g.Data.Length; i++) g.Data[i] = 0.5f * (half1.Grid.Data[i] + half2.Grid.Data[i]);
        return half1 with { Grid = g };
    }

    /// <summary>
    /// The map with its border solvent level subtracted and a cosine taper over the outer few voxels, so that Fourier
    /// filters see no step where the periodic box wraps (cut-out zones have density up to their edges).
    /// </summary>
    internal static MapVolume Tapered(MapVolume m)
    {
        var s = m.Shape;
        var border = new List<float>();
        for (int k = 0; k < s.Z; k++)
            for (int j = 0; j < s.Y; j++)
                for (int i = 0; i < s.X; i++)
                    if (i == 0 || j == 0 || k == 0 || i == s.X - 1 || j == s.Y - 1 || k == s.Z - 1) border.Add(m.Grid[i, j, k]);
        border.Sort();
        float level = border[border.Count / 2];
        var window = TaperWindow(s);
        var g = new Grid(s);
        for (int i = 0; i < g.Data.Length; i++) g.Data[i] = (m.Grid.Data[i] - level) * window.Data[i];
        return m with { Grid = g };
    }

    /// <summary>Voxels of cosine taper at each face of a box.</summary>
    internal static int TaperWidth(Shape3 s) => Math.Clamp(Math.Min(s.X, Math.Min(s.Y, s.Z)) / 12, 1, 6);

    /// <summary>The separable cosine edge window of <see cref="Tapered"/>: 1 inside, falling to 0 over the outer voxels.</summary>
    internal static Grid TaperWindow(Shape3 s)
    {
        int width = TaperWidth(s);
        float[] Ramp(int n)
        {
            var r = new float[n];
            for (int i = 0; i < n; i++)
            {
                double t = Math.Min(1, Math.Min(i + 0.5, n - i - 0.5) / width);
                r[i] = (float)(t >= 1 ? 1 : 0.5 - 0.5 * Math.Cos(Math.PI * t));
            }
            return r;
        }
        var (rx, ry, rz) = (Ramp(s.X), Ramp(s.Y), Ramp(s.Z));
        var g = new Grid(s);
        Parallel.For(0, s.Z, k =>
        {
            for (int j = 0; j < s.Y; j++)
            {
                float w = ry[j] * rz[k];
                long row = ((long)k * s.Y + j) * s.X;
                for (int i = 0; i < s.X; i++) g.Data[row + i] = rx[i] * w;
            }
        });
        return g;
    }
}
