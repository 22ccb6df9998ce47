using System.Text.Json.Serialization;
using CryoMerge.Grains.Jobs;

namespace CryoMerge.Hosting;

/// <summary>
/// Serialisation code for the job store's files, generated at build time, so that a merge's first checkpoint does not
/// wait for System.Text.Json to emit and compile accessors. Other grain states still work through reflection.
/// </summary>
[JsonSourceGenerationOptions(WriteIndented = true)]
[JsonSerializable(typeof(FileGrainStorage.Envelope))]
[JsonSerializable(typeof(MergeJobState))]
[JsonSerializable(typeof(JournalEntry))]
[JsonSerializable(typeof(JobHeartbeat))]
internal sealed partial class JobStoreJsonContext : JsonSerializerContext;
