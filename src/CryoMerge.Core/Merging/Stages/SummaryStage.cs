using System.Text.Json;
using CryoMerge.Core.Analysis;
using CryoMerge.Core.Merging.Pipeline;

namespace CryoMerge.Core.Merging.Stages;

/// <summary>The last stage: writes summary.txt, summary.json (the final merge state) and the pixel-size plots into the output folder.</summary>
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
        state.Notes.RemoveAll(n => n.StartsWith(MergeVerdict.Prefix, StringComparison.Ordinal));
        if (state.Plan.Method != MergeMethod.Relabel || state.Plan.ParticleDiameter is not null) state.Notes.AddRange(MergeVerdict.Notes(state));
        return [Work.Item(new WorkItemId(Name, Key: "all"), new Parameters(state.ToJson()))];
    }

    public void Complete(MergeState state, IReadOnlyList<WorkResult> results) =>
        state.SummaryFiles = Work.ResultOf(results.Single()).Files.ToList();

    private static WorkOutput<Result> Run(Parameters p, WorkEnvironment environment, CancellationToken cancel)
    {
        var state = MergeState.FromJson(p.State);
        string text = Path.Combine(state.Plan.Output, TextName), json = Path.Combine(state.Plan.Output, JsonName);
        string why = state.ReferenceReason is null ? "" : $" ({state.ReferenceReason})";
        var lines = new List<string> { $"CryoMerge.Distributed merge '{state.Plan.Name}', method {(int)state.Plan.Method}, reference {state.Plan.Reference}{why}" };
        lines.Add($"  RELION project folder: {state.Plan.ProjectDirectory} (the merged STAR file's names are relative to it: run RELION there)");
        lines.AddRange(MergeReport.Lines(state));
        OutputFiles.WriteAllText(text, string.Join('\n', lines) + "\n");
        OutputFiles.WriteAllText(json, JsonSerializer.Serialize(JsonDocument.Parse(state.ToJson()), new JsonSerializerOptions { WriteIndented = true }));
        string[] files = [text, json, .. PixelSizePlots(state, environment)];
        return new(new Result(files), Outputs: files);
    }

    /// <summary>
    /// Per fitted data set: the score profile and the FSC before and after, as CSV and (where the node has a
    /// renderer) PNG, on the data set's own scale like its BEST line.
    /// </summary>
    private static IEnumerable<string> PixelSizePlots(MergeState state, WorkEnvironment environment)
    {
        foreach (var set in state.Plan.DataSets)
        {
            var d = state.DataSets[set.Name];
            if (d.PixelSizeProfile is not { Count: > 0 } profile || d.FscBefore is null || d.FscAfter is null || d.PixelSize is null) continue;
            double factor = d.NominalPixelSize / d.MapPixelSize;
            var data = new PixelSizePlotData("fit", "masked correlation (higher is better)", d.PixelSize.Value,
                d.PixelSizeLow ?? d.PixelSize.Value, d.PixelSizeHigh ?? d.PixelSize.Value, d.NominalPixelSize,
                profile.Select(p => p with { PixelSize = p.PixelSize * factor }).ToList(), d.FscBefore, d.FscAfter);
            foreach (string f in data.WriteCsv(state.Plan.Output, d.Name)) yield return f;
            if (environment.Plots is { } plots)
                foreach (string f in plots.PixelSize(state.Plan.Output, d.Name, data)) yield return f;
        }
    }
}
