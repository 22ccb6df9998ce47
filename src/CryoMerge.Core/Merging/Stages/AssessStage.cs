using CryoMerge.Core.Assessment;
using CryoMerge.Core.Merging.Pipeline;

namespace CryoMerge.Core.Merging.Stages;

/// <summary>
/// With more than two data sets: measures each data set's map to order them best first, so that the next stages
/// (<see cref="AssessmentMaps"/>) can make the maps of the one-by-one series.
/// </summary>
public sealed class AssessOrderStage : IMergeStage
{
    public static readonly WorkKind<Parameters, Result> Work = new("assess-order", WorkPlacement.DataSet, Run);

    public string Name => "assess-order";

    public IReadOnlyList<WorkKind> Kinds => [Work];

    public sealed record Parameters(IReadOnlyList<AssessedMap> Maps, string? Mask);

    public sealed record Result(IReadOnlyList<string> Order);

    public IReadOnlyList<WorkItem> Plan(MergeState state)
    {
        if (state.Plan.Assess is not { } options || state.Assessment is not { } a || state.Plan.DataSets.Count <= 2)
            return [];
        return [Work.Item(new WorkItemId(Name, Key: "all"), new Parameters(a.Maps, options.Mask))];
    }

    public void Complete(MergeState state, IReadOnlyList<WorkResult> results)
    {
        if (results.Count > 0) state.Assessment!.Order = Work.ResultOf(results.Single()).Order.ToList();
    }

    private static WorkOutput<Result> Run(Parameters p, WorkEnvironment environment, CancellationToken cancel)
    {
        var merged = p.Maps.Single(m => m.Kind == AssessedMapKind.Merged);
        var (mask, _) = MapAssessment.Mask(environment.Fft, merged, p.Mask);
        var measured = p.Maps.Where(m => m.Kind == AssessedMapKind.DataSet)
            .Select(m => MapAssessment.Measure(environment.Fft, m, mask));
        return new(new Result(MapAssessment.BestFirst(measured)));
    }
}

/// <summary>
/// The assessment's report, the last stage when the plan has an <c>assess</c> section: <see cref="MapAssessment"/> over
/// every half map, its CSV tables and (where the node has a renderer) PNG plots in the assessment folder, and its own
/// section added to summary.txt and summary.json (<see cref="AssessmentSummary"/>).
/// </summary>
public sealed class AssessStage : IMergeStage
{
    public static readonly WorkKind<Parameters, Result> Work = new("assess", WorkPlacement.DataSet, Run);

    public string Name => "assess";

    public IReadOnlyList<WorkKind> Kinds => [Work];

    /// <param name="Output">The merge's output folder (summary files); the assessment's files go to its assessment
    /// folder.</param>
    public sealed record Parameters(string Output, IReadOnlyList<AssessedMap> Maps, IReadOnlyList<string>? Order,
        AssessmentPlan Options);

    public sealed record Result(AssessmentReport Report, IReadOnlyList<string> Files);

    public IReadOnlyList<WorkItem> Plan(MergeState state)
    {
        if (state.Plan.Assess is not { } options || state.Assessment is not { Maps.Count: > 0 } a) return [];
        return [Work.Item(new WorkItemId(Name, Key: "all"),
            new Parameters(state.Plan.Output, a.Maps, a.Order, options))];
    }

    public void Complete(MergeState state, IReadOnlyList<WorkResult> results)
    {
        if (results.Count == 0) return;
        var x = Work.ResultOf(results.Single());
        state.Assessment!.Report = x.Report;
        state.Assessment.Files = x.Files.ToList();
        foreach (string f in x.Files)
            if (!state.SummaryFiles.Contains(f)) state.SummaryFiles.Add(f);
    }

    private static WorkOutput<Result> Run(Parameters p, WorkEnvironment environment, CancellationToken cancel)
    {
        var fft = environment.Fft;
        var order = p.Order;
        if (order is null)
        {
            var merged = p.Maps.Single(m => m.Kind == AssessedMapKind.Merged);
            var (mask, _) = MapAssessment.Mask(fft, merged, p.Options.Mask);
            order = MapAssessment.BestFirst(p.Maps.Where(m => m.Kind == AssessedMapKind.DataSet)
                .Select(m => MapAssessment.Measure(fft, m, mask)));
        }
        var report = MapAssessment.Assess(fft, p.Maps, order, p.Options.Mask, p.Options.Thresholds);
        cancel.ThrowIfCancellationRequested();
        string folder = Path.Combine(p.Output, AssessmentMaps.Folder);
        var files = new List<string>(AssessmentFiles.WriteCsv(folder, report));
        if (environment.Plots is { } plots) files.AddRange(plots.Assessment(folder, report));
        string[] summaries = [Path.Combine(p.Output, "summary.txt"), Path.Combine(p.Output, "summary.json")];
        var state = new AssessmentState
        {
            Maps = p.Maps.ToList(), Order = order.ToList(), Report = report, Files = [.. files, .. summaries],
        };
        AssessmentSummary.Write(p.Output, state, p.Options);
        files.AddRange(summaries);
        return new(new Result(report, files), Outputs: files);
    }
}
