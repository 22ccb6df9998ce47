using System.CommandLine;
using System.Text.Json.Nodes;
using CryoMerge.Cli.Options;
using CryoMerge.Core.Formats;
using CryoMerge.Core.Merging;

namespace CryoMerge.Cli.Commands;

/// <summary><c>cryomerge join A.star B.star ... --o merged.star</c>: one STAR file in which RELION keeps the data sets
/// apart.</summary>
internal static class JoinCommand
{
    public static Command Create(CliConsole console)
    {
        var files = new Argument<string[]>("FILE")
        {
            Description =
                "Particle, micrograph or movie STAR files of the data sets, RELION 3.0 or 3.1-5 (all of one kind)",
            Arity = ArgumentArity.OneOrMore,
        };
        var output = CommonOptions.OutputStar("Joined STAR file, written atomically; never one of the inputs");
        var keep30 = new Option<bool>("--keep-3.0")
        {
            Description
                = "Join RELION 3.0 files into a 3.0 file (one table, no optics groups) instead of converting them to " +
                "3.1",
        };
        var json = CommonOptions.Json();
        var command = new Command("join", """
            Join the particles (or micrographs, or movies) of several data sets so that RELION keeps them apart:
            every data set keeps its own optics group(s), renamed where a name is taken (relion_star_handler
            --combine silently merges groups of the same name and keeps only the first pixel size) and numbered
            1..N in input order; columns present in only some files are filled with RELION's neutral values (beam
            tilt 0, identity magnification matrix, zero Zernike coefficients, not CTF-premultiplied, origins 0 ...)
            or, where RELION has none, left out as RELION does; an image (micrograph, movie) named twice is
            refused; RELION 3.0 files are converted to 3.1 as RELION's converter does (optics groups from
            distinct pixel size, voltage, Cs, amplitude contrast and beam tilt; rlnOriginX in pixels becomes
            rlnOriginXAngst). rlnGroupName of later files is prefixed "opticsN_" and rlnGroupNumber dropped, as
            relion_star_handler does. The first optics group defines the reference pixel and box for relion_refine.

            Example:
              cryomerge join dataset1/particles.star dataset2_relabelled.star --o merged.star
            """)
        {
            files, output, keep30, json,
        };
        command.SetAction(parse =>
        {
            string o = parse.GetValue(output)!;
            var report = StarJoin.JoinFiles(parse.GetValue(files)!, o, new JoinOptions(parse.GetValue(keep30)));
            Print(console, o, report, parse.GetValue(json));
            return (int)ExitCode.Ok;
        });
        return command;
    }

    private static void Print(CliConsole console, string output, JoinReport report, bool json)
    {
        foreach (var w in report.Warnings) console.Warn(w);
        foreach (var d in report.DroppedColumns) console.Warn($"left out {d}: RELION has no neutral value for it");
        var pixels = report.OpticsGroups.Select(g => g.PixelSize).Where(p => p is not null).Distinct().Count();
        if (json)
        {
            var o = new JsonObject
            {
                ["output"] = output,
                ["kind"] = StarDataSet.TableName(report.Kind),
                ["generation"] = report.Relion30Output ? "RELION 3.0" : "RELION 3.1+",
                ["rows"] = report.Rows,
                ["inputs"] = new JsonArray(report.Inputs.Select(i => (JsonNode)new JsonObject
                {
                    ["path"] = i.Path,
                    ["generation"] = MetadataOutput.Generation(i.Generation),
                    ["rows"] = i.Rows,
                    ["convertedFrom30"] = i.ConvertedFrom30,
                }).ToArray()),
                ["opticsGroups"] = new JsonArray(report.OpticsGroups.Select(g => (JsonNode)new JsonObject
                {
                    ["number"] = g.Number,
                    ["name"] = g.Name,
                    ["input"] = g.Input,
                    ["originalNumber"] = g.OriginalNumber,
                    ["originalName"] = g.OriginalName,
                    ["renamed"] = g.Renamed,
                    ["pixelSize"] = g.PixelSize,
                    ["imageSize"] = g.ImageSize,
                    ["rows"] = g.Rows,
                }).ToArray()),
                ["filledColumns"] = new JsonArray(report.FilledColumns.Select(c => (JsonNode)c).ToArray()),
                ["droppedColumns"] = new JsonArray(report.DroppedColumns.Select(c => (JsonNode)c).ToArray()),
                ["warnings"] = new JsonArray(report.Warnings.Select(w => (JsonNode)w).ToArray()),
            };
            console.Out.WriteLine(o.ToJsonString(Json.Indented));
            return;
        }
        var t = console.Out;
        t.WriteLine(
            $"wrote {output}: {report.Rows} {StarDataSet.TableName(report.Kind)} from {report.Inputs.Count} files " +
            $"({(report.Relion30Output ? "RELION 3.0" : "RELION 3.1+")})");
        foreach (var (input, k) in report.Inputs.Select((x, k) => (x, k + 1)))
            t.WriteLine(
                $"  {k}. {input.Path}: {input.Rows} rows{(input.ConvertedFrom30 ? ", converted from RELION " +
                "3.0" : "")}");
        foreach (var g in report.OpticsGroups)
        {
            string size = g.PixelSize is double p ? $", {MetadataOutput.F(p)} A" + (g.ImageSize is int b ? $", box {b}"
                : "") : "";
            string from = g.Renamed ? $" (renamed from {g.OriginalName}: the name was taken)" : "";
            t.WriteLine(
                $"  optics group {g.Number} {g.Name}: file {g.Input} group {g.OriginalNumber}, {g.Rows} " +
                $"rows{size}{from}");
        }
        foreach (var f in report.FilledColumns) t.WriteLine($"  filled {f}");
        if (pixels > 1 && report.OpticsGroups.FirstOrDefault() is { } first)
            t.WriteLine(
                $"  optics groups of different pixel sizes: RELION >= 3.1 refines them together; the reference must " +
                $"match group 1 ({MetadataOutput.F(first.PixelSize ?? 0)} " +
                $"A{(first.ImageSize is int box ? $", box {box}" : "")}) unless --trust_ref_size");
    }
}
