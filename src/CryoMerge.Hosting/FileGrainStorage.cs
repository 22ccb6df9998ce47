using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using CryoMerge.Core;
using CryoMerge.Grains.Diagnostics;
using Orleans.Runtime;
using Orleans.Storage;

namespace CryoMerge.Hosting;

/// <summary>
/// Grain state as JSON files in a folder on shared storage, one file per grain, replaced atomically, with an
/// ETag check so that a stale activation cannot overwrite a newer state. Unlike memory storage it survives the
/// silo that wrote it: a coordinator reactivated on another silo reads its last checkpoint. A person can read it.
/// </summary>
public sealed class FileGrainStorage(string root) : IGrainStorage
{
    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        TypeInfoResolver = JsonTypeInfoResolver.Combine(JobStoreJsonContext.Default, new DefaultJsonTypeInfoResolver()),
    };
    private readonly ConcurrentDictionary<string, SemaphoreSlim> _locks = new();

    public string Root { get; } = Path.GetFullPath(root);

    internal sealed record Envelope(string ETag, string GrainId, DateTimeOffset WrittenUtc, JsonElement State);

    public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        ReadStateAsync(stateName, grainId, grainState, CancellationToken.None);

    public async Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState,
        CancellationToken cancellationToken)
    {
        string path = PathFor(stateName, grainId);
        var envelope = await ReadEnvelopeAsync(path, cancellationToken);
        if (envelope is null)
        {
            grainState.RecordExists = false;
            grainState.ETag = null;
            return;
        }
        grainState.State = envelope.State.Deserialize<T>(Json)!;
        grainState.ETag = envelope.ETag;
        grainState.RecordExists = true;
    }

    public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        WriteStateAsync(stateName, grainId, grainState, CancellationToken.None);

    public async Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState,
        CancellationToken cancellationToken)
    {
        string path = PathFor(stateName, grainId);
        var gate = _locks.GetOrAdd(path, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(cancellationToken);
        try
        {
            var current = await ReadEnvelopeAsync(path, cancellationToken);
            if (current?.ETag != grainState.ETag)
                throw new InconsistentStateException($"{path} was written by another activation", current?.ETag,
                    grainState.ETag);
            string etag = Guid.NewGuid().ToString("N");
            var envelope = new Envelope(etag, grainId.ToString(), DateTimeOffset.UtcNow,
                JsonSerializer.SerializeToElement(grainState.State, Json));
            string text = JsonSerializer.Serialize(envelope, Json);
            OutputFiles.WriteAllText(path, text);
            CryoMergeTelemetry.JobStoreBytesWritten.Add(Encoding.UTF8.GetByteCount(text));
            grainState.ETag = etag;
            grainState.RecordExists = true;
        }
        finally
        {
            gate.Release();
        }
    }

    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        ClearStateAsync(stateName, grainId, grainState, CancellationToken.None);

    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState,
        CancellationToken cancellationToken)
    {
        File.Delete(PathFor(stateName, grainId));
        grainState.ETag = null;
        grainState.RecordExists = false;
        return Task.CompletedTask;
    }

    /// <summary>The file of a grain's state: readable name plus a short hash so different keys never collide.</summary>
    public string PathFor(string stateName, GrainId grainId) =>
        Path.Combine(Root, stateName, $"{FileNameFor(grainId.ToString())}.json");

    /// <summary>A readable, safe file name for a key, with a short hash of it so that keys never collide.</summary>
    internal static string FileNameFor(string id)
    {
        var safe = new StringBuilder(id.Length);
        foreach (char c in id) safe.Append(char.IsLetterOrDigit(c) || c is '-' or '_' or '.' ? c : '_');
        string hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(id)))[..12];
        string name = safe.Length > 100 ? safe.ToString(0, 100) : safe.ToString();
        return $"{name}.{hash}";
    }

    /// <summary>Reads a state file written by this storage without Orleans (for 'cryomerge status' on a local state
    /// folder).</summary>
    public static T? ReadFile<T>(string path) =>
        File.Exists(path) ? JsonSerializer.Deserialize<Envelope>(File.ReadAllText(path),
        Json)!.State.Deserialize<T>(Json) : default;

    private static async Task<Envelope?> ReadEnvelopeAsync(string path, CancellationToken cancellationToken)
    {
        if (!File.Exists(path)) return null;
        await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read,
            FileShare.ReadWrite | FileShare.Delete);
        return await JsonSerializer.DeserializeAsync<Envelope>(stream, Json, cancellationToken);
    }
}
