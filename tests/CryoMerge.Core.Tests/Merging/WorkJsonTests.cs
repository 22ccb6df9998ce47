using System.Text.Json;
using CryoMerge.Core.Merging;
using CryoMerge.Core.Merging.Pipeline;
using CryoMerge.Core.Merging.Stages;

namespace CryoMerge.Core.Tests.Merging;

public sealed class WorkJsonTests
{
    [Theory]
    [InlineData(typeof(MergePlan))]
    [InlineData(typeof(MergeState))]
    public void ThePlanAndStateUseTheGeneratedSerialiser(Type type) =>
        Assert.Same(WorkJsonContext.Default, WorkJson.Options.GetTypeInfo(type).OriginatingResolver);

    [Fact]
    public void StageRecordsAreWrittenAsThePlanAndStateAre()
    {
        // The kinds' records have their own generated serialiser (in Stages, above the pipeline): same settings.
        var fit = new MapFitFiles("ref.mrc", 1.0, null, "map.mrc", double.NaN, "half2.mrc", 0.1);
        string json = JsonSerializer.Serialize(fit, StageJson.Options);
        string expected = "{'referenceMap':'ref.mrc','referencePixel':1,'referenceHalf2':null,'map':'map.mrc'," +
            "'mapPixel':'NaN','mapHalf2':'half2.mrc','range':0.1}";
        Assert.Equal(expected.Replace('\'', '"'), json);
        Assert.Equal(json, JsonSerializer.Serialize(fit, WorkJson.Options));
        Assert.Equal(fit, JsonSerializer.Deserialize<MapFitFiles>(json, StageJson.Options));
        Assert.False(StageJson.Options.WriteIndented);
    }

    [Fact]
    public void OtherTypesStillSerialiseThroughReflection()
    {
        string json = JsonSerializer.Serialize(new Dictionary<string, int[]> { ["a"] = [1, 2] }, WorkJson.Options);
        Assert.Equal("""{"a":[1,2]}""", json);
        Assert.Equal([1, 2], JsonSerializer.Deserialize<Dictionary<string, int[]>>(json, WorkJson.Options)!["a"]);
    }

    [Fact]
    public void DataSetValuesAreWrittenOnlyOnceSetAndDescribedInNameOrder()
    {
        var values = new DataSetValues { FinalBox = 64, ExtractBox = 80, ImagePixelReached = 1.0000123456789,
            FscResolutionAfter = double.NaN };
        Assert.Equal(
            """{"fscResolutionAfter":"NaN","extractBox":80,"finalBox":64,"imagePixelReached":1.0000123456789}""",
            JsonSerializer.Serialize(values, WorkJson.Options));
        Assert.Equal(["extractBox 80", "finalBox 64", "fscResolutionAfter NaN", "imagePixelReached 1.000012"],
            values.Describe());
        Assert.Equal("{}", JsonSerializer.Serialize(new DataSetValues(), WorkJson.Options));
    }
}
