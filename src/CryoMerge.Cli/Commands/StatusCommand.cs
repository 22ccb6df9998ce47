using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using CryoMerge.Cli.Options;
using CryoMerge.Grains;
using CryoMerge.Grains.Jobs;
using CryoMerge.Hosting;

namespace CryoMerge.Cli.Commands;

/// <summary>
/// <c>cryomerge status [JOB]</c>: progress of a merge job, from its cluster or from the job-state folder.
/// </summary>
internal static class StatusCommand
{
    /// <summary>How long 'status' waits for a cluster that lost a silo to answer again.</summary>
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(1);

    public static Command Create(CliConsole console)
    {
        var jobArgument = new Argument<string?>("JOB")
        {
            Description = "Job id as 'merge' printed it; without it, every job in the state folder is listed",
            Arity = ArgumentArity.ZeroOrOne,
        };
        var json = CommonOptions.Json();
        var cluster = new ClusterOptions();
        var command = new Command("status", """
            Show the progress of a merge job: state, stage, items done, which silo runs it and work per silo. With
            --cluster the job's coordinator answers (and --json adds the items each silo runs now); without it the
            job's record is read from the state folder. A job that no silo runs at the moment (its silo stopped) is
            shown as resuming (on a cluster another silo takes it over by itself) or interrupted (an embedded run:
            run the plan again), with the time since its last progress. Done counts never go backwards.

            Example:
              cryomerge status demo-3f2a9c1b04
              cryomerge status demo-3f2a9c1b04 --cluster redis://127.0.0.1:6379 --json
            """)
        {
            jobArgument, json,
        };
        foreach (var o in cluster.Client) command.Options.Add(o);
        command.SetAction((parse, ct) =>
            RunAsync(console, parse.GetValue(jobArgument), parse.GetValue(json), cluster.Settings(parse, false), ct));
        return command;
    }

    /// <summary>
    /// One job as shown: its status, whether it resumes by itself, and (from a cluster) the items each silo runs.
    /// </summary>
    private sealed record Shown(
        JobStatus Status, bool ResumesByItself, IReadOnlyDictionary<string, IReadOnlyList<string>>? Running);

    private static async Task<int> RunAsync(
        CliConsole console, string? jobId, bool json, CryoMergeHostSettings settings, CancellationToken cancel)
    {
        var now = DateTimeOffset.UtcNow;
        string folder = Path.Combine(settings.StateDirectory, StorageNames.JobState);
        var shown = new List<Shown>();
        if (settings.Cluster.Kind != ClusterKind.Localhost && jobId is not null)
        {
            var timeout = TimeSpan.FromSeconds(20);
            await using var connection = await CryoMergeConnection.ConnectAsync(settings, timeout, cancel);
            var job = connection.Client.GetGrain<IMergeJobGrain>(jobId);
            var follower = new JobFollower(console, settings.Cluster.Display, jobId, Patience);
            var status = await follower.CallAsync(job.GetStatusAsync, cancel);
            if (status.State == JobState.Pending && status.StageCount == 0)
                throw new Core.CryoMergeInputException(jobId,
                    $"no such job on the cluster at {settings.Cluster.Display}");
            IReadOnlyDictionary<string, IReadOnlyList<string>>? running = null;
            if (json && status.State == JobState.Running)
                running = await follower.CallAsync(job.GetRunningItemsAsync, cancel);
            shown.Add(new Shown(status, true, running));
        }
        else
        {
            var jobs = JobStoreReader.Read(settings.StateDirectory, jobId);
            if (jobId is not null && jobs.Count == 0)
                throw new Core.CryoMergeInputException(jobId,
                    $"no such job in {folder} (give --cluster for a job on a cluster)");
            foreach (var j in jobs) shown.Add(new Shown(j.ToStatus(now), j.Heartbeat?.ResumesByItself ?? false, null));
        }
        if (json)
        {
            var array = new JsonArray(shown.Select(s => (JsonNode)Json(s, now)).ToArray());
            var answer = jobId is null ? array : array.FirstOrDefault() ?? new JsonObject();
            console.Out.WriteLine(answer.ToJsonString(Cli.Json.Indented));
        }
        else
        {
            if (shown.Count == 0) console.Note($"no jobs in {folder}");
            foreach (var s in shown) console.Out.WriteLine(Line(s, now));
        }
        return (int)ExitCode.Ok;
    }

    /// <summary>
    /// The state to show: a running job that no silo runs now is resuming (cluster) or interrupted (embedded run).
    /// </summary>
    private static string State(Shown s) => s.Status is { State: JobState.Running, Resuming: true }
        ? s.ResumesByItself ? "Resuming" : "Interrupted"
        : s.Status.State.ToString();

    private static string Line(Shown shown, DateTimeOffset now)
    {
        var s = shown.Status;
        string ago = Ago(now - s.UpdatedUtc);
        string where = State(shown) switch
        {
            "Running" when s.CoordinatorSilo is not null => $", on silo {s.CoordinatorSilo}",
            "Resuming" when s.CoordinatorSilo is not null =>
                $", being taken over by silo {s.CoordinatorSilo}, last progress {ago} ago",
            "Resuming" => $": no silo runs it now, a live silo takes it over by itself; last progress {ago} ago",
            "Interrupted" =>
                $": the process that ran it stopped, last progress {ago} ago; run its plan again to resume it",
            _ => "",
        };
        string stage = $"stage {Math.Min(s.StageIndex + 1, s.StageCount)}/{s.StageCount} {s.Stage}";
        string message = s.Message is null ? "" : $"; {s.Message}";
        return $"{s.JobId}: {State(shown).ToLowerInvariant()}, {stage}, {s.ItemsDone}/{s.ItemsTotal} items, " +
            $"last progress {s.UpdatedUtc:yyyy-MM-dd HH:mm:ss}Z{where}{message}";
    }

    private static JsonObject Json(Shown shown, DateTimeOffset now)
    {
        var s = shown.Status;
        var o = new JsonObject
        {
            ["jobId"] = s.JobId, ["state"] = State(shown), ["stage"] = s.Stage, ["stageIndex"] = s.StageIndex,
            ["stageCount"] = s.StageCount, ["itemsDone"] = s.ItemsDone, ["itemsTotal"] = s.ItemsTotal,
            ["message"] = s.Message,
            ["updated"] = s.UpdatedUtc.ToString("O"),
            ["secondsSinceProgress"] = Math.Round(Math.Max(0, (now - s.UpdatedUtc).TotalSeconds), 1),
            ["coordinatorSilo"] = s.CoordinatorSilo,
            ["workBySilo"] = new JsonObject(s.WorkBySilo.Select(p => KeyValuePair.Create(p.Key, (JsonNode?)p.Value))),
        };
        if (shown.Running is not null)
            o["runningItemsBySilo"] = new JsonObject(shown.Running.Select(p =>
                KeyValuePair.Create(p.Key, (JsonNode?)new JsonArray(p.Value.Select(i => (JsonNode?)i).ToArray()))));
        return o;
    }

    private static string Ago(TimeSpan t)
    {
        double seconds = Math.Max(0, t.TotalSeconds);
        return seconds < 120 ? string.Create(CultureInfo.InvariantCulture, $"{seconds:F0} s")
            : seconds < 7200 ? string.Create(CultureInfo.InvariantCulture, $"{seconds / 60:F0} min")
            : string.Create(CultureInfo.InvariantCulture, $"{seconds / 3600:F1} h");
    }
}
