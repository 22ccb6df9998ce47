using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using CryoMerge.Core.Merging;
using CryoMerge.Core.Assessment;
using CryoMerge.Core.Merging.Pipeline;

namespace CryoMerge.Core.Merging.Stages;

/// <summary>
/// The assessment's section of summary.txt (a table) and summary.json (an "assessment" object): added to what the
/// summary stage wrote, replacing only an earlier assessment's section.
/// </summary>
public static class AssessmentSummary
{
    /// <summary>First line of the section in summary.txt; everything from it on is the assessment's.</summary>
    public const string Heading = "Did the merge help?";

    public const string JsonKey = "assessment";

    public static IEnumerable<string> Lines(AssessmentReport r, AssessmentPlan options)
    {
        var t = r.Thresholds;
        string ctf = options.Ctf ? "CTF-corrected" : "without CTF correction";
        string gridding = options.SkipGridding ? ", without gridding weights" : "";
        yield return I($"{Heading} Maps at the particles' refined angles on the reference's grid ")
            + I($"({r.Box} px at {r.PixelSize:0.####} A/px), {ctf}{gridding}; ")
            + $"half-map FSC at 0.143 (interpolated) in the mask: {r.Mask}";
        yield return "  map                      particles   resolution";
        foreach (var m in r.Maps.OrderBy(m => m.Kind).ThenBy(m => m.Resolution))
            yield return I($"  {Label(m),-24} {m.Particles,9}   {m.Resolution,6:0.00} A");
        yield return "  agreement between maps (1: as their half maps predict for one structure at one scale; "
            + "lower: they differ):";
        foreach (var a in r.Agreements)
        {
            string agreement = a.Agreement is double g ? g.ToString("0.00", CultureInfo.InvariantCulture) : "-";
            yield return I($"  {a.A + " ~ " + a.B,-24} {agreement,9}   FSC 0.143 at {a.Resolution:0.00} A")
                + (a.Independent ? "" : " (shares particles: not independent)");
        }
        yield return I($"  one by one, best first (helped: resolution better by more than ")
            + I($"{t.ResolutionChange * 100:0.#} %; ")
            + I($"hurt: worse by more than {t.ResolutionChange * 100:0.#} %, ")
            + I($"or the added data set's map agrees below {t.MinimumAgreement:0.##}):");
        foreach (var s in r.Steps)
            yield return I($"  {s.Step}. {(s.Step == 1 ? "" : "+") + s.Added,-21} {s.Particles,9}")
                + I($"   {s.Resolution,6:0.00} A")
                + (s.Verdict is { } v ? $"   {Describe(v)}: {s.Reason}" : $"   {s.Reason}");
        if (r.Fit is { } fit)
            yield return fit.BFactor is double b
                ? I($"  Rosenthal-Henderson: 1/d^2 = {fit.Intercept:0.#####} + {fit.Slope:0.#####} ln N, B = {b:0} A^2")
                    + (fit.DoubledResolution is double d
                        ? I($"; twice the particles of this quality would give about {d:0.00} A") : "")
                : I($"  Rosenthal-Henderson: 1/d^2 does not rise with ln N (slope {fit.Slope:0.#####}): ")
                    + "more particles of this quality will not help";
        foreach (string note in r.Notes) yield return $"  note: {note}";
    }

    /// <summary>One line per data set and the merge, for a terminal: "DS1 alone: 6.86 A (180 particles)".</summary>
    public static IEnumerable<string> Headline(AssessmentReport r)
    {
        foreach (string name in r.Order)
        {
            var m = r.Map(name);
            yield return I($"{name} alone: {m.Resolution:0.00} A ({m.Particles} particles)");
        }
        var merged = r.Merged;
        yield return I($"merged: {merged.Resolution:0.00} A ({merged.Particles} particles)");
        foreach (var s in r.Steps.Where(s => s.Verdict is not null))
            yield return $"adding {s.Added}: {Describe(s.Verdict!.Value)}: {s.Reason}";
    }

    public static string Describe(AdditionVerdict v) => v switch
    {
        AdditionVerdict.Helped => "helped",
        AdditionVerdict.Hurt => "hurt",
        _ => "no change",
    };

    /// <summary>
    /// Adds the section to summary.txt and summary.json in <paramref name="output"/> (each made when missing).
    /// </summary>
    /// <remarks>summary.json gets the whole <paramref name="assessment"/> (maps, order, report, files), as the merge
    /// state holds it, so that the file stays a merge state that <c>cryomerge assess</c> can read again.</remarks>
    public static IReadOnlyList<string> Write(string output, AssessmentState assessment, AssessmentPlan options)
    {
        var report = assessment.Report ?? throw new ArgumentException("no report", nameof(assessment));
        string text = Path.Combine(output, "summary.txt"), json = Path.Combine(output, "summary.json");
        var lines = File.Exists(text) ? File.ReadAllLines(text).ToList() : [];
        int start = lines.FindIndex(l => l.StartsWith(Heading, StringComparison.Ordinal));
        if (start >= 0) lines.RemoveRange(start, lines.Count - start);
        lines.AddRange(Lines(report, options));
        OutputFiles.WriteAllText(text, string.Join('\n', lines) + "\n");

        var root = File.Exists(json) ? JsonNode.Parse(File.ReadAllText(json)) as JsonObject ?? [] : [];
        root[JsonKey] = JsonSerializer.SerializeToNode(assessment, WorkJson.Options);
        var indented = new JsonSerializerOptions(WorkJson.Options) { WriteIndented = true };
        OutputFiles.WriteAllText(json, root.ToJsonString(indented));
        return [text, json];
    }

    private static string Label(MapMeasurement m) => m.Kind switch
    {
        AssessedMapKind.DataSet => m.Name,
        AssessedMapKind.Merged => "merged",
        _ => $"best {m.DataSets.Count} ({m.Name})",
    };

    private static string I(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
