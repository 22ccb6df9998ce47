using System.Globalization;
using CryoMerge.Core.Analysis;
using CryoMerge.Core.Merging.Pipeline;

namespace CryoMerge.Core.Merging.Stages;

/// <summary>
/// The score profile of every fitted data set: the correlation at candidate pixel sizes around the fitted one, with
/// rotation and translation re-optimised at each (the paper's Fig. 6a). The candidates are independent, so they are
/// shards of work items that any node scores; each rebuilds the fit's final level from the map files and gets exactly
/// the fit's own scores.
/// </summary>
public sealed class PixelSizeProfileStage : IMergeStage
{
    public static readonly WorkKind<Parameters, Result> Work =
        new("score-pixel-size-candidates", WorkPlacement.ScaleCandidate, Run);

    /// <summary>Candidates per work item: few enough to spread a profile over several nodes, enough to repay loading
    /// the maps.</summary>
    public const int CandidatesPerItem = 4;

    public string Name => "pixel-size-profile";

    public IReadOnlyList<WorkKind> Kinds => [Work];

    public sealed record Parameters(MapFitFiles Maps, ScaleLevel Level, IReadOnlyList<ScaleCandidate> Candidates);

    public sealed record Result(IReadOnlyList<ScaleProfilePoint> Points);

    public IReadOnlyList<WorkItem> Plan(MergeState state)
    {
        var items = new List<WorkItem>();
        foreach (var set in state.Plan.DataSets)
        {
            if (state.DataSets[set.Name].ProfilePlan is not { } plan) continue;
            var shards = plan.Candidates.Chunk(CandidatesPerItem).ToList();
            for (int i = 0; i < shards.Count; i++)
                items.Add(Work.Item(new WorkItemId(Name, set.Name, i.ToString("000", CultureInfo.InvariantCulture)),
                    new Parameters(plan.Maps, plan.Level, shards[i])));
        }
        return items;
    }

    public void Complete(MergeState state, IReadOnlyList<WorkResult> results)
    {
        foreach (var group in results.GroupBy(r => r.Id.DataSet))
        {
            var d = state.DataSets[group.Key];
            d.PixelSizeProfile = group.SelectMany(r => Work.ResultOf(r).Points).ToList();
            d.ProfilePlan = null;
        }
    }

    /// <summary>Scores one shard of candidates.</summary>
    private static WorkOutput<Result> Run(Parameters p, WorkEnvironment environment, CancellationToken cancel)
    {
        var pair = ScaleFitter.PrepareProfile(environment.Fft, PixelSizeStage.LoadMaps(p.Maps), p.Level);
        var points = new List<ScaleProfilePoint>();
        foreach (var candidate in p.Candidates)
        {
            cancel.ThrowIfCancellationRequested();
            var score = pair.Evaluate(candidate);
            points.Add(new ScaleProfilePoint(score.PixelSize, score.Correlation));
        }
        return new(new Result(points), BytesRead: PixelSizeStage.BytesRead(p.Maps));
    }
}
