using System.Text.Json.Serialization;

namespace CryoMerge.Core.Merging.Pipeline;

/// <summary>
/// Serialisation code for the plan and the merge state, generated at build time. Without it, System.Text.Json emits
/// and compiles an accessor per property on first use: with the work kinds' records (<c>Stages.StageJsonContext</c>)
/// about 400 methods and a tenth of a second of a merge's start, on the path before the first item runs. Types not
/// listed here still work, through reflection (<see cref="WorkJson.Options"/> falls back to it). The settings match
/// <see cref="WorkJson.Options"/>.
/// </summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals)]
[JsonSerializable(typeof(MergePlan))]
[JsonSerializable(typeof(MergeState))]
internal sealed partial class WorkJsonContext : JsonSerializerContext;
