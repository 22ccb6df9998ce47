using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using CryoMerge.Cli.Options;
using CryoMerge.Core;
using CryoMerge.Core.Assessment;
using CryoMerge.Core.Merging;
using CryoMerge.Core.Merging.Pipeline;
using CryoMerge.Core.Merging.Stages;
using CryoMerge.Plots;

namespace CryoMerge.Cli.Commands;

/// <summary><c>cryomerge assess PLAN</c>: did the finished merge of a plan help?</summary>
internal static class AssessCommand
{
    public static Command Create(CliConsole console)
    {
        var plan = new Argument<string>("PLAN")
        {
            Description = "The merge plan (.yaml, .yml or .json) whose merge has finished (its output folder holds "
                + "summary.json)",
        };
        var mask = new Option<string?>("--mask")
        {
            Description = "Soft mask for every FSC: MRC on the reference's grid, values 0-1 (default: the plan's "
                + "assess.mask, else automatic from the merged map)",
            HelpName = "mask.mrc",
        };
        var skipGridding = new Option<bool>("--skip-gridding")
        {
            Description = "Divide by regularised weights instead of RELION's 10 gridding iterations: several times "
                + "faster final step per map, slightly noisier maps (default: the plan's assess.skipGridding, "
                + "else off)",
        };
        var threads = CommonOptions.Threads();
        var json = CommonOptions.Json();
        var verbose = CommonOptions.Verbose();
        var command = new Command("assess", """
            Did the merge help? Reconstructs half maps (rlnRandomSubset; without it, odd and even rows) of each data
            set and of the merge from the merged particles at their refined angles, all on the reference's grid, as
            relion_reconstruct --ctf does (as particle-shard work items, in this process); measures each map's
            half-map FSC in a soft mask (resolution at 0.143); compares
            the data sets' maps with each other and with the merged map against what their half maps predict for one
            structure (this, not the merge's half-map FSC, reveals a wrong relative pixel size); then follows the
            paper's advice: data sets added one at a time, best first, with the resolution against the number of
            particles (Rosenthal-Henderson: 1/d^2 against ln N) and a verdict per addition (helped: resolution better
            by more than 2 %; hurt: worse by more than 2 %, or the added map keeps less than 0.9 of
            the correlation its half maps predict). Writes the half maps,
            CSV tables and PNG plots to OUTPUT/assessment and adds a section to summary.txt and summary.json. A plan
            with an 'assess:' section runs this as the merge's last stage (on the merge's silos). About 3 s of CPU
            per half map of 96^3 from 90 particles.

            Example:
              cryomerge assess plan.yaml
              cryomerge assess plan.yaml --mask mask.mrc --json
            """)
        {
            plan, mask, skipGridding, threads, json, verbose,
        };
        command.SetAction((parse, cancel) => Task.FromResult((int)Run(console, parse.GetValue(plan)!,
            parse.GetValue(mask), parse.GetValue(skipGridding), parse.GetValue(threads) ?? 0, parse.GetValue(json),
            parse.GetValue(verbose), cancel)));
        return command;
    }

    public static ExitCode Run(CliConsole console, string planPath, string? mask, bool skipGridding, int threads,
        bool json, bool verbose, CancellationToken cancel)
    {
        var plan = MergePlanReader.Read(planPath);
        if (plan.Method == MergeMethod.RescaleMicrographs)
            throw new CryoMergeInputException(planPath, "a method 1 merge ends with rescaled micrographs, not merged "
                + "particles; extract particles from them to assess");
        string summary = Path.Combine(plan.Output, SummaryStage.JsonName);
        if (!File.Exists(summary))
            throw new CryoMergeInputException(planPath,
                $"has no finished merge: {summary} is missing (run: cryomerge merge {planPath})");
        MergeState state;
        try
        {
            state = MergeState.FromJson(File.ReadAllText(summary));
        }
        catch (JsonException e)
        {
            throw new CryoMergeInputException(summary, $"is not a merge summary: {e.Message.Split('\n')[0]}");
        }
        if (state.MergedParticles is null || !File.Exists(state.MergedParticles))
            throw new CryoMergeInputException(summary,
                "names no merged particle file that exists; run the merge to the end first");
        var options = plan.Assess ?? new AssessmentPlan();
        if (mask is not null)
        {
            if (!File.Exists(mask)) throw new CryoMergeInputException(mask, "mask file not found");
            options = options with { Mask = Path.GetFullPath(mask) };
        }
        if (skipGridding) options = options with { SkipGridding = true };
        state.Plan = state.Plan with { Assess = options };
        state.Assessment = null;
        if (verbose) console.Note($"FFT backend: {console.Fft.Describe()}");
        var watch = Stopwatch.StartNew();
        var environment = new WorkEnvironment(console.Fft, 1, new ScottPlotRenderer());
        var runner = new LocalMergeRunner(environment, maxParallelItems: threads)
        {
            Progress = (stage, done, total) =>
            {
                if (done == total && !json) console.Note($"{stage}: {total} item(s) done");
            },
        };
        runner.RunStages(state, MergeStages.Assessment, cancel);
        var report = state.Assessment?.Report ?? throw new InvalidOperationException("the assessment made no report");
        if (json)
        {
            var node = new JsonObject
            {
                ["seconds"] = Math.Round(watch.Elapsed.TotalSeconds, 1),
                ["report"] = JsonSerializer.SerializeToNode(report, WorkJson.Options),
                ["files"] = new JsonArray(state.Assessment.Files.Select(f => (JsonNode)f).ToArray()),
            };
            console.Out.WriteLine(node.ToJsonString(Cli.Json.Indented));
        }
        else
        {
            foreach (string line in AssessmentSummary.Lines(report, options)) console.Out.WriteLine(line);
            string folder = Path.Combine(plan.Output, AssessmentMaps.Folder);
            string seconds = watch.Elapsed.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture);
            console.Note($"assessment in {seconds} s: {folder} and {Path.Combine(plan.Output, SummaryStage.TextName)}");
        }
        return ExitCode.Ok;
    }
}
