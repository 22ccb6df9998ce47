using System.Globalization;
using CryoMerge.Core.Analysis;
using CryoMerge.Core.Merging.Pipeline;

namespace CryoMerge.Core.Merging.Stages;

/// <summary>
/// The relative pixel size of every data set from its map against the reference's (<see cref="ScaleFitter"/>: scale,
/// rotation and translation fitted jointly, honest range). One item per data set. The fit is on map pixels; the data
/// set's other pixel sizes follow by the same factor. A pixel size the plan gives is the one used, but a data set that
/// also has a map is fitted all the same, and a plan's value outside the fit's range is a warning with the tolerance
/// verdict of the difference (<see cref="ForcedPixelSizes"/>). With more than
/// two data sets, every pair of the others is fitted too, one item each, and the scales are checked around every
/// cycle (<see cref="PairScaleFits"/>).
/// </summary>
public sealed class PixelSizeStage : IMergeStage
{
    public static readonly WorkKind<MapFitFiles, Result> Work = new("fit-pixel-size", WorkPlacement.DataSet, Run);

    public string Name => "pixel-size";

    public IReadOnlyList<WorkKind> Kinds => [Work];

    public sealed record Result(double PixelSize, double Low, double High, double StandardError, double Correlation,
        double ResolutionBefore, double ResolutionAfter, bool OppositeHand, IReadOnlyList<string> Warnings,
        FscCurve Before, FscCurve After, ScaleLevel Level, IReadOnlyList<ScaleCandidate> Candidates);

    public IReadOnlyList<WorkItem> Plan(MergeState state)
    {
        var items = new List<WorkItem>();
        bool referenceMap = state.Plan.ReferenceDataSet.Map is not null;
        foreach (var set in state.Plan.Others)
        {
            // A pixel size the plan gives is checked against the map when there is one.
            bool check = set.PixelSize is not null && set.Map is not null && referenceMap;
            if (state.DataSets[set.Name].PixelSize is not null && !check) continue;
            items.Add(Work.Item(new WorkItemId(Name, set.Name), ParametersFor(state, set.Name)));
        }
        // "pixel-size/DS3/DS2": DS3's map fitted against DS2's.
        foreach (var (from, to) in PairScaleFits.Pairs(state))
            items.Add(Work.Item(new WorkItemId(Name, to, from), PairScaleFits.ParametersFor(state, from, to)));
        return items;
    }

    /// <summary>The maps of one data set's fit: its map against the reference's, at the pixel sizes known
    /// now.</summary>
    private static MapFitFiles ParametersFor(MergeState state, string dataSet)
    {
        var reference = state.Plan.ReferenceDataSet;
        var refState = state.DataSets[reference.Name];
        var set = state.Plan.DataSets.Single(s => s.Name == dataSet);
        double refPixel = refState.MapPixelSize * refState.Scale;
        return new MapFitFiles(reference.Map!, refPixel, reference.HalfMap2, set.Map!,
            state.DataSets[dataSet].MapPixelSize, set.HalfMap2, 0.1);
    }

    public void Complete(MergeState state, IReadOnlyList<WorkResult> results)
    {
        var c = CultureInfo.InvariantCulture;
        var pairFits = new List<PairScale>();
        foreach (var r in results)
        {
            var x = Work.ResultOf(r);
            if (r.Id.Key.Length > 0)
            {
                pairFits.Add(PairScaleFits.FromFit(state, r.Id.Key, r.Id.DataSet, x));
                continue;
            }
            var d = state.DataSets[r.Id.DataSet];
            // The map was refined from the data set's particles: every pixel size of the data set scales alike.
            double factor = d.NominalPixelSize / d.MapPixelSize;
            d.MapFit = new PixelSizeFit(x.PixelSize * factor, x.Low * factor, x.High * factor);
            d.Values.MapPixelFitted = x.PixelSize;
            d.Values.MapCorrelation = x.Correlation;
            d.Values.FscResolutionBefore = x.ResolutionBefore;
            d.Values.FscResolutionAfter = x.ResolutionAfter;
            d.FscBefore = x.Before;
            d.FscAfter = x.After;
            d.ProfilePlan = new PixelSizeProfilePlan(ParametersFor(state, d.Name), x.Level, x.Candidates);
            if (state.Plan.DataSets.Single(s => s.Name == d.Name).PixelSize is double given)
                state.Notes.AddRange(ForcedPixelSizes.Notes(state, d, given));
            else (d.PixelSize, d.PixelSizeLow, d.PixelSizeHigh) = (d.MapFit.PixelSize, d.MapFit.Low, d.MapFit.High);
            if (x.OppositeHand) state.Notes.Add(
                $"{d.Name}: its map has the opposite hand of the reference's (the mirrored map fits better); flip " +
                $"one before refining the merged set");
            state.Notes.AddRange(x.Warnings.Select(w => $"{d.Name}: {w}"));
        }
        PairScaleFits.Check(state, pairFits);
    }

    /// <summary>Runs the fit of one data set's map against the reference map.</summary>
    private static WorkOutput<Result> Run(MapFitFiles p, WorkEnvironment environment, CancellationToken cancel)
    {
        var input = LoadMaps(p);
        cancel.ThrowIfCancellationRequested();
        // The profile's candidates are scored by the next stage, spread over the nodes.
        var fit = ScaleFitter.Fit(environment.Fft, input, new ScaleFitOptions { Range = p.Range,
            EvaluateProfile = false });
        var (e, fsc) = (fit.Estimate, fit.Fsc);
        var result = new Result(e.PixelSize, e.Low, e.High, e.StandardError, fit.Alignment.Correlation,
            fsc.Before.CrossingResolution(0.143), fsc.After.CrossingResolution(0.143), fit.Hand.Opposite,
            fit.Warnings, fsc.Before, fsc.After, fit.Profile.Level, fit.Profile.Candidates);
        return new(result, BytesRead: BytesRead(p));
    }

    /// <summary>The maps of a fit, as the fit and the profile's candidates both load them.</summary>
    internal static ScaleFitInput LoadMaps(MapFitFiles p) => new(
        MapVolume.Load(p.ReferenceMap, p.ReferencePixel), MapVolume.Load(p.Map, p.MapPixel), null,
        p.ReferenceHalf2 is null ? null : MapVolume.Load(p.ReferenceHalf2, p.ReferencePixel),
        p.MapHalf2 is null ? null : MapVolume.Load(p.MapHalf2, p.MapPixel));

    internal static long BytesRead(MapFitFiles p) =>
        new[] { p.ReferenceMap, p.Map, p.ReferenceHalf2, p.MapHalf2 }.OfType<string>().Sum(f => new FileInfo(f).Length);
}
