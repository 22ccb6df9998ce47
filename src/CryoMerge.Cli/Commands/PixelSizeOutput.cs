using System.Globalization;
using System.Text.Json.Nodes;
using CryoMerge.Core;
using CryoMerge.Core.Analysis;

namespace CryoMerge.Cli.Commands;

/// <summary>The text and JSON forms of a <see cref="PixelSizeOutcome"/>.</summary>
internal static class PixelSizeOutput
{
    /// <summary>The paper's line, with five decimals (the paper printed three, enough for its 2/N quantum
    /// only).</summary>
    public static string BestLine(PixelSizeOutcome o) =>
        Invariant($"BEST:{o.Best:0.00000} range:{o.Low:0.00000} - {o.High:0.00000}");

    public static void Print(CliConsole console, PixelSizeOutcome o, bool json)
    {
        if (json)
        {
            console.Out.WriteLine(ToJson(o).ToJsonString(Json.Indented));
            return;
        }
        var t = console.Out;
        t.WriteLine(BestLine(o));
        t.WriteLine(Invariant($"method: {o.Method}; map 1 {o.ReferencePixelSize:0.#####} A/px, ") +
            Invariant($"map 2 nominal {o.NominalPixelSize:0.#####} A/px"));
        string error = o.StandardError is double se ? Invariant($" (standard error {se / o.Best * 100:0.####} %)") : "";
        t.WriteLine(Invariant($"relative scale: map 2 pixel = {o.RelativeScale:0.000000} x nominal{error}; ") +
            Invariant($"map 1 / map 2 pixel ratio {o.PixelRatio:0.000000}"));
        if (o.Rotation is Matrix3 rot)
        {
            var (axis, angle) = rot.ToAxisAngle();
            var (a, b, c) = rot.ToRelionEuler();
            t.WriteLine(Invariant($"rotation: {angle * 180 / Math.PI:0.###} deg about ") +
                Invariant($"({axis.X:0.####}, {axis.Y:0.####}, {axis.Z:0.####}); ") +
                Invariant($"RELION rot/tilt/psi {a:0.###} {b:0.###} {c:0.###} deg") +
                (o.Mirrored ? "; map 2 mirrored (opposite hand)" : ""));
        }
        if (o.Shift is { } s)
            t.WriteLine(Invariant($"shift: ({s.X:0.###}, {s.Y:0.###}, {s.Z:0.###}) A ") +
                "(map 2's box centre in map 1, from map 1's box centre)");
        t.WriteLine(Invariant($"score: {o.Score:0.#####} ({o.ScoreName})"));
        t.WriteLine(Invariant($"FSC resolution before (nominal): {o.Before.ResolutionAt(0.5):0.##} A at 0.5, ") +
            Invariant($"{o.Before.ResolutionAt(0.143):0.##} A at 0.143; ") +
            Invariant($"after (BEST): {o.After.ResolutionAt(0.5):0.##} A at 0.5, ") +
            Invariant($"{o.After.ResolutionAt(0.143):0.##} A at 0.143"));
    }

    public static JsonObject ToJson(PixelSizeOutcome o)
    {
        var json = new JsonObject
        {
            ["method"] = o.Method,
            ["best"] = o.Best,
            ["low"] = o.Low,
            ["high"] = o.High,
            ["standardError"] = o.StandardError,
            ["referencePixelSize"] = o.ReferencePixelSize,
            ["nominalPixelSize"] = o.NominalPixelSize,
            ["relativeScale"] = o.RelativeScale,
            ["pixelRatio"] = o.PixelRatio,
            ["score"] = o.Score,
            ["scoreName"] = o.ScoreName,
            ["mirrored"] = o.Mirrored,
            ["before"] = Curve(o.Before),
            ["after"] = Curve(o.After),
            ["profile"] = new JsonArray(o.Profile.Select(p => (JsonNode)new JsonObject { ["pixelSize"] = p.PixelSize,
            ["score"] = p.Score }).ToArray()),
            ["warnings"] = new JsonArray(o.Warnings.Select(w => (JsonNode)JsonValue.Create(w)!).ToArray()),
        };
        if (o.Rotation is Matrix3 r)
        {
            var (axis, angle) = r.ToAxisAngle();
            var (rot, tilt, psi) = r.ToRelionEuler();
            json["rotation"] = new JsonObject
            {
                ["matrix"] = new JsonArray(r.ToArray().Select(v => (JsonNode)v).ToArray()),
                ["angleDegrees"] = angle * 180 / Math.PI,
                ["axis"] = new JsonArray(axis.X, axis.Y, axis.Z),
                ["relionEuler"] = new JsonArray(rot, tilt, psi),
            };
        }
        if (o.Shift is { } s) json["shift"] = new JsonArray(s.X, s.Y, s.Z);
        if (o.Fit is { } f)
        {
            json["fitResolution"] = f.Alignment.Resolution;
            json["overlap"] = f.Alignment.Overlap;
            json["directHandCorrelation"] = f.Hand.DirectCorrelation;
            json["mirroredHandCorrelation"] = f.Hand.MirroredCorrelation;
            json["errors"] = Errors(f.Errors);
            if (f.HalfMaps is { } h)
                json["halfMaps"] = new JsonObject { ["pixelSizeA"] = h.PixelSizeA, ["pixelSizeB"] = h.PixelSizeB,
                    ["standardError"] = h.StandardError };
        }
        return json;
    }

    /// <summary>The error budget, each part a relative standard error (0.001 = 0.1 %).</summary>
    private static JsonObject Errors(ScaleErrorBudget b) => new()
    {
        ["statistical"] = b.Statistical,
        ["curvature"] = b.Curvature,
        ["noiseResponse"] = b.NoiseResponse,
        ["halfMaps"] = b.HalfMaps,
        ["filterSensitivity"] = b.FilterSensitivity,
        ["systematicAllowance"] = b.SystematicAllowance,
        ["total"] = b.Total,
        ["noiseBiasRemoved"] = b.NoiseBias,
    };

    private static JsonObject Curve(FscCurve c) => new()
    {
        ["resolutionAt05"] = c.ResolutionAt(0.5),
        ["resolutionAt0143"] = c.ResolutionAt(0.143),
    };

    private static string Invariant(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
