using System.CommandLine;
using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using CryoMerge.Cli.Options;
using CryoMerge.Core;
using CryoMerge.Core.Assessment;
using CryoMerge.Core.Merging;
using CryoMerge.Core.Merging.Pipeline;
using CryoMerge.Core.Merging.Stages;
using CryoMerge.Grains;
using CryoMerge.Grains.Diagnostics;
using CryoMerge.Hosting;

namespace CryoMerge.Cli.Commands;

/// <summary><c>cryomerge merge PLAN.yaml</c>: runs a whole merge on an embedded silo or a cluster and follows
/// it.</summary>
internal static class MergeCommand
{
    public static Command Create(CliConsole console)
    {
        var plan = new Argument<string>("PLAN") { Description =
            "Merge plan (.yaml, .yml or .json): data sets, reference, method 1, 2 or 3, boxes, output folder" };
        var restart = new Option<bool>("--restart") { Description =
            "Forget earlier progress of this plan and start again (default: resume it)" };
        var dryRun = new Option<bool>("--dry-run")
        {
            Description = "Check the plan and its inputs, then print the stages with their work items, the pixel size "
                + "each data set is merged at and the files the merge would write; writes nothing",
        };
        var overwrite = CommonOptions.Overwrite();
        var json = CommonOptions.Json();
        var verbose = CommonOptions.Verbose();
        var cluster = new ClusterOptions();
        var command = new Command("merge", """
            Run a whole merge from a plan: the relative pixel size of each data set against the reference, box
            pairs, CTF scaling, then rescaling (method 1), re-extraction (method 2) or relabelling (method 3) fanned
            out per micrograph, the join and a summary in the output folder. With more than two data sets the others
            are also fitted against each other and the summary checks the scales around every cycle (a warning when
            one does not close within its ranges); a plan without a reference takes the data set with the
            highest-resolution map. Without --cluster it starts a silo in this process; with --cluster it submits to
            that cluster and follows the job. Running the same plan again resumes it where it stopped. A data set's
            particles may be a cryoSPARC .cs file (with cryosparcProject: the project folder its names are relative
            to); outputFormat: cs or both also writes the merged particles as particles.cs for cryoSPARC.
            Every key of a plan, with its unit and default: `cryomerge plan --template` (or --schema).

            Example:
              cryomerge plan --template --o plan.yaml
              cryomerge merge plan.yaml --dry-run
              cryomerge merge plan.yaml
              cryomerge merge plan.yaml --cluster redis://127.0.0.1:6379 --json
            """)
        {
            plan, restart, dryRun, overwrite, json, verbose,
        };
        foreach (var o in cluster.Client) command.Options.Add(o);
        command.SetAction((parse, ct) => parse.GetValue(dryRun)
            ? Task.FromResult(DryRun(console, parse.GetValue(plan)!))
            : RunAsync(console, parse.GetValue(plan)!, parse.GetValue(restart), parse.GetValue(json),
                cluster.Settings(parse, parse.GetValue(verbose)), ct, parse.GetValue(overwrite)));
        return command;
    }

    /// <summary>Prints what the merge would do (<see cref="MergeDryRun"/>); no silo, nothing written.</summary>
    private static int DryRun(CliConsole console, string planPath)
    {
        var plan = MergePlanReader.Read(planPath);
        MergePreflight.CheckInputs(plan);
        foreach (string line in MergeDryRun.Lines(plan)) console.Out.WriteLine(line);
        return (int)ExitCode.Ok;
    }

    public static async Task<int> RunAsync(CliConsole console, string planPath, bool restart, bool json,
        CryoMergeHostSettings settings,
        CancellationToken cancellationToken, bool overwrite = false)
    {
        var silo = StartEmbeddedSilo(settings, cancellationToken);
        MergePlan plan;
        try
        {
            plan = MergePlanReader.Read(planPath);
            if (overwrite) plan = plan with { Overwrite = true };
            MergePreflight.Check(plan);
            TimingMarks.Mark("plan read and checked");
        }
        catch
        {
            await StopAsync(silo);
            throw;
        }
        var status = await RunPlanAsync(console, plan, planPath, restart, settings, cancellationToken, silo);
        return Report(console, status, json);
    }

    /// <summary>
    /// Without --cluster, starts the embedded silo on another thread while the caller reads and checks the plan: both
    /// take a quarter of a second, and a silo is no work on the data. Null with --cluster.
    /// </summary>
    internal static Task<CryoMergeConnection>? StartEmbeddedSilo(CryoMergeHostSettings settings,
        CancellationToken cancellationToken) =>
        settings.Cluster.Kind == ClusterKind.Localhost
            ? Task.Run(() => CryoMergeConnection.StartEmbeddedAsync(settings, cancellationToken), cancellationToken)
            : null;

    /// <summary>Stops a silo from <see cref="StartEmbeddedSilo"/> that is no longer needed; its own failure is moot
    /// then.</summary>
    internal static async Task StopAsync(Task<CryoMergeConnection>? silo)
    {
        if (silo is null) return;
        try { await (await silo).DisposeAsync(); }
        catch (Exception) { }
    }

    /// <summary>Connects (or takes the embedded silo already starting), starts the job and follows it to the end;
    /// shared with demo.</summary>
    internal static async Task<JobStatus> RunPlanAsync(CliConsole console, MergePlan plan, string planSource,
        bool restart,
        CryoMergeHostSettings settings, CancellationToken cancellationToken,
        Task<CryoMergeConnection>? embeddedSilo = null)
    {
        string planJson = JsonSerializer.Serialize(plan, WorkJson.Options);
        // --overwrite is a permission, not part of the job: the same plan with it resumes the same job.
        string jobId = JobId(plan,
            plan.Overwrite ? JsonSerializer.Serialize(plan with { Overwrite = false }, WorkJson.Options) : planJson);
        console.Note(plan.IsReconstruction
            ? $"job {jobId}: {plan.Maps!.Count} map(s), shard files in {plan.Output}"
            : $"job {jobId}: {plan.DataSets.Count} data sets, method {(int)plan.Method}, output {plan.Output}");
        await using var connection = embeddedSilo is not null ? await embeddedSilo
            : settings.Cluster.Kind == ClusterKind.Localhost
            ? await CryoMergeConnection.StartEmbeddedAsync(settings, cancellationToken)
            : await CryoMergeConnection.ConnectAsync(settings, TimeSpan.FromSeconds(20), cancellationToken);
        TimingMarks.Mark("connected");
        console.Note($"running on {connection.Description}");
        using var root = CryoMergeTelemetry.Source.StartActivity($"merge {plan.Name}", ActivityKind.Client);
        root?.SetTag(CryoMergeTelemetry.JobIdTag, jobId);
        var job = connection.Client.GetGrain<IMergeJobGrain>(jobId);
        var follower = new JobFollower(console, settings.Cluster.Display, jobId);
        // One id for this submission: sent again after a lost answer, it does not restart the job a second time.
        var request = new MergeJobRequest(planJson, Path.GetFullPath(planSource), restart,
            RequestId: Guid.NewGuid().ToString("N"));
        JobStatus status;
        try
        {
            status = await follower.CallAsync(() => job.StartAsync(request), cancellationToken);
            TimingMarks.Mark("job started");
        }
        catch (InvalidOperationException e)
        {
            throw new CryoMergeInputException(planSource, e.Message);   // the job runs another plan
        }
        var stages = MergeStages.For(plan).Select(s => s.Name).ToList();
        return await FollowAsync(console, follower, job, status, stages, cancellationToken);
    }

    /// <summary>
    /// Follows the job, drawing a progress bar per stage (plain lines when stderr is not a terminal), through the loss
    /// of any silo or gateway; Ctrl+C cancels the job and waits for it to stop. Every stage of
    /// <paramref name="stages"/> is shown: one that began and ended between two looks at the job, or had nothing to
    /// do, as a line of its own.
    /// </summary>
    private static async Task<JobStatus> FollowAsync(CliConsole console, JobFollower follower, IMergeJobGrain job,
        JobStatus status, IReadOnlyList<string> stages, CancellationToken cancel)
    {
        ProgressReporter? bar = null;
        string? stage = null;
        int shown = -1;
        void Passed(int upTo)
        {
            for (int i = shown + 1; i < Math.Min(upTo, stages.Count); i++)
                console.Note($"[{i + 1}/{stages.Count}] {stages[i]}: done");
            shown = Math.Max(shown, upTo - 1);
        }
        string? coordinator = status.CoordinatorSilo;
        try
        {
            while (!status.IsFinished)
            {
                if (status.CoordinatorSilo is { } now && now != coordinator)
                {
                    console.Note($"\nthe job continues on silo {now}{(status.Resuming ? " (resuming)" : "")}");
                    coordinator = now;
                }
                if (status.Stage != stage && status.ItemsTotal > 0)
                {
                    // A new stage means the previous one finished: show its bar full.
                    if (bar is not null && bar.Total > bar.Done) bar.Advance(bar.Total - bar.Done);
                    bar?.Dispose();
                    stage = status.Stage;
                    Passed(status.StageIndex);
                    shown = status.StageIndex;
                    bar = new ProgressReporter(console, $"[{status.StageIndex + 1}/{status.StageCount}] {stage}",
                        status.ItemsTotal, minimumTotal: 1);
                }
                if (bar is not null && status.Stage == stage && status.ItemsDone
                    > bar.Done) bar.Advance(status.ItemsDone - bar.Done);
                try
                {
                    // Answered as soon as the job moves on (an item done, a new stage, the end), so the run ends
                    // when the job does; at most a second otherwise.
                    var known = status;
                    var wait = TimeSpan.FromSeconds(1);
                    status = await follower.CallAsync(() => job.WaitForChangeAsync(known, wait), cancel);
                }
                catch (OperationCanceledException) when (cancel.IsCancellationRequested)
                {
                    console.Note("\ncancelling the job...");
                    status = await follower.CallAsync(job.CancelAsync, CancellationToken.None);
                    break;
                }
            }
            // The last stage's items are all done when the job completes (its counters are reset).
            if (bar is not null && status.State == JobState.Completed) bar.Advance(Math.Max(0,
                status.ItemsTotal - bar.Done));
        }
        finally
        {
            bar?.Dispose();
        }
        if (status.State == JobState.Completed) Passed(stages.Count);
        TimingMarks.Mark($"job {status.State.ToString().ToLowerInvariant()}");
        return status;
    }

    internal static int Report(CliConsole console, JobStatus status, bool json, JsonObject? extra = null)
    {
        var summary = status.Summary is null ? null : MergeState.FromJson(status.Summary);
        if (json)
        {
            var o = new JsonObject
            {
                ["jobId"] = status.JobId,
                ["state"] = status.State.ToString(),
                ["message"] = status.Message,
                ["workBySilo"] = new JsonObject(status.WorkBySilo.Select(p => KeyValuePair.Create(p.Key,
                (JsonNode?)p.Value))),
            };
            if (summary is not null) o["summary"] = JsonNode.Parse(summary.ToJson());
            if (extra is not null) foreach (var (k, v) in extra) o[k] = v?.DeepClone();
            console.Out.WriteLine(o.ToJsonString(Json.Indented));
        }
        else
        {
            console.Out.WriteLine(
                $"job {status.JobId}: " +
                status.State.ToString().ToLowerInvariant()
                + (status.Message is null ? "" : $" ({status.Message})"));
            if (summary is not null) foreach (var line in MergeReport.Lines(summary)) console.Out.WriteLine(line);
            // The plan's assess: section ran as the last stages: its table, as summary.txt ends with it.
            if (summary?.Assessment?.Report is { } assessment)
                foreach (var line in AssessmentSummary.Lines(assessment, summary.Plan.Assess ?? new AssessmentPlan()))
                    console.Out.WriteLine(line);
            console.Out.WriteLine(
                $"work by silo: " +
                $"{string.Join(", ", status.WorkBySilo.OrderBy(p => p.Key).Select(p => $"{p.Key} {p.Value}"))}");
        }
        if (status.State == JobState.Failed) console.Error.WriteLine($"cryomerge: {status.Message}");
        return status.State == JobState.Completed ? (int)ExitCode.Ok : (int)ExitCode.BadInput;
    }

    /// <summary>The same plan gives the same job id, so running it again resumes it.</summary>
    internal static string JobId(MergePlan plan, string planJson)
    {
        string hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(planJson)))[..10];
        var name = new string(plan.Name.Select(c => char.IsLetterOrDigit(c) || c is '-' or '_' ? c : '-').ToArray());
        return $"{name}-{hash}";
    }
}
