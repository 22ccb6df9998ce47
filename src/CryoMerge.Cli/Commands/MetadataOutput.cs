using System.Globalization;
using System.Text.Json.Nodes;
using CryoMerge.Core.Ctf;
using CryoMerge.Core.Formats;
using CryoMerge.Core.Merging;

namespace CryoMerge.Cli.Commands;

/// <summary>Human and JSON output of scale-ctf, relabel and rescale-particles: what changed, per optics group, in plain
/// words.</summary>
internal static class MetadataOutput
{
    public static void Print(CliConsole console, string output, MetadataChangeReport report,
        DefocusOptions defocus, bool json,
        JsonObject? extra = null, IEnumerable<string>? extraLines = null)
    {
        foreach (var w in report.Warnings) console.Warn(w);
        if (json)
        {
            var o = new JsonObject
            {
                ["input"] = report.Input,
                ["output"] = output,
                ["generation"] = Generation(report.Generation),
                ["kind"] = StarDataSet.TableName(report.Kind),
                ["rows"] = report.Rows,
                ["defocusCorrection"] = CorrectionName(defocus),
                ["groups"] = new JsonArray(report.Relabel.Groups.Select(g => (JsonNode)GroupJson(g)).ToArray()),
                ["changedColumns"] = new JsonArray(report.Relabel.ChangedColumns.Select(c => (JsonNode)c).ToArray()),
                ["warnings"] = new JsonArray(report.Warnings.Select(w => (JsonNode)w).ToArray()),
            };
            if (extra is not null) foreach (var (key, value) in extra) o[key] = value?.DeepClone();
            console.Out.WriteLine(o.ToJsonString(Json.Indented));
            return;
        }
        var t = console.Out;
        t.WriteLine(
            $"wrote {output}: {report.Rows} {StarDataSet.TableName(report.Kind)} ({Generation(report.Generation)})");
        foreach (var line in extraLines ?? []) t.WriteLine($"  {line}");
        foreach (var g in report.Relabel.Groups)
        {
            t.WriteLine(
                $"  {g.Name} ({g.Rows} rows): pixel size {F(g.OldPixel)} -> {F(g.NewPixel)} A (x " +
                $"{g.NewPixel / g.OldPixel:0.000000})");
            if (g.Defocus is { } d) t.WriteLine($"    {DefocusSentence(d, g, defocus)}");
        }
        if (report.Relabel.ChangedColumns.Count
            > 0) t.WriteLine($"  changed: {string.Join(' ', report.Relabel.ChangedColumns)}");
    }

    /// <summary>"defocus U and V x 0.956049, then increased by 14.60 A (...); 20000 A becomes 19135.59 A".</summary>
    public static string DefocusSentence(DefocusChange d, RelabelledGroup g, DefocusOptions options)
    {
        string microscope = g.Kilovolts is double kv ? $"Cs {F(g.CsMm ?? 0)} mm, {F(kv)} kV"
            : $"Cs {F(g.CsMm ?? 0)} mm";
        string constant = Math.Abs(d.Constant) < 0.005 ? "with no constant added"
            : $"then {(d.Constant > 0 ? "increased" : "decreased")} by {Math.Abs(d.Constant):0.00} A";
        string why = options.Correction switch
        {
            DefocusCorrection.PaperConstant =>
                $"{microscope}; scale_ctf.sh's constant, 1/k = {DefocusRescaling.PaperResolution} A at the old pixel " +
                $"size; the script prints it as {-d.Constant:0.000000}",
            DefocusCorrection.ScaleCs =>
            $"Cs {F(g.CsMm ?? 0)} -> {d.NewCs:0.000} mm, the apparent Cs that keeps the fitted Thon rings",
            _ => $"{microscope}; Cs term over the " +
            $"{F(options.FitBand.LowResolution)}-{F(options.FitBand.HighResolution)} A fit band, 1/k_eff = " +
            $"{d.EffectiveResolution:0.00} A",
        };
        return $"defocus U and V x {d.Factor:0.000000}, {constant} ({why}); 20000 A becomes {d.Apply(20000):0.00} A";
    }

    public static JsonObject GroupJson(RelabelledGroup g) => new()
    {
        ["name"] = g.Name,
        ["number"] = g.Number,
        ["rows"] = g.Rows,
        ["oldPixelSize"] = g.OldPixel,
        ["newPixelSize"] = g.NewPixel,
        ["ratio"] = g.NewPixel / g.OldPixel,
        ["sphericalAberration"] = g.CsMm,
        ["voltage"] = g.Kilovolts,
        ["defocus"] = g.Defocus is { } d ? new JsonObject
        {
            ["factor"] = d.Factor,
            ["constant"] = d.Constant,
            ["constantDirection"] = Math.Abs(d.Constant) < 0.005 ? "none" : d.Constant > 0 ? "increased" : "decreased",
            ["newSphericalAberration"] = d.NewCs,
            ["effectiveResolution"] = d.EffectiveResolution,
            ["example20000"] = d.Apply(20000),
        } : null,
    };

    public static string Generation(StarGeneration g) => g == StarGeneration.Relion30 ? "RELION 3.0" : "RELION 3.1+";

    private static string CorrectionName(DefocusOptions o) => o.Correction switch
    {
        DefocusCorrection.PaperConstant => "paper-constant",
        DefocusCorrection.ScaleCs => "scale-cs",
        _ => $"band {F(o.FitBand.LowResolution)}-{F(o.FitBand.HighResolution)} A",
    };

    public static string F(double v) => v.ToString("0.######", CultureInfo.InvariantCulture);
}
