using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using CryoMerge.Cli.Options;
using CryoMerge.Core;
using CryoMerge.Core.Formats;
using CryoMerge.Core.Imaging;
using CryoMerge.Core.Rescaling;

namespace CryoMerge.Cli.Commands;

/// <summary>
/// <c>cryomerge rescale</c>: relion_image_handler --rescale_angpix / --new_box on a map, micrograph, particle
/// stack or movie, or on every micrograph or movie of a STAR file (Method 1 of the paper, step i).
/// </summary>
internal static class RescaleCommand
{
    /// <summary>What the user asked for, parsed.</summary>
    public sealed record Request(string Input, string Output, RescaleOptions Options, bool Json, bool Verbose,
        bool Overwrite = false);

    public static Command Create(CliConsole console)
    {
        var input = new Option<string>("--i") { Description
            = "Input: an MRC map, micrograph, particle stack (.mrcs) or movie, or a STAR file listing micrographs " +
            "(rlnMicrographName) or movies (rlnMicrographMovieName)", Required = true };
        var output = new Option<string>("--o") { Description
            = "Output MRC file (an existing folder: the input's name inside it); for a STAR input, a folder that " +
            "receives the files (their paths below the folder common to all inputs) and the new STAR file, named as " +
            "the input", Required = true };
        var angpix = new Option<double?>("--angpix") { Description =
            "Pixel size of the input in A (default: the STAR file's value, else the MRC header)" };
        var rescale = new Option<double?>("--rescale-angpix") { Description
            = "New pixel size in A. Fourier: box ROUND(N x angpix / new), made even; the pixel reached (N x angpix / " +
            "box) goes into the header" };
        var newBox = new Option<int?>("--new-box") { Description
            = "Then crop or pad each image (or the map) about its centre to this box in pixels, as RELION's " +
            "--new_box (default: no re-window)" };
        var method = new Option<string>("--method") { Description
            = "fourier: exactly relion_image_handler (crop/pad the spectrum, even box); spline: cubic B-spline to " +
            "exactly the requested pixel size, any box (default: fourier)", DefaultValueFactory = _ => "fourier" };
        method.AcceptOnlyFromAmong("fourier", "spline");
        var stack = new Option<bool>("--stack") { Description =
            "Treat a 3-D MRC file as a stack of 2-D images (a movie saved with a volume header)" };
        var threads = new Option<int?>("--threads") { Description = "Cores to use (default: all)" };
        var overwrite = CommonOptions.Overwrite();
        var json = CommonOptions.Json();
        var verbose = CommonOptions.Verbose();
        var command = new Command("rescale", """
            Rescale images to a new pixel size exactly as relion_image_handler --rescale_angpix (and --new_box)
            does: maps, micrographs, particle stacks (every image) and movies (frames streamed, so memory stays at
            a few frames), or every micrograph or movie listed in a RELION 3.0 or 3.1+ STAR file (files in
            parallel; a new STAR file with the new names and pixel sizes is written into the output folder).
            Prints the pixel size really reached and warns when it misses the request by more than 0.1 %.

            Example:
              cryomerge rescale --i ../shared/data/real/ngl/betaGal.mrc --o betaGal_4A.mrc --rescale-angpix 4.0
              cryomerge rescale --i MotionCorr/job002/corrected_micrographs.star --o Rescaled --rescale-angpix 1.06
            """)
        {
            input, output, angpix, rescale, newBox, method, stack, threads, overwrite, json, verbose,
        };
        command.Validators.Add(r =>
        {
            // Presence, not value: GetValue throws for a value that did not parse (that error is reported on its own).
            if (r.GetResult(rescale) is null && r.GetResult(newBox) is null)
                r.AddError("give --rescale-angpix, --new-box or both");
        });
        command.SetAction((parse, cancellationToken) =>
        {
            // Values out of range are bad input (exit code 1, one line naming the option), as in every command.
            var options = new RescaleOptions
            {
                PixelSize = parse.GetValue(angpix) is double p ? new PixelSizeAnswer(p, "--angpix") : null,
                RescalePixelSize = parse.GetValue(rescale),
                NewBox = parse.GetValue(newBox),
                Method = parse.GetValue(method) == "spline" ? RescaleMethod.Spline : RescaleMethod.Fourier,
                AsStack = parse.GetValue(stack),
                Threads = CommonOptions.ThreadCount(parse.GetValue(threads)),
            };
            options.Validate();
            var request = new Request(parse.GetValue(input)!, parse.GetValue(output)!, options, parse.GetValue(json),
                parse.GetValue(verbose),
                parse.GetValue(overwrite));
            return Task.Run(() => (int)Run(console, request, cancellationToken), CancellationToken.None);
        });
        return command;
    }

    public static ExitCode Run(CliConsole console, Request request, CancellationToken cancellationToken)
    {
        if (request.Verbose) console.Note($"FFT backend: {console.Fft.Describe()}");
        if (request.Input.EndsWith(".star", StringComparison.OrdinalIgnoreCase)) return RunStar(console, request,
            cancellationToken);
        string output = Directory.Exists(request.Output)
            ? Path.Combine(request.Output, Path.GetFileName(RelionPaths.StripTypeSuffix(request.Input)))
            : request.Output;
        var plan = FileRescalePlan.Create(request.Input, request.Options);
        RescaleResult result;
        using (var progress = new ProgressReporter(console, "rescale", plan.Images))
            result = MrcRescale.Rescale(request.Input, output, request.Options, console.Fft, cancellationToken,
                n => progress.Advance(n));
        foreach (var note in result.Notes) console.Warn(note);
        if (result.Warning is { } warning) console.Warn(warning);
        if (request.Json) console.Out.WriteLine(RescaleJson.Of(result).ToJsonString(Json.Indented));
        else PrintFile(console.Out, result);
        return ExitCode.Ok;
    }

    private static ExitCode RunStar(CliConsole console, Request request, CancellationToken cancellationToken)
    {
        var plan = StarRescalePlan.Create(request.Input, request.Output, request.Options);
        foreach (var w in plan.Warnings.Take(10)) console.Warn(w);
        if (plan.Warnings.Count > 10) console.Warn($"... and {plan.Warnings.Count - 10} more pixel-size disagreements");
        StarRescaleSummary summary;
        using (var progress = new ProgressReporter(console,
            $"rescale {plan.Items.Count} {(plan.IsMovies ? "movies" : "micrographs")}", plan.Items.Count))
            summary = StarRescale.Run(plan, console.Fft, request.Options.Threads, cancellationToken,
                _ => progress.Advance(), request.Overwrite);
        foreach (var note in summary.Results.SelectMany(r => r.Notes).Distinct().Take(10)) console.Warn(note);
        // One warning per distinct outcome (an optics group's files share a box), not one per file.
        foreach (var same in summary.Results.Where(r => r.Warning is not null).GroupBy(r => (r.PixelSize,
            r.InputShape)))
            console.Warn(same.First().Warning + (same.Count() > 1
                ? $" (and {same.Count() - 1} more files of this size)" : ""));
        if (request.Json) console.Out.WriteLine(RescaleJson.Of(summary).ToJsonString(Json.Indented));
        else PrintStar(console.Out, summary, plan.IsMovies);
        return ExitCode.Ok;
    }

    private static void PrintFile(TextWriter o, RescaleResult r)
    {
        o.WriteLine($"{r.Input} -> {r.Output}");
        o.WriteLine(
            $"  {KindName(r.Kind),-11} {Shape(r.InputShape, r.Kind)} -> " +
            $"{Shape(r.OutputShape, r.Kind)}{(r.Images > 1 ? $" ({r.Images} images)" : "")}");
        o.WriteLine($"  pixel size  {F(r.InputPixelSize)} A ({r.PixelSizeSource}) -> {F(r.PixelSize)} A{Requested(r)}");
    }

    private static void PrintStar(TextWriter o, StarRescaleSummary s, bool movies)
    {
        o.WriteLine($"{s.Star} -> {s.OutputStar}");
        o.WriteLine(
            $"  files       {s.Results.Count} {(movies ? "movies" : "micrographs")} ({s.Rows} rows), written under " +
            $"{Path.GetDirectoryName(s.OutputStar)}");
        foreach (var c in s.PixelSizes)
        {
            string group = c.Group is int g ? $"optics group {g} ({c.GroupName})" : "pixel size";
            o.WriteLine($"  {group}: {F(c.OldPixelSize)} A -> {F(c.NewPixelSize)} A ({c.Columns})");
        }
        foreach (var r in s.Results.GroupBy(r => (r.InputShape, r.OutputShape, r.PixelSize)).Select(g => g.First()))
            o.WriteLine(
                $"  box         {Shape(r.InputShape, r.Kind)} -> {Shape(r.OutputShape, r.Kind)}, pixel size reached " +
                $"{F(r.PixelSize)} A{Requested(r)}");
    }

    private static string Requested(RescaleResult r) => r.RequestedPixelSize is double q
        ? string.Create(CultureInfo.InvariantCulture, $" (requested {F(q)} A, {r.RelativeError * 100:+0.000;-0.000} %)")
        : " (not rescaled)";

    internal static string KindName(ImageFileKind kind) => kind switch
    {
        ImageFileKind.Map => "map",
        ImageFileKind.Image => "image",
        _ => "stack",
    };

    private static string Shape(Shape3 s,
        ImageFileKind kind) => kind == ImageFileKind.Map ? $"{s.X} x {s.Y} x {s.Z}" : $"{s.X} x {s.Y}";

    private static string F(double v) => v.ToString("0.######", CultureInfo.InvariantCulture);
}
