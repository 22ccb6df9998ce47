using CryoMerge.Core.Analysis;
using CryoMerge.Core.Merging;
using CryoMerge.Tests;

namespace CryoMerge.Core.Tests.Merging;

/// <summary>Without a reference in the plan, the data set with the highest-resolution map is the reference.</summary>
public sealed class ReferenceSelectionTests
{
    private static MapResolutionEstimate Snr(double r) => new(r, MapResolutionSource.SignalToNoise);

    [Fact]
    public void TheFinestMapWinsAndTheReasonListsEveryMap()
    {
        var (reference, reason) = ReferenceSelection.Choose([("A", Snr(4.1)), ("B", Snr(3.2)), ("C", Snr(3.9))]);
        Assert.Equal("B", reference);
        Assert.Equal(
            "the highest-resolution map: B 3.2 A, C 3.9 A, A 4.1 A (spectral signal/noise of the map, its solvent as " +
            "noise)", reason);
    }

    [Fact]
    public void TiesGoToTheEarlierDataSetAndUnmeasuredMapsAreNamed()
    {
        var (reference, reason) = ReferenceSelection.Choose([("A", null), ("B", Snr(3.5)), ("C",
            new MapResolutionEstimate(3.5, MapResolutionSource.Plan))]);
        Assert.Equal("B", reference);
        Assert.Contains("stated in the plan", reason);
        Assert.EndsWith("not measurable: A", reason);
    }

    [Fact]
    public void WithNothingMeasurableTheFirstMapIsTakenAndTheUserToldWhatToGive()
    {
        var (reference, reason) = ReferenceSelection.Choose([("A", null), ("B", null)]);
        Assert.Equal("A", reference);
        Assert.Contains("give each data set's resolution in the plan", reason);
    }

    [Theory]
    [InlineData("reference: K\n", "K", ReferenceChoice.Plan)]
    [InlineData("", "G", ReferenceChoice.HighestResolution)]
    public void ThePlanNamesTheReferenceOrLeavesItToTheMaps(string referenceLine, string provisional,
        ReferenceChoice choice)
    {
        using var dir = new TempDir();
        foreach (var f in new[] { "k.star", "g.star", "s.star", "g.mrc", "k.mrc" }) File.WriteAllText(dir.File(f), "");
        File.WriteAllText(dir.File("plan.yaml"), $"""
            output: out
            method: 3
            {referenceLine}datasets:
              - name: S
                particles: s.star
                pixelSize: 1.1
              - name: G
                particles: g.star
                map: g.mrc
                resolution: 3.4
              - name: K
                particles: k.star
                map: k.mrc
            """);
        var plan = MergePlanReader.Read(dir.File("plan.yaml"));
        Assert.Equal(choice, plan.ReferenceFrom);
        Assert.Equal(provisional, plan.Reference);
        Assert.Equal(3.4, plan.DataSets[1].Resolution);
    }

    [Fact]
    public void WithoutAReferenceADataSetWithNeitherMapNorPixelSizeIsRefused()
    {
        using var dir = new TempDir();
        foreach (var f in new[] { "a.star", "b.star", "c.star", "a.mrc", "b.mrc" }) File.WriteAllText(dir.File(f), "");
        File.WriteAllText(dir.File("plan.yaml"), """
            output: out
            method: 3
            datasets:
              - { name: A, particles: a.star, map: a.mrc }
              - { name: B, particles: b.star, map: b.mrc }
              - { name: C, particles: c.star }
            """);
        var e = Assert.Throws<CryoMergeInputException>(() => MergePlanReader.Read(dir.File("plan.yaml")));
        Assert.Contains("'C' must be found from its map", e.Message);
    }
}
