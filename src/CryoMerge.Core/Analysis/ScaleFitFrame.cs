using System.Globalization;
using CryoMerge.Core.Imaging;

namespace CryoMerge.Core.Analysis;

/// <summary>
/// Where a map's particle lies: its mask's centroid (A from the box centre) and a radius that holds it (A).
/// </summary>
internal readonly record struct ParticleExtent(Vector3d Centroid, double Radius);

/// <summary>Both maps' signal spectra; both carry a noise estimate from their solvent, or neither does.</summary>
internal sealed record SpectrumPair(SignalSpectrum Reference, SignalSpectrum Map);

/// <summary>Simulated noise for one replicate: each side's own noise spectrum, tapered like the maps.</summary>
internal sealed record NoisePair(Grid Reference, Grid Map);

/// <summary>
/// Step 1 of <see cref="ScaleFitter"/>, prepare: both maps in a common frame. Half maps averaged, both maps tapered
/// at their box edges, the mask (given, or made from the reference), where each particle lies, both maps' signal
/// and noise spectra (noise from their solvent), and, built in the background while the search runs, map 2 sampled
/// finer for the masked comparisons and the simulated noise of the replicates. Everything later steps share.
/// </summary>
internal sealed class ScaleFitFrame
{
    public required IFftBackend Fft { get; init; }

    /// <summary>The maps as given (for the half-map fits).</summary>
    public required ScaleFitInput Input { get; init; }

    /// <summary>Map 1, its halves averaged.</summary>
    public required MapVolume Reference { get; init; }

    /// <summary>Map 2, its halves averaged.</summary>
    public required MapVolume Map { get; init; }

    public required MapVolume ReferenceTapered { get; init; }
    public required MapVolume MapTapered { get; init; }

    /// <summary>Soft mask on map 1's grid: where the maps are compared.</summary>
    public required Grid Mask { get; init; }

    /// <summary>The mask's centroid and radius in map 1.</summary>
    public required ParticleExtent ReferenceExtent { get; init; }

    /// <summary>
    /// Map 2's particle at its nominal pixel size (box centre and half the box when no density stands out).
    /// </summary>
    public required ParticleExtent MapExtent { get; init; }

    public required SpectrumPair Spectra { get; init; }

    /// <summary>Map 2 sampled finer for the masked comparisons (<see cref="MaskedComparison"/>).</summary>
    public required Task<MovingMap> FineMap { get; init; }

    /// <summary>
    /// The replicates' simulated noise; null without replicates or a noise estimate to draw them from.
    /// </summary>
    public required Task<NoisePair[]?> NoiseMaps { get; init; }

    /// <summary>The finest detail the fit compares (A): beyond 2.2 pixels of either map, or a user's limit.</summary>
    public required double FinestResolution { get; init; }

    public static ScaleFitFrame Prepare(IFftBackend fft, ScaleFitInput input, ScaleFitOptions options,
        Action<string> log)
    {
        var reference = Average(input.Reference, input.ReferenceHalf2);
        var map = Average(input.Map, input.MapHalf2);
        // The two maps are prepared side by side (tapering, masks, solvent: mostly single-threaded loops), and the
        // fine copy of map 2 for the masked comparisons is built meanwhile; none of it depends on the other map.
        var mapSide = Task.Run(() => PrepareMap(fft, map));
        var fineMap = mapSide.ContinueWith(t => SampleFiner(fft, t.Result.Tapered), CancellationToken.None,
            TaskContinuationOptions.OnlyOnRanToCompletion, TaskScheduler.Default);
        var refTapered = MapTaper.Apply(reference);
        var refDensity = AutoMask.Create(fft, reference);
        var mask = input.Mask ?? refDensity;
        double maskSum = mask.Data.Sum(v => (double)v);
        if (maskSum < 1) throw new CryoMergeInputException(reference.Name, "the mask is empty");
        var (refCentroid, refRadius) = AutoMask.Extent(mask, reference.PixelSize);
        var refSolvent = SolventRegion.Create(fft, refTapered, refDensity, input.Mask);
        var (mapTapered, mapSolvent, mapExtent) = mapSide.GetAwaiter().GetResult();
        log(string.Create(CultureInfo.InvariantCulture,
            $"mask: centroid ({refCentroid.X:0.#}, {refCentroid.Y:0.#}, {refCentroid.Z:0.#}) A, " +
            $"radius {refRadius:0.#} A; " +
            $"map 2 radius {mapExtent.Radius:0.#} A (nominal)"));
        // Noise is subtracted from both spectra or from neither: treating the maps differently biases the scale.
        if (refSolvent is null || mapSolvent is null) refSolvent = mapSolvent = null;
        var mapSpectrum = Task.Run(() =>
            SignalSpectrum.Measure(fft, mapTapered, mapSolvent, MapTaper.Window(mapTapered.Shape)));
        var refSpectrum = SignalSpectrum.Measure(fft, refTapered, refSolvent, MapTaper.Window(refTapered.Shape));
        var spectra = new SpectrumPair(refSpectrum, mapSpectrum.GetAwaiter().GetResult());
        log(refSolvent is null
            ? "noise: too little solvent in a map to measure it; both maps are whitened by their whole amplitude"
            : "noise: measured in the solvent of both maps and removed from their amplitude profiles");
        double finest = 2.2 * Math.Max(reference.PixelSize, map.PixelSize);
        if (options.MaxResolution is double limit) finest = Math.Max(finest, limit);
        // The simulated noise depends on nothing but the spectra: drawn while the search runs.
        var noiseMaps = Task.Run(() =>
            DrawNoise(fft, options.NoiseReplicates, spectra, refTapered.Shape, mapTapered.Shape));
        return new ScaleFitFrame
        {
            Fft = fft, Input = input, Reference = reference, Map = map,
            ReferenceTapered = refTapered, MapTapered = mapTapered, Mask = mask,
            ReferenceExtent = new ParticleExtent(refCentroid, refRadius), MapExtent = mapExtent,
            Spectra = spectra, FineMap = fineMap, NoiseMaps = noiseMaps, FinestResolution = finest,
        };
    }

    /// <summary>
    /// How far from its centre (A) the search must reach to hold both particles at any allowed scale.
    /// </summary>
    public double Reach(ScaleRange range) => Math.Max(ReferenceExtent.Radius, MapExtent.Radius * range.MaxScale);

    /// <summary>A refinement level of these maps within <paramref name="range"/>.</summary>
    public ScaleLevel Level(FitFilters filters, double scale, ScaleRange range, ScalePose? interiorPose = null) =>
        ScaleLevel.For(filters, Reference, Map, scale, range.MinLogScale, range.MaxLogScale, Spectra.Map, interiorPose);

    /// <summary>The objective of these (tapered) maps at a level.</summary>
    public ScaleObjective Objective(ScaleLevel level) => level.Build(Fft, ReferenceTapered, Mask, MapTapered);

    /// <summary>
    /// The pose the headers imply at the nominal scale: voxel i of a map at (index origin + i) x pixel.
    /// </summary>
    public ScalePose HeaderPose()
    {
        var (o1, c1, o2, c2) = (Reference.IndexOrigin, Reference.Centre, Map.IndexOrigin, Map.Centre);
        double p1 = Reference.PixelSize, p2 = Map.PixelSize;
        var t = new Vector3d((o2.X + c2.X) * p2 - (o1.X + c1.X) * p1, (o2.Y + c2.Y) * p2 - (o1.Y + c1.Y) * p1,
            (o2.Z + c2.Z) * p2 - (o1.Z + c1.Z) * p1);
        return new ScalePose(0, Matrix3.Identity, t);
    }

    /// <summary>
    /// The pose at another log-scale, with the translation that keeps map 1's mask centroid in place.
    /// </summary>
    public ScalePose AtLogScale(ScalePose pose, double logScale)
    {
        var xm = ReferenceExtent.Centroid;
        double f = Math.Exp(logScale - pose.LogScale);
        var t = pose.Translation;
        var nt = new Vector3d(xm.X - f * (xm.X - t.X), xm.Y - f * (xm.Y - t.Y), xm.Z - f * (xm.Z - t.Z));
        return pose with { LogScale = logScale, Translation = nt };
    }

    /// <summary>Half maps averaged (the map itself when there is no second half).</summary>
    internal static MapVolume Average(MapVolume half1, MapVolume? half2)
    {
        if (half2 is null) return half1;
        if (half2.Shape != half1.Shape)
            throw new CryoMergeInputException(half2.Name,
                $"half map is {half2.Shape} but its partner is {half1.Shape}");
        var g = new Grid(half1.Shape);
        for (int i = 0; i < g.Data.Length; i++) g.Data[i] = 0.5f * (half1.Grid.Data[i] + half2.Grid.Data[i]);
        return half1 with { Grid = g };
    }

    /// <summary>
    /// Map 2's side of the frame: tapered, its solvent (when a density mask can be found) and where its particle
    /// lies; without a mask, the box centre and half the box.
    /// </summary>
    private static (MapVolume Tapered, Grid? Solvent, ParticleExtent Extent) PrepareMap(IFftBackend fft,
        MapVolume map)
    {
        var tapered = MapTaper.Apply(map);
        try
        {
            var density = AutoMask.Create(fft, map);
            var (centroid, radius) = AutoMask.Extent(density, map.PixelSize);
            return (tapered, SolventRegion.Create(fft, tapered, density), new ParticleExtent(centroid, radius));
        }
        catch (CryoMergeInputException)
        {
            // No density stands out: no solvent to measure noise in either.
            double halfBox = 0.5 * Math.Min(map.Shape.X, Math.Min(map.Shape.Y, map.Shape.Z)) * map.PixelSize;
            return (tapered, null, new ParticleExtent(default, halfBox));
        }
    }

    /// <summary>
    /// Map 2 for the masked comparisons: sampled finer (up to twice, within memory) so that interpolation neither
    /// blurs nor sharpens it where the band ends.
    /// </summary>
    private static MovingMap SampleFiner(IFftBackend fft, MapVolume tapered)
    {
        double upsample = Math.Clamp(Math.Cbrt(32e6 / tapered.Shape.Count), 1, 2);
        return MovingMap.Create(fft, tapered, 1, null, tapered.PixelSize / upsample);
    }

    /// <summary>
    /// Each replicate's simulated noise, tapered like the maps; null without replicates or noise estimate.
    /// </summary>
    private static NoisePair[]? DrawNoise(IFftBackend fft, int pairs, SpectrumPair spectra, Shape3 refShape,
        Shape3 mapShape)
    {
        if (pairs <= 0 || !spectra.Reference.HasNoiseEstimate || !spectra.Map.HasNoiseEstimate) return null;
        var taper1 = MapTaper.Window(refShape);
        var taper2 = MapTaper.Window(mapShape);
        return Enumerable.Range(0, pairs)
            .Select(i => new NoisePair(
                NoiseSimulation.Generate(fft, refShape, spectra.Reference, taper1, 7919 * (i + 1)),
                NoiseSimulation.Generate(fft, mapShape, spectra.Map, taper2, 104729 * (i + 1))))
            .ToArray();
    }
}
