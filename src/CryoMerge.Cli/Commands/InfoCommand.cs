using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using CryoMerge.Core;
using CryoMerge.Core.Formats;
using CryoMerge.Cli.Options;

namespace CryoMerge.Cli.Commands;

/// <summary><c>cryomerge info FILE...</c>: shape, mode, pixel size, origin and statistics of MRC files; blocks, columns
/// and pixel sizes of STAR files.</summary>
internal static class InfoCommand
{
    public static Command Create(CliConsole console)
    {
        var files = new Argument<string[]>("FILE")
        {
            Description = "MRC files (.mrc, .mrcs, .map, movies), STAR files (.star) and cryoSPARC files (.cs)",
            Arity = ArgumentArity.OneOrMore,
        };
        var json = CommonOptions.Json();
        var verbose = CommonOptions.Verbose();
        var headerOnly = new Option<bool>("--header-only")
        {
            Description = "Do not read the data: report the statistics written in the header instead of computing them",
        };
        var command = new Command("info", """
            Describe MRC and STAR files: shape, mode, pixel size per axis, origin, axis order and statistics;
            STAR blocks, row counts, columns and the pixel size of every optics group, with a warning where an
            image header and its STAR file disagree; cryoSPARC .cs files in the same terms: rows, fields and their
            NumPy types, exposure groups with their pixel size, box and optics (and the RELION optics group each
            becomes), whether poses (alignments3D or 2D) are present and in which pixel size the shifts are.

            Examples:
              cryomerge info ../shared/data/real/ngl/betaGal.mrc ../shared/data/real/cryodrgn/relion31.star --json
              cryomerge info ../shared/data/real/cryodrgn/cryosparc_P12_J24_001_particles.cs
            """)
        {
            files, json, verbose, headerOnly,
        };
        command.SetAction(parse => (int)Run(console, parse.GetValue(files)!, parse.GetValue(json),
            parse.GetValue(verbose), parse.GetValue(headerOnly)));
        return command;
    }

    public static ExitCode Run(CliConsole console, IReadOnlyList<string> files, bool json, bool verbose,
        bool headerOnly)
    {
        if (verbose) console.Note($"FFT backend: {console.Fft.Describe()}");
        var results = new JsonArray();
        var failed = false;
        foreach (var file in files)
        {
            try
            {
                if (CryosparcInfo.Is(file))
                {
                    var summary = CryosparcSummary.Of(CryosparcFile.Read(file));
                    if (json) results.Add(CryosparcInfo.Json(summary)); else CryosparcInfo.Print(console.Out, summary);
                }
                else if (IsStar(file))
                {
                    var summary = StarSummary.Of(StarFile.Read(file), file);
                    foreach (var w in summary.Warnings) console.Warn(w);
                    if (json) results.Add(StarJson(summary)); else PrintStar(console.Out, summary);
                }
                else
                {
                    using var mrc = MrcFile.Open(RelionPaths.StripTypeSuffix(file), MrcReadOptions.Permissive);
                    var summary = MrcSummary.Of(mrc, computeStatistics: !headerOnly);
                    if (summary.PixelSize.X
                        <= 0) console.Warn(
                        $"{file}: header has no pixel size (0); give one with --angpix where needed");
                    if (summary.NonFiniteValues > 0)
                        console.Warn($"{file}: {summary.NonFiniteValues} NaN or infinite value(s), the first in "
                            + $"{SectionName(summary)} {summary.FirstNonFiniteSection}; "
                            + "rescale, extract and merge refuse such data");
                    if (verbose) foreach (var f in summary.Findings) console.Note($"{file}: {f}");
                    if (json) results.Add(MrcJson(summary)); else PrintMrc(console.Out, summary);
                }
            }
            catch (CryoMergeInputException e)
            {
                console.Error.WriteLine($"cryomerge: {e.Message}");
                failed = true;
            }
        }
        if (json && results.Count > 0)
            console.Out.WriteLine((files.Count == 1 ? results[0]! : results).ToJsonString(Json.Indented));
        return failed ? ExitCode.BadInput : ExitCode.Ok;
    }

    private static bool IsStar(string path) => path.EndsWith(".star", StringComparison.OrdinalIgnoreCase);

    private static void PrintMrc(TextWriter o, MrcSummary s)
    {
        o.WriteLine(s.Path);
        o.WriteLine($"  kind        {KindName(s.Kind)}, {s.Shape.X} x {s.Shape.Y} x {s.Shape.Z} (X, Y, Z)");
        o.WriteLine(
            $"  mode        {s.Mode} ({ModeName(s.Mode)}), {(s.BigEndian ? "big" : "little")}-endian, " +
            $"{(s.NVersion == 20140 || s.NVersion == 20141 ? $"MRC2014 (NVERSION " +
            $"{s.NVersion})" : s.HasMapId ? "pre-2014 header" : "old header without 'MAP '")}");
        var p = s.PixelSize;
        o.WriteLine(
            $"  pixel size  {(p.IsIsotropic() ? $"{F(p.X)} A" : $"{F(p.X)} x {F(p.Y)} x {F(p.Z)} " +
            $"A")}{(p.X <= 0 ? " (not set)" : "")}");
        o.WriteLine(
            $"  origin      ({F(s.Origin.X)}, {F(s.Origin.Y)}, {F(s.Origin.Z)}) A; start ({s.Start.X}, {s.Start.Y}, " +
            $"{s.Start.Z})");
        string order = s.AxisOrder == (1, 2,
            3) ? "standard"
            : $"columns = {Axis(s.AxisOrder.C)}, rows = {Axis(s.AxisOrder.R)}, sections = {Axis(s.AxisOrder.S)}; " +
            $"file is {s.FileShape.X} x {s.FileShape.Y} x {s.FileShape.Z}";
        o.WriteLine($"  axis order  {s.AxisOrder.C}, {s.AxisOrder.R}, {s.AxisOrder.S} ({order})");
        o.WriteLine($"  space group {s.SpaceGroup}");
        if (s.Statistics is { } st)
            o.WriteLine($"  statistics  min {G(st.Min)}  max {G(st.Max)}  mean {G(st.Mean)}  rms {G(st.StdDev)}");
        if (s.NonFiniteValues > 0)
            o.WriteLine($"  non-finite  {s.NonFiniteValues} NaN or infinite values, the first in {SectionName(s)} "
                + $"{s.FirstNonFiniteSection}");
        else
            o.WriteLine(
                $"  header stats min {G(s.Header.DMin)}  max {G(s.Header.DMax)}  mean {G(s.Header.DMean)}  rms " +
                $"{G(s.Header.Rms)}");
        foreach (var label in s.Header.UsedLabels) o.WriteLine($"  label       {label.Trim()}");
    }

    private static JsonObject MrcJson(MrcSummary s)
    {
        var st = s.Statistics;
        return new JsonObject
        {
            ["kind"] = "mrc",
            ["path"] = s.Path,
            ["imageKind"] = KindName(s.Kind),
            ["shape"] = new JsonArray(s.Shape.X, s.Shape.Y, s.Shape.Z),
            ["fileShape"] = new JsonArray(s.FileShape.X, s.FileShape.Y, s.FileShape.Z),
            ["mode"] = s.Mode,
            ["modeName"] = ModeName(s.Mode),
            ["byteOrder"] = s.BigEndian ? "big" : "little",
            ["pixelSize"] = new JsonArray(s.PixelSize.X, s.PixelSize.Y, s.PixelSize.Z),
            ["origin"] = new JsonArray(s.Origin.X, s.Origin.Y, s.Origin.Z),
            ["start"] = new JsonArray(s.Start.X, s.Start.Y, s.Start.Z),
            ["axisOrder"] = new JsonArray(s.AxisOrder.C, s.AxisOrder.R, s.AxisOrder.S),
            ["spaceGroup"] = s.SpaceGroup,
            ["nversion"] = s.NVersion,
            ["min"] = st?.Min ?? s.Header.DMin,
            ["max"] = st?.Max ?? s.Header.DMax,
            ["mean"] = st?.Mean ?? s.Header.DMean,
            ["rms"] = st?.StdDev ?? s.Header.Rms,
            ["statisticsFrom"] = st is null ? "header" : "data",
            ["nonFiniteValues"] = st is null ? null : s.NonFiniteValues,
            ["firstNonFiniteSection"] = s.FirstNonFiniteSection,
            ["header"] = new JsonObject { ["min"] = s.Header.DMin, ["max"] = s.Header.DMax, ["mean"] = s.Header.DMean,
            ["rms"] = s.Header.Rms },
            ["labels"] = new JsonArray(s.Header.UsedLabels.Select(l => (JsonNode)l.Trim()).ToArray()),
            ["findings"] = new JsonArray(s.Findings.Select(f => (JsonNode)f).ToArray()),
        };
    }

    private static void PrintStar(TextWriter o, StarSummary s)
    {
        o.WriteLine(s.Path);
        o.WriteLine($"  format      {s.Generation}{(s.Version is int v ? $" (# version {v})" : "")}");
        foreach (var b in s.Blocks)
        {
            if (b.IsLoop) o.WriteLine(
                $"  data_{b.Name,-22} {b.Rows} rows x {b.Columns.Count} columns: {string.Join(' ', b.Columns)}");
            else o.WriteLine($"  data_{b.Name,-22} {b.Pairs} pairs: {string.Join(' ', b.Columns)}");
        }
        foreach (var g in s.OpticsGroups)
        {
            var parts = new List<string>();
            if (g.ImagePixelSize is double ip) parts.Add($"image {F(ip)} A");
            if (g.ImageSize is int box) parts.Add($"box {box}");
            if (g.MicrographPixelSize is double mp) parts.Add($"micrograph {F(mp)} A");
            if (g.MicrographOriginalPixelSize is double op) parts.Add($"original {F(op)} A");
            o.WriteLine($"  optics {g.Number,-3} {g.Name,-20} {string.Join(", ", parts)}");
        }
        foreach (var p in s.Relion30PixelSizes) o.WriteLine($"  pixel size  {p}");
    }

    private static JsonObject StarJson(StarSummary s) => new()
    {
        ["kind"] = "star",
        ["path"] = s.Path,
        ["generation"] = s.Generation,
        ["version"] = s.Version,
        ["blocks"] = new JsonArray(s.Blocks.Select(b => (JsonNode)new JsonObject
        {
            ["name"] = b.Name,
            ["loop"] = b.IsLoop,
            ["rows"] = b.Rows,
            ["columns"] = new JsonArray(b.Columns.Select(c => (JsonNode)c).ToArray()),
        }).ToArray()),
        ["opticsGroups"] = new JsonArray(s.OpticsGroups.Select(g => (JsonNode)new JsonObject
        {
            ["number"] = g.Number,
            ["name"] = g.Name,
            ["imagePixelSize"] = g.ImagePixelSize,
            ["imageSize"] = g.ImageSize,
            ["micrographPixelSize"] = g.MicrographPixelSize,
            ["micrographOriginalPixelSize"] = g.MicrographOriginalPixelSize,
        }).ToArray()),
        ["pixelSizes"] = new JsonArray(s.Relion30PixelSizes.Select(p => (JsonNode)new JsonObject { ["value"] = p.Value,
        ["source"] = p.Source }).ToArray()),
        ["warnings"] = new JsonArray(s.Warnings.Select(w => (JsonNode)w).ToArray()),
    };

    private static string SectionName(MrcSummary s) =>
        s.Kind is MrcKind.ImageStack or MrcKind.Image ? "image" : "section";

    private static string KindName(MrcKind kind) => kind switch
    {
        MrcKind.Image => "image",
        MrcKind.ImageStack => "stack",
        MrcKind.Volume => "volume",
        _ => "volume stack",
    };

    private static string ModeName(int mode) => mode switch
    {
        0 => "int8", 1 => "int16", 2 => "float32", 6 => "uint16", 12 => "float16", _ => "unknown",
    };

    private static string Axis(int a) => a switch { 1 => "X", 2 => "Y", 3 => "Z", _ => "?" };

    private static string F(double v) => v.ToString("0.######", CultureInfo.InvariantCulture);

    private static string G(double v) => v.ToString("G6", CultureInfo.InvariantCulture);
}
