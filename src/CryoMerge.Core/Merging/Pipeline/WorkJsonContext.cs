using System.Text.Json.Serialization;
using CryoMerge.Core.Assessment;
using CryoMerge.Core.Extraction;
using CryoMerge.Core.Merging.Stages;
using CryoMerge.Core.Reconstruction;

namespace CryoMerge.Core.Merging.Pipeline;

/// <summary>
/// Serialisation code for the plan, the merge state and the work kinds' parameters and results, generated at build
/// time. Without it, System.Text.Json emits and compiles an accessor per property on first use: about 400 methods and
/// a tenth of a second of a merge's start, on the path before the first item runs. Types not listed here still work,
/// through reflection (<see cref="WorkJson.Options"/> falls back to it), but every kind's two records belong here:
/// MergeStagesTests fails for one that is missing. The settings match <see cref="WorkJson.Options"/>.
/// </summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals)]
[JsonSerializable(typeof(MergePlan))]
[JsonSerializable(typeof(MergeState))]
[JsonSerializable(typeof(PrepareStage.Parameters), TypeInfoPropertyName = "PrepareStageParameters")]
[JsonSerializable(typeof(PrepareStage.Result), TypeInfoPropertyName = "PrepareStageResult")]
[JsonSerializable(typeof(PixelSizeStage.Parameters), TypeInfoPropertyName = "PixelSizeStageParameters")]
[JsonSerializable(typeof(PixelSizeStage.Result), TypeInfoPropertyName = "PixelSizeStageResult")]
[JsonSerializable(typeof(PixelSizeProfileStage.Parameters), TypeInfoPropertyName = "PixelSizeProfileStageParameters")]
[JsonSerializable(typeof(PixelSizeProfileStage.Result), TypeInfoPropertyName = "PixelSizeProfileStageResult")]
[JsonSerializable(typeof(CtfStage.Parameters), TypeInfoPropertyName = "CtfStageParameters")]
[JsonSerializable(typeof(CtfStage.Result), TypeInfoPropertyName = "CtfStageResult")]
[JsonSerializable(typeof(ExtractStage.Parameters), TypeInfoPropertyName = "ExtractStageParameters")]
[JsonSerializable(typeof(ExtractStage.Result), TypeInfoPropertyName = "ExtractStageResult")]
[JsonSerializable(typeof(ReExtractionJob))]
[JsonSerializable(typeof(GatherParticlesStage.Result), TypeInfoPropertyName = "GatherParticlesStageResult")]
[JsonSerializable(typeof(StackWindowItem))]
[JsonSerializable(typeof(StackWindowResult))]
[JsonSerializable(typeof(RescaleMicrographsStage.Parameters), TypeInfoPropertyName = "RescaleMicrographsParameters")]
[JsonSerializable(typeof(RescaleMicrographsStage.Result), TypeInfoPropertyName = "RescaleMicrographsResult")]
[JsonSerializable(typeof(RescaleParticlesStage.Parameters), TypeInfoPropertyName = "RescaleParticlesStageParameters")]
[JsonSerializable(typeof(RescaleParticlesStage.Result), TypeInfoPropertyName = "RescaleParticlesStageResult")]
[JsonSerializable(typeof(RelabelStage.Parameters), TypeInfoPropertyName = "RelabelStageParameters")]
[JsonSerializable(typeof(RelabelStage.Result), TypeInfoPropertyName = "RelabelStageResult")]
[JsonSerializable(typeof(JoinStage.Parameters), TypeInfoPropertyName = "JoinStageParameters")]
[JsonSerializable(typeof(JoinStage.Result), TypeInfoPropertyName = "JoinStageResult")]
[JsonSerializable(typeof(SummaryStage.Parameters), TypeInfoPropertyName = "SummaryStageParameters")]
[JsonSerializable(typeof(SummaryStage.Result), TypeInfoPropertyName = "SummaryStageResult")]
[JsonSerializable(typeof(ShardedReconstruction.ShardParameters), TypeInfoPropertyName = "BackProjectShardParameters")]
[JsonSerializable(typeof(ShardedReconstruction.ShardResult), TypeInfoPropertyName = "BackProjectShardResult")]
[JsonSerializable(typeof(ShardedReconstruction.SolveParameters), TypeInfoPropertyName = "SolveMapParameters")]
[JsonSerializable(typeof(ReconstructedMap))]
[JsonSerializable(typeof(AssessPrepareStage.Parameters), TypeInfoPropertyName = "AssessPrepareStageParameters")]
[JsonSerializable(typeof(AssessmentSource))]
[JsonSerializable(typeof(AssessOrderStage.Parameters), TypeInfoPropertyName = "AssessOrderStageParameters")]
[JsonSerializable(typeof(AssessOrderStage.Result), TypeInfoPropertyName = "AssessOrderStageResult")]
[JsonSerializable(typeof(AssessStage.Parameters), TypeInfoPropertyName = "AssessStageParameters")]
[JsonSerializable(typeof(AssessStage.Result), TypeInfoPropertyName = "AssessStageResult")]
internal sealed partial class WorkJsonContext : JsonSerializerContext;
