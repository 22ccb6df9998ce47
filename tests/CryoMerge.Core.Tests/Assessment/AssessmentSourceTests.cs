using CryoMerge.Core.Assessment;
using CryoMerge.Core.Formats;
using CryoMerge.Core.Imaging;
using CryoMerge.Core.Tests.Reconstruction;
using CryoMerge.Tests;

namespace CryoMerge.Core.Tests.Assessment;

/// <summary>Which optics groups are a data set's in the merged file, and which half each particle is in.</summary>
public sealed class AssessmentSourceTests
{
    private static readonly IFftBackend Fft = FftBackends.Create();

    private static readonly SimulatedGroup[] TwoGroups = [new(2, 16, 6), new(2.5, 16, 4)];

    private static readonly Dictionary<string, RowRange> TwoDataSets = new() { ["A"] = new(0, 6), ["B"] = new(6, 4) };

    [Fact]
    public void EachDataSetsRowsGiveItsOpticsGroupsAndTheFileIsReadAsItIsWhenEveryRowHasAHalf()
    {
        using var dir = new TempDir();
        string star = SimulatedParticles.Write(Fft, dir.Path, TwoGroups, seed: 3);
        var source = AssessmentSources.Prepare(star, TwoDataSets);
        Assert.Equal(star, source.Particles);
        Assert.True(source.SubsetsFromFile);
        Assert.Equal(["1"], source.OpticsGroups["A"]);
        Assert.Equal(["2"], source.OpticsGroups["B"]);
        Assert.False(File.Exists(dir.File(AssessmentSources.HalvesName)));
    }

    [Fact]
    public void WithoutRlnRandomSubsetOddAndEvenRowsMakeTheHalvesInACopyBesideTheFile()
    {
        using var dir = new TempDir();
        string star = SimulatedParticles.Write(Fft, dir.Path, TwoGroups, seed: 4);
        var file = StarFile.Read(star);
        file.Block("particles").RequireTable().RemoveColumn("rlnRandomSubset");
        file.Write(dir.File("nosubsets.star"));
        string before = File.ReadAllText(dir.File("nosubsets.star"));
        var source = AssessmentSources.Prepare(dir.File("nosubsets.star"), TwoDataSets);
        Assert.False(source.SubsetsFromFile);
        Assert.Equal(dir.File(AssessmentSources.HalvesName), source.Particles);
        var table = StarFile.Read(source.Particles).Block("particles").RequireTable();
        Assert.Equal([1, 2, 1, 2, 1, 2, 1, 2, 1, 2],
            Enumerable.Range(0, table.RowCount).Select(r => table.GetInt(r, "rlnRandomSubset")));
        Assert.Equal(before, File.ReadAllText(dir.File("nosubsets.star")));
    }

    [Fact]
    public void DataSetsSharingAnOpticsGroupAreRefused()
    {
        using var dir = new TempDir();
        string star = SimulatedParticles.Write(Fft, dir.Path, [new SimulatedGroup(2, 16, 10)], seed: 5);
        var e = Assert.Throws<CryoMergeInputException>(() => AssessmentSources.Prepare(star, TwoDataSets));
        Assert.Contains("share an optics group", e.Problem);
    }
}
