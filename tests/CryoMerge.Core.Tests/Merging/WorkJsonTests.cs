using CryoMerge.Core.Extraction;
using CryoMerge.Core.Merging;
using CryoMerge.Core.Merging.Pipeline;
using CryoMerge.Core.Merging.Stages;

namespace CryoMerge.Core.Tests.Merging;

public sealed class WorkJsonTests
{
    [Theory]
    [InlineData(typeof(MergePlan))]
    [InlineData(typeof(MergeState))]
    [InlineData(typeof(PixelSizeStage.Parameters))]
    [InlineData(typeof(PixelSizeProfileStage.Parameters))]
    [InlineData(typeof(ExtractionWorkHandlers.ExtractParameters))]
    [InlineData(typeof(MicrographExtractionResult))]
    [InlineData(typeof(GatherParticlesStage.Result))]
    public void ThePlanStateAndWorkItemsUseTheGeneratedSerialiser(Type type) =>
        Assert.Same(WorkJsonContext.Default, WorkJson.Options.GetTypeInfo(type).OriginatingResolver);

    [Fact]
    public void OtherTypesStillSerialiseThroughReflection()
    {
        var item = WorkItem.Create("id", "kind", new Dictionary<string, int[]> { ["a"] = [1, 2] });
        Assert.Equal("""{"a":[1,2]}""", item.Parameters);
        Assert.Equal([1, 2], item.ParametersAs<Dictionary<string, int[]>>()["a"]);
    }
}
