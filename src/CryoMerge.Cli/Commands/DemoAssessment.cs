using CryoMerge.Core.Merging.Stages;
using System.Text.Json.Nodes;
using CryoMerge.Core.Assessment;
using CryoMerge.Core.Merging.Pipeline;
using CryoMerge.Grains;

namespace CryoMerge.Cli.Commands;

/// <summary>
/// The demo's last word: each data set's resolution and the merge's, from the merge's assessment stage.
/// </summary>
internal static class DemoAssessment
{
    public static AssessmentReport? From(JobStatus status) =>
        status.Summary is null ? null : MergeState.FromJson(status.Summary).Assessment?.Report;

    /// <summary>
    /// { "dataSets": [{ name, particles, resolution }], "merged": {...}, "steps": [{ added, verdict, reason }] }.
    /// </summary>
    public static JsonObject ToJson(AssessmentReport report)
    {
        static JsonObject Map(MapMeasurement m) => new()
        {
            ["name"] = m.Name,
            ["particles"] = m.Particles,
            ["resolution"] = Math.Round(m.Resolution, 3),
        };
        return new JsonObject
        {
            ["dataSets"] = new JsonArray(report.Order.Select(n => (JsonNode)Map(report.Map(n))).ToArray()),
            ["merged"] = Map(report.Merged),
            ["steps"] = new JsonArray(report.Steps.Where(s => s.Verdict is not null).Select(s =>
                (JsonNode)new JsonObject
            {
                ["added"] = s.Added,
                ["verdict"] = AssessmentSummary.Describe(s.Verdict!.Value),
                ["agreement"] = s.Agreement is double a ? Math.Round(a, 3) : null,
                ["reason"] = s.Reason,
            }).ToArray()),
        };
    }
}
