using System.CommandLine;
using System.Text.Json.Nodes;
using CryoMerge.Cli.Options;
using CryoMerge.Grains;
using CryoMerge.Grains.Jobs;
using CryoMerge.Hosting;

namespace CryoMerge.Cli.Commands;

/// <summary><c>cryomerge status [JOB]</c>: progress of a merge job, from its cluster or from the job-state folder.</summary>
internal static class StatusCommand
{
    public static Command Create(CliConsole console)
    {
        var jobArgument = new Argument<string?>("JOB") { Description = "Job id as 'merge' printed it; without it, every job in the state folder is listed", Arity = ArgumentArity.ZeroOrOne };
        var json = CommonOptions.Json();
        var cluster = new ClusterOptions();
        var command = new Command("status", """
            Show the progress of a merge job: state, stage, items done and work per silo. With --cluster the running
            coordinator answers; without it the job's last checkpoint is read from the state folder (a merge on an
            embedded silo in another terminal writes there every few seconds).

            Example:
              cryomerge status demo-3f2a9c1b04
              cryomerge status demo-3f2a9c1b04 --cluster redis://127.0.0.1:6379 --json
            """)
        {
            jobArgument, json,
        };
        foreach (var o in cluster.All) command.Options.Add(o);
        command.SetAction((parse, ct) => RunAsync(console, parse.GetValue(jobArgument), parse.GetValue(json), cluster.Settings(parse, false), ct));
        return command;
    }

    private static async Task<int> RunAsync(CliConsole console, string? jobId, bool json, CryoMergeHostSettings settings, CancellationToken cancellationToken)
    {
        var statuses = new List<JobStatus>();
        if (settings.Cluster.Kind != ClusterKind.Localhost && jobId is not null)
        {
            await using var connection = await CryoMergeConnection.ConnectAsync(settings, TimeSpan.FromSeconds(20), cancellationToken);
            statuses.Add(await connection.Client.GetGrain<IMergeJobGrain>(jobId).GetStatusAsync());
        }
        else
        {
            string folder = Path.Combine(settings.StateDirectory, StorageNames.JobState);
            var states = Directory.Exists(folder)
                ? Directory.GetFiles(folder, "*.json").Select(FileGrainStorage.ReadFile<MergeJobState>).OfType<MergeJobState>().ToList()
                : [];
            if (jobId is not null) states = states.Where(s => s.JobId == jobId).ToList();
            if (jobId is not null && states.Count == 0)
                throw new Core.CryoMergeInputException(jobId, $"no such job in {folder} (give --cluster for a job on a cluster)");
            statuses.AddRange(states.OrderBy(s => s.UpdatedUtc).Select(ToStatus));
        }
        if (json)
        {
            var array = new JsonArray(statuses.Select(s => (JsonNode)new JsonObject
            {
                ["jobId"] = s.JobId, ["state"] = s.State.ToString(), ["stage"] = s.Stage, ["stageIndex"] = s.StageIndex,
                ["stageCount"] = s.StageCount, ["itemsDone"] = s.ItemsDone, ["itemsTotal"] = s.ItemsTotal, ["message"] = s.Message,
                ["updated"] = s.UpdatedUtc.ToString("O"),
                ["workBySilo"] = new JsonObject(s.WorkBySilo.Select(p => KeyValuePair.Create(p.Key, (JsonNode?)p.Value))),
            }).ToArray());
            console.Out.WriteLine((jobId is null ? array : array.FirstOrDefault() ?? new JsonObject()).ToJsonString(Json.Indented));
        }
        else
        {
            if (statuses.Count == 0) console.Note($"no jobs in {Path.Combine(settings.StateDirectory, StorageNames.JobState)}");
            foreach (var s in statuses)
                console.Out.WriteLine($"{s.JobId}: {s.State.ToString().ToLowerInvariant()}, stage {Math.Min(s.StageIndex + 1, s.StageCount)}/{s.StageCount} {s.Stage}, {s.ItemsDone}/{s.ItemsTotal} items, updated {s.UpdatedUtc:yyyy-MM-dd HH:mm:ss}Z{(s.Message is null ? "" : $"; {s.Message}")}");
        }
        return (int)ExitCode.Ok;
    }

    private static JobStatus ToStatus(MergeJobState s) => new(s.JobId, s.State, s.StageName, s.StageIndex, s.StageCount,
        s.State == JobState.Completed ? s.StageItemsTotal : s.DoneItems.Count,
        s.StageItemsTotal, s.Message, s.WorkBySilo, null, s.UpdatedUtc);
}
