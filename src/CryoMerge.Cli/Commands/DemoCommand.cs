using CryoMerge.Core.Merging.Stages;
using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using CryoMerge.Cli.Options;
using CryoMerge.Core.Assessment;
using CryoMerge.Core.Merging;
using CryoMerge.Core.Merging.Pipeline;
using CryoMerge.Core.Simulation;
using CryoMerge.Grains;
using CryoMerge.Hosting;

namespace CryoMerge.Cli.Commands;

/// <summary><c>cryomerge demo</c>: simulates data sets at different pixel sizes and merges them with method
/// 2.</summary>
internal static class DemoCommand
{
    public static Command Create(CliConsole console)
    {
        var output = new Option<string>("--o") { Description
            = "Folder for the simulated data sets, the plan and the merge (default: cryomerge-demo)",
            DefaultValueFactory = _ => "cryomerge-demo", HelpName = "DIR" };
        var dataSets = new Option<int>("--datasets") { Description
            = "Number of data sets, at least 2 (default: 2); DS3 on are sessions at 0.83-1.4 A/px, some at 200 kV or " +
            "Cs-corrected", DefaultValueFactory = _ => 2, HelpName = "N" };
        var micrographs = new Option<int>("--micrographs") { Description = "Micrographs per data set (default: 6)",
            DefaultValueFactory = _ => 6 };
        var particles = new Option<int>("--particles") { Description = "Particles per micrograph (default: 30)",
            DefaultValueFactory = _ => 30 };
        var micSize = new Option<int>("--mic-size") { Description
            = "Micrograph width and height in pixels, every data set (default: 1024; 256-512 for a large benchmark)",
            DefaultValueFactory = _ => 1024, HelpName = "PIXELS" };
        var box = new Option<int>("--box") { Description
            = "DS1's particle box in pixels, the merge's final box; the specimen is two thirds of it, the other data " +
            "sets' boxes hold the same size in A (default: 96)", DefaultValueFactory = _ => 96, HelpName = "PIXELS" };
        var truePixel = new Option<double>("--angpix-true") { Description =
            "DS2's true pixel size on DS1's 1.0 A scale, in A (default: 1.3)", DefaultValueFactory = _ => 1.3 };
        var error = new Option<double>("--nominal-error") { Description =
            "How far DS2's nominal pixel size is off, in % (default: -3)", DefaultValueFactory = _ => -3 };
        var seed = new Option<long>("--seed") { Description = "Random seed of the simulation (default: 1)",
            DefaultValueFactory = _ => 1 };
        var noAssess = new Option<bool>("--no-assess")
        {
            Description = "End with the merge: skip the assessment (half maps of each data set and of the merge, "
                + "their resolutions and a verdict; about 24 s of CPU in the default demo)",
        };
        var simulateOnly = new Option<bool>("--simulate-only") { Description =
            "Write the data sets and plan.yaml, then stop (merge later with: cryomerge merge DIR/plan.yaml)" };
        var threads = CommonOptions.Threads();
        var json = CommonOptions.Json();
        var verbose = CommonOptions.Verbose();
        var cluster = new ClusterOptions();
        var command = new Command("demo", """
            Simulate data sets of one specimen (the built-in phantom) at different pixel sizes, all but DS1's nominal
            pixel size a few % wrong, each with its own map; then merge them with method 2 (find the relative pixel
            sizes from the maps, scale the CTF, re-extract with a box pair, join) and print each recovered pixel size
            beside the truth. Two data sets by default; with --datasets N the others are sessions on other
            microscopes (200 kV, Cs-corrected), pixel sizes and defocus ranges, and the merge also fits them against
            each other and checks that the scales agree around every cycle. Then it assesses the merge as the paper
            advises: half maps of each data set and of the merge at the particles' angles, each one's resolution, the
            agreement between the data sets' maps and, adding them one at a time from the best, whether each helped
            (--no-assess to skip). Runs on an embedded silo unless --cluster is given (the folder must then be on
            storage every silo sees). The default takes about 36 s of CPU, 24 s of it the assessment.

            Example:
              cryomerge demo
              cryomerge demo --datasets 4 --micrographs 625 --particles 40 --mic-size 384 --box 48 --simulate-only \
                --o /scratch/facility
              cryomerge demo --o /shared/demo --cluster redis://127.0.0.1:6379 --json
            """)
        {
            output, dataSets, micrographs, particles, micSize, box, truePixel, error, seed, noAssess, simulateOnly,
            threads, json, verbose,
        };
        foreach (var o in cluster.Client) command.Options.Add(o);
        command.SetAction(async (parse, ct) =>
        {
            var settings = new DemoSettings(
                TruePixelSize: CommonOptions.Positive("--angpix-true", parse.GetValue(truePixel)),
                NominalError: parse.GetValue(error) / 100,
                Micrographs: Math.Max(1, parse.GetValue(micrographs)),
                ParticlesPerMicrograph: Math.Max(1, parse.GetValue(particles)),
                MicrographSize: parse.GetValue(micSize),
                Box: parse.GetValue(box),
                Seed: parse.GetValue(seed),
                DataSets: parse.GetValue(dataSets),
                Assess: !parse.GetValue(noAssess));
            Validate(settings);
            var specs = settings.Specs;
            console.Note(specs.Count == 2
                ? string.Create(CultureInfo.InvariantCulture,
                    $"simulating DS1 at {settings.ReferencePixelSize} A/px and DS2 at {settings.TruePixelSize} A/px " +
                    $"labelled {settings.NominalPixelSize} A/px in {parse.GetValue(output)}")
                : string.Create(CultureInfo.InvariantCulture,
                    $"simulating {specs.Count} data sets of {settings.Micrographs} micrographs " +
                    $"({settings.MicrographSize}^2) x {settings.ParticlesPerMicrograph} particles in " +
                    $"{parse.GetValue(output)}"));
            var watch = Stopwatch.StartNew();
            DemoDataSets demo;
            bool quiet = parse.GetValue(json) && !console.ErrorIsTerminal;
            using (var progress = new ProgressReporter(console, "simulate", (long)specs.Count * settings.Micrographs,
                enabled: !quiet && specs.Count * settings.Micrographs > 50))
                demo = DemoDataSets.Write(console.Fft, parse.GetValue(output)!, settings, parse.GetValue(threads) ?? 0,
                    console.Note, ct, _ => progress.Advance());
            long total = demo.DataSets.Sum(d => (long)d.Simulation.ParticleCount);
            console.Note(string.Create(CultureInfo.InvariantCulture,
                $"simulated {specs.Count} data sets, {specs.Count * settings.Micrographs} micrographs, {total} " +
                $"particles in {watch.Elapsed.TotalSeconds:0.0} s; plan {demo.PlanPath}"));
            if (parse.GetValue(simulateOnly)) return SimulatedOnly(console, demo, parse.GetValue(json));
            var plan = MergePlanReader.Read(demo.PlanPath);
            MergePreflight.Check(plan);
            var status = await MergeCommand.RunPlanAsync(console, plan, demo.PlanPath, restart: true,
                cluster.Settings(parse, parse.GetValue(verbose)), ct);
            var truth = DemoTruth.Compare(status, demo);
            var assessment = DemoAssessment.From(status);
            var extra = truth.ToJson();
            if (assessment is not null) extra["assessment"] = DemoAssessment.ToJson(assessment);
            int code = MergeCommand.Report(console, status, parse.GetValue(json), extra);
            if (!parse.GetValue(json))
            {
                foreach (string line in truth.Lines()) console.Out.WriteLine(line);
                if (assessment is not null)
                    foreach (string line in AssessmentSummary.Headline(assessment)) console.Out.WriteLine(line);
            }
            return code;
        });
        return command;
    }

    private static void Validate(DemoSettings s)
    {
        if (Math.Abs(s.NominalError) > 0.1)
            throw new Core.CryoMergeInputException("--nominal-error",
                "the demo searches +-10 % about the nominal pixel size; give at most 10 %");
        if (s.DataSets < 2) throw new Core.CryoMergeInputException("--datasets",
            $"a merge needs at least 2 data sets, not {s.DataSets}");
        if (s.Box < 24 || s.Box % 2 != 0) throw new Core.CryoMergeInputException("--box",
            $"must be even and at least 24 pixels, not {s.Box}");
        if (s.MicrographSize < 2 * s.Box) throw new Core.CryoMergeInputException("--mic-size",
            $"must be at least twice --box ({2 * s.Box}), not {s.MicrographSize}");
    }

    private static int SimulatedOnly(CliConsole console, DemoDataSets demo, bool json)
    {
        if (json)
        {
            var sets = new JsonArray();
            foreach (var d in demo.DataSets)
                sets.Add(new JsonObject
                {
                    ["name"] = d.Name,
                    ["truePixelSize"] = d.Spec.TruePixelSize,
                    ["nominalPixelSize"] = d.Spec.NominalPixelSize,
                    ["box"] = d.Spec.Box,
                    ["voltage"] = d.Spec.Voltage,
                    ["sphericalAberration"] = d.Spec.SphericalAberration,
                    ["micrographs"] = d.Simulation.Micrographs.Count,
                    ["particles"] = d.Simulation.ParticleCount,
                    ["directory"] = d.Simulation.Directory,
                });
            console.Out.WriteLine(new JsonObject { ["plan"] = demo.PlanPath,
                ["dataSets"] = sets }.ToJsonString(Cli.Json.Indented));
        }
        else
        {
            foreach (var d in demo.DataSets)
                console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{d.Name}: true {d.Spec.TruePixelSize:0.####} A/px, nominal {d.Spec.NominalPixelSize:0.####} " +
                    $"A/px, box {d.Spec.Box}, {d.Spec.Microscope}, {d.Simulation.Micrographs.Count} micrographs, " +
                    $"{d.Simulation.ParticleCount} particles"));
            console.Out.WriteLine($"plan: {demo.PlanPath} (merge it with: cryomerge merge {demo.PlanPath})");
        }
        return (int)ExitCode.Ok;
    }
}
