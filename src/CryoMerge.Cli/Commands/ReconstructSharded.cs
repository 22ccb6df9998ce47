using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using CryoMerge.Core;
using CryoMerge.Core.Merging;
using CryoMerge.Core.Merging.Pipeline;
using CryoMerge.Core.Merging.Stages;
using CryoMerge.Core.Reconstruction;
using CryoMerge.Grains;
using CryoMerge.Hosting;

namespace CryoMerge.Cli.Commands;

/// <summary>
/// <c>cryomerge reconstruct --shards N</c> or <c>--cluster</c>: the same map as a job of particle-shard work items
/// (<see cref="ShardedReconstruction"/>) on the embedded silo or a cluster, followed as a merge is.
/// </summary>
internal static class ReconstructSharded
{
    public static async Task<int> RunAsync(CliConsole console, ReconstructionRequest request, int? shards, bool json,
        CryoMergeHostSettings settings, CancellationToken cancel)
    {
        var silo = MergeCommand.StartEmbeddedSilo(settings, cancel);
        MergePlan plan;
        try
        {
            plan = Plan(request, shards);
        }
        catch
        {
            await MergeCommand.StopAsync(silo);
            throw;
        }
        var watch = Stopwatch.StartNew();
        // A new run each time: the map is made again even if an earlier job wrote it.
        var status = await MergeCommand.RunPlanAsync(console, plan, request.Input, restart: true, settings, cancel,
            silo);
        double seconds = watch.Elapsed.TotalSeconds;
        if (status.State != JobState.Completed || status.Summary is null)
            return MergeCommand.Report(console, status, json);
        var map = MergeState.FromJson(status.Summary).Maps.Single();
        var bySilo = status.WorkBySilo.OrderBy(p => p.Key, StringComparer.Ordinal).ToList();
        if (json)
        {
            console.Out.WriteLine(new JsonObject
            {
                ["map"] = map.Output,
                ["particles"] = map.Particles,
                ["box"] = map.MapSize,
                ["pixelSize"] = map.PixelSize,
                ["maxRadius"] = map.MaxRadius,
                ["padding"] = request.Padding,
                ["shards"] = map.Shards,
                ["jobId"] = status.JobId,
                ["seconds"] = Math.Round(seconds, 3),
                ["workBySilo"] = new JsonObject(bySilo.Select(p => KeyValuePair.Create(p.Key, (JsonNode?)p.Value))),
            }.ToJsonString(Cli.Json.Indented));
        }
        else
        {
            console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"Reconstructed {map.Particles} particles into {map.Output}: {map.MapSize}^3 at " +
                $"{map.PixelSize:0.####} A/px, to {map.MapSize * map.PixelSize / map.MaxRadius:0.##} A, in " +
                $"{map.Shards} shards ({seconds:0.0} s; items by silo: " +
                $"{string.Join(", ", bySilo.Select(p => $"{p.Key} {p.Value}"))})"));
        }
        return (int)ExitCode.Ok;
    }

    /// <summary>
    /// A reconstruction job of one map: shard files in a hidden folder beside the map (.MAP.shards), removed at the
    /// end; <paramref name="shards"/> shards of nearly equal size, or one per 2000 particles.
    /// </summary>
    internal static MergePlan Plan(ReconstructionRequest request, int? shards)
    {
        if (shards is < 1) throw new CryoMergeInputException("--shards", $"must be at least 1, not {shards}");
        string input = Path.GetFullPath(request.Input), output = Path.GetFullPath(request.Output);
        OutputFiles.EnsureNotInput(output, input);
        var map = new MapRequest("map", input, output, request.Selection, PixelSize: request.PixelSize,
            Ctf: request.Ctf, MaxResolution: request.MaxResolution, Solver: request.Solver with { Threads = 0 },
            Padding: request.Padding);
        // The whole file is checked here, before the job: bad input fails at once, as without --shards.
        var set = ParticleSet.Read(input);
        if (set.Particles.Count == 0) throw new CryoMergeInputException(input, "has no particles");
        int count = ShardedReconstruction.SelectRows(set, map).Count;
        ShardedReconstruction.Grid(set, map);
        int perShard = shards is { } n ? (count + n - 1) / n : ShardedReconstruction.DefaultParticlesPerShard;
        string work = Path.Combine(Path.GetDirectoryName(output)!, $".{Path.GetFileName(output)}.shards");
        return new MergePlan($"reconstruct-{Path.GetFileNameWithoutExtension(output)}", work, MergeMethod.Relabel, "",
            [], ParticlesPerShard: Math.Max(1, perShard), Maps: [map]);
    }
}
