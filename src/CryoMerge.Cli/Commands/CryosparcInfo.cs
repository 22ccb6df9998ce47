using System.Globalization;
using System.Text.Json.Nodes;
using CryoMerge.Core.Formats;

namespace CryoMerge.Cli.Commands;

/// <summary>How <c>cryomerge info</c> prints a cryoSPARC .cs file: as it prints a STAR file, in RELION's
/// terms.</summary>
internal static class CryosparcInfo
{
    /// <summary>.cs by name, or any file that starts with NumPy's magic.</summary>
    public static bool Is(string path) =>
        path.EndsWith(".cs", StringComparison.OrdinalIgnoreCase) || (path.EndsWith(".npy",
            StringComparison.OrdinalIgnoreCase) && File.Exists(path))
        || (File.Exists(path) && !path.EndsWith(".star", StringComparison.OrdinalIgnoreCase) && !path.EndsWith(".mrc",
            StringComparison.OrdinalIgnoreCase)
            && !path.EndsWith(".mrcs", StringComparison.OrdinalIgnoreCase) && CryosparcFile.LooksLikeCryosparc(path));

    public static void Print(TextWriter o, CryosparcSummary s)
    {
        o.WriteLine(s.Path);
        o.WriteLine($"  format      cryoSPARC {KindName(s.Kind)} (.cs), {s.Format}");
        o.WriteLine($"  rows        {s.Rows}");
        o.WriteLine($"  fields      {s.Fields.Count}: "
            + $"{string.Join(' ', s.Fields.Where(f => !f.IsPadding).Select(f => $"{f.Name}({f.Describe()})"))}");
        foreach (var g in s.ExposureGroups)
            foreach (var og in g.OpticsGroups)
                o.WriteLine($"  exp group {g.Id,-3} {og.Rows} rows: {Optics(og)} -> optics group {og.Number} "
                    + $"{og.Name}");
        foreach (var (pixel, rows) in s.PixelSizes) o.WriteLine($"  pixel size  {F(pixel)} A ({rows} rows)");
        if (s.Alignments is { } a)
        {
            string pixels = a.ShiftPixelSizes.Count == 0 ? "the images"
                : string.Join(", ", a.ShiftPixelSizes.Select(p => F(p) + " A"));
            string poses = a.ThreeD ? "3D poses" : "2D in-plane angles";
            string halves = a.BothHalves ? "two half sets" : "one half set";
            o.WriteLine($"  alignments  {a.Slot}: {poses}, shifts in pixels of {pixels}, {halves}");
        }
        else o.WriteLine("  alignments  none");
        foreach (var other in s.OtherAlignmentSlots)
            o.WriteLine($"  alignments  {other.TrimEnd('/')} (per class, not converted)");
        if (s.Stacks > 0) o.WriteLine($"  stacks      {s.Stacks} file{(s.Stacks == 1 ? "" : "s")}, names {s.PathForm}");
        if (s.Micrographs > 0) o.WriteLine($"  micrographs {s.Micrographs} (location/*: coordinates available)");
        if (s.BlobSign is float sign) o.WriteLine($"  contrast    blob/sign {F(sign)} "
            + $"({(sign < 0 ? "dark particles, cryoSPARC's raw contrast" : "white particles, RELION's convention")})");
        foreach (var note in s.Notes) o.WriteLine($"  note        {note}");
    }

    public static JsonObject Json(CryosparcSummary s) => new()
    {
        ["kind"] = "cryosparc",
        ["path"] = s.Path,
        ["format"] = s.Format,
        ["dataKind"] = KindName(s.Kind),
        ["rows"] = s.Rows,
        ["fields"] = new JsonArray(s.Fields.Where(f => !f.IsPadding).Select(f => (JsonNode)new JsonObject
        {
            ["name"] = f.Name,
            ["type"] = f.TypeString,
            ["shape"] = new JsonArray(f.Shape.Select(d => (JsonNode)d).ToArray()),
        }).ToArray()),
        ["exposureGroups"] = new JsonArray(s.ExposureGroups.Select(g => (JsonNode)new JsonObject
        {
            ["id"] = g.Id,
            ["rows"] = g.Rows,
            ["opticsGroups"] = new JsonArray(g.OpticsGroups.Select(og => (JsonNode)new JsonObject
            {
                ["number"] = og.Number,
                ["name"] = og.Name,
                ["rows"] = og.Rows,
                ["imagePixelSize"] = og.PixelSize,
                ["imageSize"] = og.Box,
                ["voltage"] = og.Voltage,
                ["sphericalAberration"] = og.Cs,
                ["amplitudeContrast"] = og.AmplitudeContrast,
            }).ToArray()),
        }).ToArray()),
        ["alignments"] = s.Alignments is { } a ? new JsonObject
        {
            ["slot"] = a.Slot,
            ["threeD"] = a.ThreeD,
            ["shiftPixelSizes"] = new JsonArray(a.ShiftPixelSizes.Select(p => (JsonNode)p).ToArray()),
            ["bothHalves"] = a.BothHalves,
        } : null,
        ["otherAlignments"] = new JsonArray(s.OtherAlignmentSlots.Select(x => (JsonNode)x.TrimEnd('/')).ToArray()),
        ["stacks"] = s.Stacks,
        ["micrographs"] = s.Micrographs,
        ["pathForm"] = s.PathForm,
        ["blobSign"] = s.BlobSign,
        ["notes"] = new JsonArray(s.Notes.Select(n => (JsonNode)n).ToArray()),
    };

    private static string Optics(CryosparcOpticsGroup g)
    {
        var parts = new List<string> { $"{F(g.PixelSize)} A", $"box {g.Box}" };
        if (g.Voltage > 0) parts.Add($"{F(g.Voltage)} kV, Cs {F(g.Cs)} mm, amplitude contrast "
            + $"{F(g.AmplitudeContrast)}");
        if (g.BeamTiltX != 0
            || g.BeamTiltY != 0) parts.Add($"beam tilt ({g.BeamTiltX:0.####}, {g.BeamTiltY:0.####}) mrad");
        return string.Join(", ", parts);
    }

    private static string KindName(CryosparcDataKind kind) => kind switch
    {
        CryosparcDataKind.Particles => "particles",
        CryosparcDataKind.Picks => "particle locations",
        CryosparcDataKind.Exposures => "exposures",
        _ => "dataset",
    };

    private static string F(float v) => v.ToString(CultureInfo.InvariantCulture);
}
