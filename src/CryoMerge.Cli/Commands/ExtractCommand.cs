using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using CryoMerge.Cli.Options;
using CryoMerge.Core;
using CryoMerge.Core.Extraction;

namespace CryoMerge.Cli.Commands;

/// <summary><c>cryomerge extract</c>: relion_preprocess --extract with RELION's exact rules, from a STAR file of
/// coordinates.</summary>
internal static class ExtractCommand
{
    public static Command Create(CliConsole console)
    {
        var mics = new Option<string>("--mics") { Description
            = "Micrographs STAR file (RELION 3.1+, with optics and, for the CTF, rlnDefocusU/V)", Required = true,
            HelpName = "MICS.star" };
        var coords = new Option<string?>("--coords") { Description
            = "STAR file with rlnMicrographName and rlnCoordinateX/Y (picks, or particles from a refinement: their " +
            "columns are kept)", HelpName = "COORDS.star" };
        var coordDir = new Option<string?>("--coord-dir") { Description
            = "Or: folder of RELION per-micrograph coordinate files (file = DIR/micrograph name without extension + " +
            "suffix)", HelpName = "DIR" };
        var coordSuffix = new Option<string?>("--coord-suffix") { Description =
            "Suffix of the per-micrograph coordinate files, e.g. _autopick.star, .box", HelpName = "SUFFIX" };
        var box = new Option<int>("--box") { Description =
            "Box to extract, in micrograph pixels (odd sizes become even)", Required = true };
        var scale = new Option<int?>("--scale") { Description =
            "Rescale the particles to this box in pixels (Fourier crop or pad; larger than --box upsamples)" };
        var window = new Option<int?>("--window") { Description =
            "Then crop the particles about their centre to this box in pixels (at most the scaled box)" };
        var bgDiameter = new Option<double?>("--bg-diameter") { Description
            = "Background circle diameter in micrograph pixels before rescaling, as in RELION's GUI (default: 0.75 x " +
            "--box)" };
        var bgRadius = new Option<int?>("--bg-radius") { Description =
            "Or: background radius in pixels of the final images, as relion_preprocess --bg_radius" };
        var invert = new Option<bool>("--invert") { Description =
            "Invert contrast (relion_preprocess --invert_contrast): dark particles become white" };
        var noNorm = new Option<bool>("--no-norm") { Description =
            "Do not normalise (default: background mean 0, stddev 1)" };
        var noRamp = new Option<bool>("--no-ramp") { Description =
            "Normalise by subtracting the background mean only, without fitting a plane" };
        var threads = CommonOptions.Threads();
        var overwrite = CommonOptions.Overwrite();
        var output = CommonOptions.Output(
            "Output folder: DIR/particles.star and one DIR/<micrograph>.mrcs stack per micrograph (names as " +
            "relion_preprocess gives them)");
        var json = CommonOptions.Json();
        var verbose = CommonOptions.Verbose();
        var command = new Command("extract", """
            Extract particles from micrographs exactly as relion_preprocess does: coordinates truncated to integers, box
            [x - N/2, x + N/2 - 1] with edge pixels repeated, Fourier rescale (--scale), centred window (--window),
            normalisation with a plane fitted to the background outside the circle, contrast inversion. Every image
            equals relion_preprocess's (with --scale and --window in one run RELION cuts an off-centre window; this
            gives the centred one, as RELION's two separate steps do). particles.star has RELION 3.1's optics table
            (image pixel = micrograph pixel x box / scale) and the CTF of each particle's micrograph from --mics (what
            RELION 3.0's --use_ctf_in_mic did), so it is ready for Method 2 of Wilkinson et al. 2019.

            Example:
              cryomerge extract --mics micrographs_ctf.star --coords particles_truth.star --box 560 --scale 440 \
                --window 420 --bg-diameter 400 --invert --o Extract/rescaled
            """)
        {
            mics, coords, coordDir, coordSuffix, box, scale, window, bgDiameter, bgRadius, invert, noNorm, noRamp,
            threads,
            overwrite, output, json, verbose,
        };
        command.SetAction(parse =>
        {
            var warnings = new List<string>();
            var settings = ExtractionSettings.Create(parse.GetValue(box), parse.GetValue(scale), parse.GetValue(window),
                parse.GetValue(bgDiameter),
                parse.GetValue(bgRadius), !parse.GetValue(noNorm), !parse.GetValue(noRamp),
                parse.GetValue(invert), warnings);
            var source = Source(parse.GetValue(coords), parse.GetValue(coordDir), parse.GetValue(coordSuffix));
            return (int)Run(console, parse.GetValue(mics)!, source, settings, parse.GetValue(output)!,
                CommonOptions.ThreadCount(parse.GetValue(threads)),
                parse.GetValue(json), parse.GetValue(verbose), warnings, parse.GetValue(overwrite));
        });
        return command;
    }

    private static CoordinateSource Source(string? coords, string? dir, string? suffix)
    {
        if (coords is not null && (dir is not null || suffix is not null))
            throw new CryoMergeInputException("--coords",
                "give either --coords or --coord-dir with --coord-suffix, not both");
        if (coords is not null) return new CoordinateSource.StarFileSource(coords);
        if (dir is null || suffix is null)
            throw new CryoMergeInputException("--coords",
                "give the coordinates: --coords COORDS.star, or --coord-dir DIR with --coord-suffix SUFFIX");
        return new CoordinateSource.PerMicrograph(dir, suffix);
    }

    public static ExitCode Run(CliConsole console, string micrographsStar, CoordinateSource coordinates,
        ExtractionSettings settings, string output,
        int? threads, bool json, bool verbose, IReadOnlyList<string> warnings, bool overwrite = false)
    {
        foreach (var w in warnings) console.Warn(w);
        if (verbose) console.Note($"FFT backend: {console.Fft.Describe()}");
        var plan = ExtractionPlanner.Plan(micrographsStar, coordinates, settings, output);
        foreach (var w in plan.Warnings) console.Warn(w);
        if (verbose)
            console.Note(
                FormattableString.Invariant($"{plan.ParticleCount} particles on {plan.Items.Count} micrographs; ") +
                FormattableString.Invariant($"box {settings.Box}{(settings.Scale is int s ? $" -> scale {s}" : "")}") +
                FormattableString.Invariant($"{(settings.Window is int w2 ? $" -> window {w2}" : "")}, ") +
                FormattableString.Invariant($"background radius {settings.BackgroundRadius} px"));
        var results = new List<MicrographExtractionResult>();
        using (var progress = new ProgressReporter(console, "extract", plan.ParticleCount))
            results.AddRange(ParticleExtraction.Run(console.Fft, plan, threads ?? 0,
                r => progress.Advance(r.ParticleCount), overwrite: overwrite));
        int flat = results.Sum(r => r.FlatImages);
        if (flat > 0) console.Warn(
            $"{flat} particles had a flat background and were not normalised (RELION skips them the same way)");
        var optics = plan.Optics;
        var pixels = Enumerable.Range(0, optics.RowCount).Select(r => optics.GetDouble(r,
            Core.Formats.RelionLabels.ImagePixelSize)).ToArray();
        if (json)
        {
            console.Out.WriteLine(new JsonObject
            {
                ["particlesStar"] = plan.StarPath,
                ["particles"] = plan.ParticleCount,
                ["micrographs"] = plan.Items.Count,
                ["box"] = settings.Box,
                ["scale"] = settings.Scale,
                ["window"] = settings.Window,
                ["imageSize"] = settings.OutputSize,
                ["imagePixelSizes"] = new JsonArray(pixels.Select(p => (JsonNode)p).ToArray()),
                ["backgroundRadius"] = settings.Normalise ? settings.BackgroundRadius : null,
                ["invert"] = settings.Invert,
                ["flatImages"] = flat,
                ["warnings"] = new JsonArray(warnings.Concat(plan.Warnings).Select(w => (JsonNode)w).ToArray()),
            }.ToJsonString(Cli.Json.Indented));
        }
        else
        {
            var c = CultureInfo.InvariantCulture;
            console.Out.WriteLine(
                $"Extracted {plan.ParticleCount} particles from {plan.Items.Count} micrographs into {plan.StarPath}");
            console.Out.WriteLine(string.Create(c,
                $"  images      {settings.OutputSize} x {settings.OutputSize} px at " +
                $"{string.Join(", ", pixels.Select(p => p.ToString("0.######", c)))} A/px"));
            if (settings.Normalise) console.Out.WriteLine(
                $"  normalised  background outside radius {settings.BackgroundRadius} " +
                $"px{(settings.Ramp ? ", plane subtracted" : "")}");
            if (settings.Invert) console.Out.WriteLine("  contrast    inverted");
        }
        return ExitCode.Ok;
    }
}
