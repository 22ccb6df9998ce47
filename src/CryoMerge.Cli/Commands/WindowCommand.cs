using System.CommandLine;
using System.Text.Json.Nodes;
using CryoMerge.Cli.Options;
using CryoMerge.Core.Extraction;

namespace CryoMerge.Cli.Commands;

/// <summary><c>cryomerge window</c>: crop every particle stack a STAR file names, and write the STAR file that goes
/// with them.</summary>
internal static class WindowCommand
{
    public static Command Create(CliConsole console)
    {
        var input = new Option<string>("--i") { Description
            = "Particles STAR file (RELION 3.0 or 3.1+) whose stacks to window", Required = true,
            HelpName = "particles.star" };
        var box = new Option<int>("--box") { Description =
            "New box in pixels, at most the current one (odd sizes become even)", Required = true };
        var threads = CommonOptions.Threads();
        var overwrite = CommonOptions.Overwrite();
        var output = CommonOptions.Output(
            "Output folder: the STAR file (same name as --i) and one stack per input stack (path after jobNNN/)");
        var json = CommonOptions.Json();
        var verbose = CommonOptions.Verbose();
        var command = new Command("window", """
            Window particle images about their centre (pixel N/2 stays the centre; pixel size unchanged) and write the
            STAR file with the new image names and rlnImageSize: step iii of the paper's Method 2, which
            relion_preprocess --operate_on no longer does for STAR files since RELION 3.1. Each new stack holds the
            images the STAR file names, so a selection also shrinks the data.

            Example:
              cryomerge window --i Extract/rescaled/particles.star --box 420 --o Extract/window420
            """)
        {
            input, box, threads, overwrite, output, json, verbose,
        };
        command.SetAction(parse => (int)Run(console, parse.GetValue(input)!, parse.GetValue(box),
            parse.GetValue(output)!,
            CommonOptions.ThreadCount(parse.GetValue(threads)), parse.GetValue(json), parse.GetValue(overwrite)));
        return command;
    }

    public static ExitCode Run(CliConsole console, string input, int box, string output, int? threads, bool json,
        bool overwrite = false)
    {
        var plan = WindowPlanner.Plan(input, box, output);
        foreach (var w in plan.Warnings) console.Warn(w);
        int size = plan.Items.Count > 0 ? plan.Items[0].Size : box;
        using (var progress = new ProgressReporter(console, "window", plan.ImageCount))
            plan.Run(threads ?? 0, r => progress.Advance(r.Count), overwrite: overwrite);
        if (json)
        {
            console.Out.WriteLine(new JsonObject
            {
                ["particlesStar"] = plan.StarPath,
                ["images"] = plan.ImageCount,
                ["stacks"] = plan.Items.Count,
                ["box"] = size,
                ["warnings"] = new JsonArray(plan.Warnings.Select(w => (JsonNode)w).ToArray()),
            }.ToJsonString(Cli.Json.Indented));
        }
        else
        {
            console.Out.WriteLine(
                $"Windowed {plan.ImageCount} images in {plan.Items.Count} stacks to {size} x {size} px; STAR file " +
                $"{plan.StarPath}");
        }
        return ExitCode.Ok;
    }
}
