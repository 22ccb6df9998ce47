using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using CryoMerge.Core.Assessment;
using CryoMerge.Core.Extraction;
using CryoMerge.Core.Merging.Pipeline;
using CryoMerge.Core.Reconstruction;

namespace CryoMerge.Core.Merging.Stages;

/// <summary>
/// JSON settings of the work kinds' parameters and results (<see cref="WorkKind{TParameters, TResult}"/>): those of
/// <see cref="WorkJson.Options"/>, with the serialisation code of every kind's two records generated at build time
/// (<see cref="StageJsonContext"/>).
/// </summary>
public static class StageJson
{
    public static readonly JsonSerializerOptions Options = new(WorkJson.Options)
    {
        TypeInfoResolver = JsonTypeInfoResolver.Combine(StageJsonContext.Default, WorkJson.Options.TypeInfoResolver),
    };
}

/// <summary>
/// Serialisation code for the work kinds' parameters and results, generated at build time (see
/// <see cref="WorkJsonContext"/> for why). Every kind's two records belong here: MergeStagesTests fails for one that is
/// missing. The settings match <see cref="WorkJson.Options"/>.
/// </summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals)]
[JsonSerializable(typeof(PrepareStage.Parameters), TypeInfoPropertyName = "PrepareStageParameters")]
[JsonSerializable(typeof(PrepareStage.Result), TypeInfoPropertyName = "PrepareStageResult")]
[JsonSerializable(typeof(MapFitFiles))]
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
internal sealed partial class StageJsonContext : JsonSerializerContext;
