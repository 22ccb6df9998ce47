using System.Text.Json.Nodes;
using CryoMerge.Core;
using CryoMerge.Core.Rescaling;

namespace CryoMerge.Cli.Commands;

/// <summary>The --json form of rescale results.</summary>
internal static class RescaleJson
{
    public static JsonObject Of(RescaleResult r) => new()
    {
        ["kind"] = "rescale",
        ["input"] = r.Input,
        ["output"] = r.Output,
        ["imageKind"] = RescaleCommand.KindName(r.Kind),
        ["method"] = r.Method.ToString().ToLowerInvariant(),
        ["inputShape"] = Shape(r.InputShape),
        ["outputShape"] = Shape(r.OutputShape),
        ["images"] = r.Images,
        ["inputPixelSize"] = r.InputPixelSize,
        ["pixelSizeSource"] = r.PixelSizeSource,
        ["requestedPixelSize"] = r.RequestedPixelSize,
        ["pixelSize"] = r.PixelSize,
        ["relativeError"] = r.RelativeError,
        ["differsFromRequest"] = r.DiffersFromRequest,
        ["newBox"] = r.NewBox,
        ["betterBoxes"] = new JsonArray(r.BetterBoxes.Select(b => (JsonNode)new JsonObject
        {
            ["inputBox"] = b.InputBox,
            ["outputBox"] = b.OutputBox,
            ["pixelSize"] = b.PixelSize,
        }).ToArray()),
        ["warning"] = r.Warning,
        ["notes"] = new JsonArray(r.Notes.Select(n => (JsonNode)n).ToArray()),
    };

    public static JsonObject Of(StarRescaleSummary s) => new()
    {
        ["kind"] = "rescale-star",
        ["input"] = s.Star,
        ["outputStar"] = s.OutputStar,
        ["pathColumn"] = s.PathColumn,
        ["rows"] = s.Rows,
        ["files"] = s.Results.Count,
        ["pixelSizes"] = new JsonArray(s.PixelSizes.Select(c => (JsonNode)new JsonObject
        {
            ["opticsGroup"] = c.Group,
            ["opticsGroupName"] = c.GroupName,
            ["oldPixelSize"] = c.OldPixelSize,
            ["newPixelSize"] = c.NewPixelSize,
            ["columns"] = c.Columns,
        }).ToArray()),
        ["warnings"] = new JsonArray(s.Warnings.Select(w => (JsonNode)w).ToArray()),
        ["results"] = new JsonArray(s.Results.Select(r => (JsonNode)Of(r)).ToArray()),
    };

    private static JsonArray Shape(Shape3 s) => new(s.X, s.Y, s.Z);
}
