using System.Text.Json;
using CryoMerge.Core.Analysis;
using CryoMerge.Core.Merging.Pipeline;

namespace CryoMerge.Core.Merging.Stages;

/// <summary>
/// The last stage: writes summary.txt (<see cref="MergeReport"/>), summary.json (the final merge state, with the
/// tolerance verdicts) and the pixel-size plots into the output folder.
/// </summary>
public sealed class SummaryStage : IMergeStage
{
    public const string TextName = "summary.txt";
    public const string JsonName = "summary.json";

    public static readonly WorkKind<Parameters, Result> Work = new("write-summary", WorkPlacement.DataSet, Run);

    public string Name => "summary";

    public IReadOnlyList<WorkKind> Kinds => [Work];

    public sealed record Parameters(string State);

    public sealed record Result(IReadOnlyList<string> Files);

    public IReadOnlyList<WorkItem> Plan(MergeState state)
    {
        // The verdict is a pure function of the state: recomputed (not appended twice) when a job resumes here.
        state.Verdicts = MergeVerdict.For(state).ToList();
        return [Work.Item(new WorkItemId(Name, Key: "all"), new Parameters(state.ToJson()))];
    }

    public void Complete(MergeState state, IReadOnlyList<WorkResult> results) =>
        state.SummaryFiles = Work.ResultOf(results.Single()).Files.ToList();

    private static WorkOutput<Result> Run(Parameters p, WorkEnvironment environment, CancellationToken cancel)
    {
        var state = MergeState.FromJson(p.State);
        string text = Path.Combine(state.Plan.Output, TextName), json = Path.Combine(state.Plan.Output, JsonName);
        string[] files = [text, json, .. PixelSizePlots(state, environment)];
        state.SummaryFiles = [.. files];
        OutputFiles.WriteAllText(text, string.Join('\n', MergeReport.Lines(state)) + "\n");
        OutputFiles.WriteAllText(json, JsonSerializer.Serialize(JsonDocument.Parse(state.ToJson()),
            new JsonSerializerOptions { WriteIndented = true }));
        return new(new Result(files), Outputs: files);
    }

    /// <summary>
    /// Per fitted data set: the score profile and the FSC before and after, as CSV and (where the node has a
    /// renderer) PNG, on the data set's own scale like its pixel size; the labels are the report's numbers.
    /// </summary>
    private static List<string> PixelSizePlots(MergeState state, WorkEnvironment environment)
    {
        var files = new List<string>();
        foreach (var set in state.Plan.DataSets)
        {
            var d = state.DataSets[set.Name];
            if (d.PixelSizeProfile is not { Count: > 0 } profile || d.FscBefore is null || d.FscAfter is null
                || d.MapFit is not { } fit) continue;
            double factor = d.NominalPixelSize / d.MapPixelSize;
            var onItsScale = profile.Select(p => p with { PixelSize = p.PixelSize * factor }).ToList();
            var data = new PixelSizePlotData("fit", "masked correlation (higher is better)", fit.PixelSize, fit.Low,
                fit.High, d.NominalPixelSize, onItsScale, d.FscBefore, d.FscAfter)
            {
                UsedPixelSize = set.PixelSize,
                Reference = state.Plan.Reference,
            };
            files.AddRange(data.WriteCsv(state.Plan.Output, d.Name));
            if (environment.Plots is { } plots) files.AddRange(plots.PixelSize(state.Plan.Output, d.Name, data));
        }
        return files;
    }
}
