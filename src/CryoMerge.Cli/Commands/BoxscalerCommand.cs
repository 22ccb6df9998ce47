using System.CommandLine;
using System.Text.Json.Nodes;
using CryoMerge.Cli.Options;
using CryoMerge.Core.Merging;

namespace CryoMerge.Cli.Commands;

/// <summary><c>cryomerge boxscaler</c>: even box pairs (extract, rescale) closest to a pixel-size ratio
/// (boxscaler.py).</summary>
internal static class BoxscalerCommand
{
    public static Command Create(CliConsole console)
    {
        var min = new Option<int>("--min") { Description =
            "Smallest box to consider (pixels; an odd value is raised by one)", Required = true, HelpName = "PIXELS" };
        var max = new Option<int?>("--max") { Description
            = $"Largest box, excluded (pixels; default --min + {BoxScaler.DefaultRange}, the original script's range)",
            HelpName = "PIXELS" };
        var angpix = CommonOptions.PixelSize("--angpix",
            "Pixel size of the micrographs particles are extracted from (A), e.g. 0.880");
        var target = CommonOptions.PixelSize("--target-angpix", "Pixel size wanted after rescaling (A), e.g. 1.120");
        var answers = new Option<int>("--answers") { Description = "How many pairs to list, best first (default 1)",
            DefaultValueFactory = _ => 1, HelpName = "N" };
        var finalBox = new Option<int?>("--final-box") { Description
            = "Box to window the rescaled particles to (pixels), e.g. that of the other data set: adds the window " +
            "step and the background circle", HelpName = "PIXELS" };
        var json = CommonOptions.Json();
        var command = new Command("boxscaler", """
            Find pairs of even boxes (extract at B1, rescale to B2) whose ratio B2/B1 is closest to angpix/target,
            as the paper's boxscaler.py does (all even boxes in [min, max), best first, ties to the smaller boxes),
            with the pixel size each reaches and the % error. With --final-box also the window step to the final
            box and the "Diameter background circle (pix)" to give RELION's Extract job (pixels before rescaling),
            so that normalisation uses the same circle as a data set extracted at the final box.

            Example:
              cryomerge boxscaler --min 420 --max 600 --angpix 0.880 --target-angpix 1.120 --answers 4 --final-box 420
            """)
        {
            min, max, angpix, target, answers, finalBox, json,
        };
        command.SetAction(parse =>
        {
            double a = CommonOptions.Positive("--angpix", parse.GetValue(angpix));
            double t = CommonOptions.Positive("--target-angpix", parse.GetValue(target));
            int lo = parse.GetValue(min);
            int hi = parse.GetValue(max) ?? lo + BoxScaler.DefaultRange;
            if (lo < 2) throw new CryoMerge.Core.CryoMergeInputException("--min",
                $"must be a box of at least 2 pixels, not {lo}");
            if (parse.GetValue(answers) < 1) throw new CryoMerge.Core.CryoMergeInputException("--answers",
                $"must be at least 1, not {parse.GetValue(answers)}");
            int? final = parse.GetValue(finalBox);
            if (final is int f && (f < 2 || f % 2 == 1)) throw new CryoMerge.Core.CryoMergeInputException("--final-box",
                $"must be an even box of at least 2 pixels, not {f}");
            var pairs = BoxScaler.Search(lo, hi, a, t, parse.GetValue(answers));
            Print(console, pairs, a, t, final, parse.GetValue(json));
            return (int)ExitCode.Ok;
        });
        return command;
    }

    private static void Print(CliConsole console, IReadOnlyList<BoxPair> pairs, double angpix, double target,
        int? finalBox, bool json)
    {
        if (json)
        {
            var o = new JsonObject
            {
                ["angpix"] = angpix,
                ["targetAngpix"] = target,
                ["wantedRatio"] = angpix / target,
                ["pairs"] = new JsonArray(pairs.Select(p =>
                {
                    var pair = new JsonObject
                    {
                        ["extractBox"] = p.ExtractBox,
                        ["rescaledBox"] = p.RescaledBox,
                        ["factor"] = p.Factor,
                        ["pixelSize"] = p.PixelSize,
                        ["errorPercent"] = p.ErrorPercent,
                        ["pixelErrorPercent"] = p.PixelErrorPercent,
                    };
                    if (finalBox is int f)
                    {
                        var w = BoxScaler.Window(p, f);
                        pair["window"] = new JsonObject
                        {
                            ["finalBox"] = w.FinalBox,
                            ["windowPixels"] = w.WindowPixels,
                            ["backgroundDiameter"] = w.BackgroundDiameter,
                            ["backgroundDiameterExact"] = w.BackgroundDiameterExact,
                            ["backgroundRadius"] = w.BackgroundRadius,
                            ["nativeBackgroundRadius"] = w.NativeBackgroundRadius,
                        };
                    }
                    return (JsonNode)pair;
                }).ToArray()),
            };
            console.Out.WriteLine(o.ToJsonString(Json.Indented));
            return;
        }
        var t = console.Out;
        t.WriteLine(
            $"wanted ratio {angpix / target:0.00000} ({MetadataOutput.F(angpix)} -> {MetadataOutput.F(target)} A)");
        foreach (var p in pairs)
        {
            t.WriteLine(
                $"extract at {p.ExtractBox}, rescale to {p.RescaledBox}: factor {p.Factor:0.00000}, pixel size " +
                $"{p.PixelSize:0.00000} A, {p.ErrorPercent:+0.000;-0.000;0.000} % error");
            if (finalBox is not int f) continue;
            var w = BoxScaler.Window(p, f);
            string step = w.WindowPixels > 0 ? $"window {p.RescaledBox} -> {f} (crop {w.WindowPixels} pixels)"
                : w.WindowPixels < 0 ? $"window {p.RescaledBox} -> {f} (pads {-w.WindowPixels} pixels of empty border)"
                : "no window step (the rescaled box is the final box)";
            t.WriteLine(
                $"  then {step}: relion_preprocess --operate_on particles.mrcs --window {f} --operate_out window{f}");
            t.WriteLine(
                $"  background circle: diameter {w.BackgroundDiameter} pixels before rescaling " +
                $"({w.BackgroundDiameterExact:0.0} = 0.75 x {f} x {p.ExtractBox}/{p.RescaledBox}), which RELION " +
                $"turns into --bg_radius {w.BackgroundRadius} (a data set extracted at {f} has " +
                $"{w.NativeBackgroundRadius})");
        }
    }
}
