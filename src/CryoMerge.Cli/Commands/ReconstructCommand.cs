using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using CryoMerge.Cli.Options;
using CryoMerge.Core.Reconstruction;

namespace CryoMerge.Cli.Commands;

/// <summary><c>cryomerge reconstruct</c>: a map from particles with known angles, as relion_reconstruct makes
/// it.</summary>
internal static class ReconstructCommand
{
    public static Command Create(CliConsole console)
    {
        var input = new Option<string>("--i") { Description
            = "Particles STAR file with angles, origins and CTF (RELION 3.0 or 3.1+)", Required = true,
            HelpName = "particles.star" };
        var output = new Option<string>("--o") { Description = "Output map (MRC, float32), written atomically",
            Required = true, HelpName = "map.mrc" };
        var ctf = new Option<bool>("--ctf") { Description =
            "Apply CTF correction: images times their CTF, weights CTF^2 (as relion_reconstruct --ctf)" };
        var subset = new Option<int?>("--subset") { Description =
            "Only half 1 or 2 (rlnRandomSubset); default: every particle", HelpName = "1|2" };
        var classNumber = new Option<int?>("--class") { Description =
            "Only this class (rlnClassNumber); default: every class", HelpName = "N" };
        var optics = new Option<string[]>("--optics-group")
        {
            Description
                = "Only these optics groups, by number or name (repeat the option; e.g. one data set of a merge); " +
                "default: all",
            HelpName = "NAME",
            AllowMultipleArgumentsPerToken = true,
        };
        var angpix = new Option<double?>("--angpix") { Description
            = "Pixel size of the map in A (default: the first optics group's); other groups are scaled to it",
            HelpName = "A" };
        var maxres = new Option<double?>("--maxres") { Description = "Highest resolution used, in A (default: Nyquist)",
            HelpName = "A" };
        var pad = new Option<double>("--pad") { Description = "Fourier padding factor (default 2, as RELION)",
            DefaultValueFactory = _ => ReconstructionGrid.DefaultPadding };
        var iter = new Option<int>("--iter") { Description = "Gridding-weight iterations (default 10, as RELION)",
            DefaultValueFactory = _ => SolverOptions.DefaultGriddingIterations };
        var skipGridding = new Option<bool>("--skip-gridding") { Description
            = "Divide by the weights (each at least 1/1000 of its shell's mean) instead of gridding weights: faster " +
            "(relion_reconstruct --skip_gridding)" };
        var relionGrid = new Option<bool>("--relion-grid")
        {
            Description
                = "Compute the gridding weights on RELION's odd padded grid: the same map as relion_reconstruct to " +
                "float precision, 2-3x slower final step (default: the next fast FFT size; maps differ by <0.1 % of " +
                "their SD)",
        };
        var threads = CommonOptions.Threads();
        threads.Aliases.Add("--j");
        threads.Description =
            "Threads (default: every core); memory is one padded grid plus a batch of images, whatever the count";
        var shards = new Option<int?>("--shards")
        {
            Description = "Back-project in N particle shards, work items of a job on the embedded silo or on " +
                "--cluster, whose partial sums are added in shard order: the same map from any number of silos " +
                "(default: no job; with --cluster one shard per 2000 particles). Each running shard holds one padded " +
                "grid in memory",
            HelpName = "N",
        };
        var cluster = new ClusterOptions();
        var json = CommonOptions.Json();
        var verbose = CommonOptions.Verbose();
        var command = new Command("reconstruct", """
            Reconstruct a map from particles with refined angles, origins and CTF by direct Fourier inversion, as
            relion_reconstruct 3.1.3 does: each image's transform (shifted by its origin, times its CTF with --ctf) is
            inserted on a 2x padded grid along its central slice, the summed data are multiplied by iterative gridding
            weights, transformed back, cropped and corrected for the interpolation. The map has the first image's box,
            its centre at N/2 and RELION's hand. Use --subset 1 and 2 for half maps. With --shards or --cluster the
            back-projection runs as particle shards spread over the silos (shard files beside the map in .MAP.shards,
            removed at the end).

            Example:
              cryomerge reconstruct --i Refine3D/job020/run_data.star --o half1.mrc --ctf --subset 1
              cryomerge reconstruct --i run_data.star --o map.mrc --ctf --shards 8 --cluster redis://127.0.0.1:6379
            """)
        {
            input, output, ctf, subset, classNumber, optics, angpix, maxres, pad, iter, skipGridding, relionGrid,
            threads, shards, json, verbose,
        };
        foreach (var o in cluster.Client) command.Options.Add(o);
        command.SetAction((parse, cancel) =>
        {
            var request = Request(parse);
            bool sharded = parse.GetValue(shards) is not null || parse.GetValue(cluster.Cluster) is not null;
            return sharded
                ? ReconstructSharded.RunAsync(console, request, parse.GetValue(shards), parse.GetValue(json),
                    cluster.Settings(parse, parse.GetValue(verbose)), cancel)
                : Task.FromResult((int)Run(console, request, parse.GetValue(json), parse.GetValue(verbose), cancel));
        });
        return command;

        ReconstructionRequest Request(ParseResult parse) => new()
        {
            Input = parse.GetValue(input)!,
            Output = parse.GetValue(output)!,
            Ctf = parse.GetValue(ctf),
            Selection = new ParticleSelection
            {
                RandomSubset = parse.GetValue(subset),
                ClassNumber = parse.GetValue(classNumber),
                OpticsGroups = parse.GetValue(optics) is { Length: > 0 } groups ? groups : null,
            },
            PixelSize = parse.GetValue(angpix) is { } a ? CommonOptions.Positive("--angpix", a) : null,
            MaxResolution = parse.GetValue(maxres) is { } m ? CommonOptions.Positive("--maxres", m,
            "resolution in A") : null,
            Padding = parse.GetValue(pad),
            Solver = new SolverOptions { GriddingIterations = parse.GetValue(iter),
            SkipGridding = parse.GetValue(skipGridding), RelionGrid = parse.GetValue(relionGrid) },
            Threads = parse.GetValue(threads) ?? 0,
        };
    }

    public static ExitCode Run(CliConsole console, ReconstructionRequest request, bool json, bool verbose,
        CancellationToken cancel)
    {
        if (verbose) console.Note($"FFT backend: {console.Fft.Describe()}");
        // The total is known once the STAR file is read: the bar starts with the first batch.
        ProgressReporter? bar = null;
        long reported = 0;
        ReconstructionResult result;
        try
        {
            result = MapReconstruction.Run(console.Fft, request, (done, total) =>
            {
                bar ??= new ProgressReporter(console, "back-project", total);
                bar.Advance(done - reported);
                reported = done;
            }, cancel);
        }
        finally
        {
            bar?.Dispose();
        }
        foreach (var w in result.Warnings) console.Warn(w);
        var g = result.Grid;
        if (json)
        {
            console.Out.WriteLine(new JsonObject
            {
                ["map"] = result.Output,
                ["particles"] = result.Particles,
                ["box"] = g.MapSize,
                ["pixelSize"] = g.PixelSize,
                ["maxRadius"] = g.MaxRadius,
                ["padding"] = g.Padding,
                ["backProjectionSeconds"] = Math.Round(result.BackProjectionSeconds, 3),
                ["solveSeconds"] = Math.Round(result.SolveSeconds, 3),
                ["warnings"] = new JsonArray(result.Warnings.Select(w => (JsonNode)w).ToArray()),
            }.ToJsonString(Cli.Json.Indented));
        }
        else
        {
            console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"Reconstructed {result.Particles} particles into {result.Output}: {g.MapSize}^3 at " +
                $"{g.PixelSize:0.####} A/px, to {g.MapSize * g.PixelSize / g.MaxRadius:0.##} A " +
                $"(back-projection {result.BackProjectionSeconds:0.0} s, final step {result.SolveSeconds:0.0} s)"));
        }
        return ExitCode.Ok;
    }
}
