using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using CryoMerge.Cli.Options;
using CryoMerge.Core.Merging;
using CryoMerge.Core.Merging.Pipeline;
using CryoMerge.Core.Simulation;
using CryoMerge.Grains;
using CryoMerge.Hosting;

namespace CryoMerge.Cli.Commands;

/// <summary><c>cryomerge demo</c>: simulates two data sets at different pixel sizes and merges them with method 2.</summary>
internal static class DemoCommand
{
    public static Command Create(CliConsole console)
    {
        var output = new Option<string>("--o") { Description = "Folder for the simulated data sets, the plan and the merge (default: cryomerge-demo)", DefaultValueFactory = _ => "cryomerge-demo", HelpName = "DIR" };
        var micrographs = new Option<int>("--micrographs") { Description = "Micrographs per data set", DefaultValueFactory = _ => 6 };
        var particles = new Option<int>("--particles") { Description = "Particles per micrograph", DefaultValueFactory = _ => 30 };
        var truePixel = new Option<double>("--angpix-true") { Description = "Data set II's true pixel size on data set I's 1.0 A scale, in A", DefaultValueFactory = _ => 1.3 };
        var error = new Option<double>("--nominal-error") { Description = "How far data set II's nominal pixel size is off, in %", DefaultValueFactory = _ => -3 };
        var seed = new Option<long>("--seed") { Description = "Random seed of the simulation", DefaultValueFactory = _ => 1 };
        var threads = CommonOptions.Threads();
        var json = CommonOptions.Json();
        var verbose = CommonOptions.Verbose();
        var cluster = new ClusterOptions();
        var command = new Command("demo", """
            Simulate two data sets of one specimen (the built-in phantom) at different pixel sizes, data set II's
            nominal pixel size a few % wrong, each with its own map; then merge them with method 2 (find the
            relative pixel size from the maps, scale the CTF, re-extract data set II with a box pair, join) and print
            the recovered pixel size beside the truth. Runs on an embedded silo unless --cluster is given (the
            folder must then be on storage every silo sees). Takes a few minutes on 2 cores.

            Example:
              cryomerge demo
              cryomerge demo --o /shared/demo --cluster redis://127.0.0.1:6379 --json
            """)
        {
            output, micrographs, particles, truePixel, error, seed, threads, json, verbose,
        };
        foreach (var o in cluster.All) command.Options.Add(o);
        command.SetAction(async (parse, ct) =>
        {
            var settings = new DemoSettings(
                TruePixelSize: CommonOptions.Positive("--angpix-true", parse.GetValue(truePixel)),
                NominalError: parse.GetValue(error) / 100,
                Micrographs: Math.Max(1, parse.GetValue(micrographs)),
                ParticlesPerMicrograph: Math.Max(1, parse.GetValue(particles)),
                Seed: parse.GetValue(seed));
            if (Math.Abs(settings.NominalError) > 0.1)
                throw new Core.CryoMergeInputException("--nominal-error", "the demo searches +-10 % about the nominal pixel size; give at most 10 %");
            console.Note(string.Create(CultureInfo.InvariantCulture,
                $"simulating DS1 at {settings.ReferencePixelSize} A/px and DS2 at {settings.TruePixelSize} A/px labelled {settings.NominalPixelSize} A/px in {parse.GetValue(output)}"));
            var demo = DemoDataSets.Write(console.Fft, parse.GetValue(output)!, settings, parse.GetValue(threads) ?? 0, console.Note, ct);
            var plan = MergePlanReader.Read(demo.PlanPath);
            MergePreflight.Check(plan);
            var status = await MergeCommand.RunPlanAsync(console, plan, demo.PlanPath, restart: true, cluster.Settings(parse, parse.GetValue(verbose)), ct);
            var extra = Truth(status, settings);
            int code = MergeCommand.Report(console, status, parse.GetValue(json), extra);
            if (!parse.GetValue(json) && extra["recoveredPixelSize"] is not null)
                console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"DS2 pixel size: true {settings.TruePixelSize:0.#####} A, nominal {settings.NominalPixelSize:0.#####} A, recovered {(double)extra["recoveredPixelSize"]!:0.#####} A (error {(double)extra["errorPercent"]!:+0.####;-0.####} %, truth {((bool)extra["truthInsideRange"]! ? "inside" : "OUTSIDE")} the range)"));
            return code;
        });
        return command;
    }

    private static JsonObject Truth(JobStatus status, DemoSettings settings)
    {
        var o = new JsonObject
        {
            ["truePixelSize"] = settings.TruePixelSize,
            ["nominalPixelSize"] = settings.NominalPixelSize,
            ["recoveredPixelSize"] = null,
        };
        if (status.Summary is null) return o;
        var ds2 = MergeState.FromJson(status.Summary).DataSets["DS2"];
        if (ds2.PixelSize is not double p) return o;
        o["recoveredPixelSize"] = p;
        o["recoveredRange"] = new JsonArray(ds2.PixelSizeLow, ds2.PixelSizeHigh);
        o["errorPercent"] = (p / settings.TruePixelSize - 1) * 100;
        o["truthInsideRange"] = ds2.PixelSizeLow <= settings.TruePixelSize && settings.TruePixelSize <= ds2.PixelSizeHigh;
        return o;
    }
}
