using System.Diagnostics;
using CryoMerge.Core;
using CryoMerge.Core.Merging.Pipeline;
using CryoMerge.Grains.Diagnostics;
using Orleans.Placement;
using Orleans.Runtime;

namespace CryoMerge.Grains.Workers;

/// <summary>
/// The common body of the worker grains: turn the request into a Core work item, run it on this silo's
/// <see cref="WorkExecutor"/>, fingerprint the outputs, report to telemetry and deactivate (each key is used
/// once, so a retry creates a fresh activation wherever placement puts it).
/// </summary>
public abstract class WorkItemGrain(WorkExecutor executor, ILocalSiloDetails silo) : Grain, IWorkItemGrain
{
    public async Task<WorkItemResponse> RunAsync(WorkItemRequest request, CancellationToken cancellationToken)
    {
        using var activity = CryoMergeTelemetry.Source.StartActivity($"item {request.Kind}", ActivityKind.Internal);
        activity?.SetTag(CryoMergeTelemetry.JobIdTag, request.JobId);
        activity?.SetTag(CryoMergeTelemetry.StageTag, request.Stage);
        activity?.SetTag(CryoMergeTelemetry.ItemTag, request.ItemId);
        activity?.SetTag(CryoMergeTelemetry.KindTag, request.Kind);
        activity?.SetTag(CryoMergeTelemetry.DataSetTag, request.DataSet);
        activity?.SetTag(CryoMergeTelemetry.SiloTag, silo.Name);
        var watch = Stopwatch.StartNew();
        var id = new WorkItemId(request.Stage, request.DataSet, request.ItemKey);
        var item = new WorkItem(id, request.Kind, request.Parameters);
        // Temporary files of this item name this silo, so that the job can remove them should the silo die mid-item.
        OutputFiles.Writer = SiloWriters.Token(silo.SiloAddress);
        var (result, error, isInputError) = await executor.RunAsync(item, request.Threads, cancellationToken);
        double seconds = watch.Elapsed.TotalSeconds;
        DeactivateOnIdle();
        if (result is null)
        {
            activity?.SetStatus(ActivityStatusCode.Error, error);
            CryoMergeTelemetry.ItemsFailed.Add(1, new KeyValuePair<string, object?>(CryoMergeTelemetry.KindTag,
                request.Kind),
                new KeyValuePair<string, object?>(CryoMergeTelemetry.SiloTag, silo.Name));
            return new WorkItemResponse(request.ItemId, request.Kind, "", 0, 0, WorkItemOutputs.None, silo.Name,
                seconds, error, isInputError);
        }
        // Tags: kind and silo (a handful of values each); never job or item ids.
        var tags = new TagList { { CryoMergeTelemetry.KindTag, request.Kind }, { CryoMergeTelemetry.SiloTag,
            silo.Name } };
        CryoMergeTelemetry.ItemsDone.Add(1, tags);
        CryoMergeTelemetry.ParticlesWritten.Add(result.Particles, tags);
        CryoMergeTelemetry.BytesRead.Add(result.BytesRead, tags);
        CryoMergeTelemetry.ItemSeconds.Record(seconds, tags);
        activity?.SetTag("cryomerge.particles", result.Particles);
        return Succeeded(request.ItemId, request.Kind, result, silo.Name, seconds);
    }

    /// <summary>
    /// The response to a finished item, as the job store keeps it: the kind's result record and the outputs
    /// summarised (<see cref="WorkItemOutputs"/>), so that its size does not grow with the item.
    /// </summary>
    internal static WorkItemResponse Succeeded(string itemId, string kind, WorkResult result, string silo,
        double seconds) =>
        new(itemId, kind, result.Result, result.Particles, result.BytesRead, Summary(result.OutputFiles), silo,
            seconds);

    /// <summary>The outputs as the job store keeps them: one record of the same size however many files.</summary>
    private static WorkItemOutputs Summary(IReadOnlyList<string> paths) => paths.Count == 0 ? WorkItemOutputs.None
        : new(paths.Count, paths.Sum(p => new FileInfo(p).Length), FileHash.Contents(paths), paths[0]);
}

/// <inheritdoc cref="IMicrographGrain"/>
[RandomPlacement]
public sealed class MicrographGrain(WorkExecutor executor, ILocalSiloDetails silo) : WorkItemGrain(executor, silo),
    IMicrographGrain;

/// <inheritdoc cref="IParticleShardGrain"/>
[RandomPlacement]
public sealed class ParticleShardGrain(WorkExecutor executor, ILocalSiloDetails silo) : WorkItemGrain(executor, silo),
    IParticleShardGrain;

/// <inheritdoc cref="IScaleCandidateGrain"/>
[RandomPlacement]
public sealed class ScaleCandidateGrain(WorkExecutor executor, ILocalSiloDetails silo) : WorkItemGrain(executor, silo),
    IScaleCandidateGrain;

/// <inheritdoc cref="IDataSetGrain"/>
[RandomPlacement]
public sealed class DataSetGrain(WorkExecutor executor, ILocalSiloDetails silo) : WorkItemGrain(executor, silo),
    IDataSetGrain;
