using CryoMerge.Core.Formats;
using CryoMerge.Tests;
using CryoMerge.Core.Merging;

namespace CryoMerge.Core.Tests.Merging;

public sealed class StarDataSetTests
{
    [Theory]
    [InlineData("cryodrgn/relion31.star", StarGeneration.Relion31, StarDataKind.Particles, 5)]
    [InlineData("cryodrgn/relion5.star", StarGeneration.Relion31, StarDataKind.Particles, 0)]
    [InlineData("cryodrgn/empiar_10076_7.star", StarGeneration.Relion30, StarDataKind.Particles, 7)]
    [InlineData("cryodrgn/FinalRefinement-OriginalParticles-PfCRT.star", StarGeneration.Relion30,
        StarDataKind.Particles, 0)]
    [InlineData("em-testdata/micrographs_ctf.star", StarGeneration.Relion31, StarDataKind.Micrographs, 24)]
    [InlineData("sppractice/Import/job001/movies.star", StarGeneration.Relion31, StarDataKind.Movies, 24)]
    [InlineData("em-testdata/20170629_00049_frameImage_autopick.star", StarGeneration.Relion30,
        StarDataKind.Coordinates, 0)]
    [InlineData("aspire/sample_relion_data.star", StarGeneration.Relion30, StarDataKind.Particles, 17)]
    public void RealFilesAreRecognised(string file, StarGeneration generation, StarDataKind kind, int rows)
    {
        Requires.SharedData();
        var set = StarDataSet.Read(TestFiles.RealFile(file));
        Assert.Equal(generation, set.Generation);
        Assert.Equal(kind, set.Kind);
        if (rows > 0) Assert.Equal(rows, set.Data.RowCount);
    }

    [Theory]
    [InlineData("em-testdata/default_pipeline.star")]
    [InlineData("em-testdata/job.star")]
    [InlineData("aspire/sample_data_model.star")]
    [InlineData("starfile/postprocess.star")]
    public void FilesFromOtherProgramsAreRefusedInOneLine(string file)
    {
        Requires.SharedData();
        var e = Assert.Throws<CryoMergeInputException>(() => StarDataSet.Read(TestFiles.RealFile(file)));
        Assert.Contains("not a RELION particle, micrograph, movie or coordinate STAR file", e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void SeveralDataBlocksWhereOneIsMeantAreRefused()
    {
        string two = MergingTestFiles.Relion30Particles("a.mrcs", 2, 1.0) + MergingTestFiles.Relion30Particles("b.mrcs",
            2, 1.0).Replace("data_", "data_images");
        var e = Assert.Throws<CryoMergeInputException>(() => StarDataSet.Of(StarFile.Parse(two), "two.star"));
        Assert.Equal("two.star: has 2 data blocks (data_, data_images) where one is meant; split the file first",
            e.Message);
    }

    [Fact]
    public void AParticleTableWithoutOpticsGroupNumbersIsRefused()
    {
        Requires.SharedData();
        var file = StarFile.Read(TestFiles.RealFile("cryodrgn/relion31.star"));
        file.Block("particles").Table!.RemoveColumn(RelionLabels.OpticsGroup);
        var e = Assert.Throws<CryoMergeInputException>(() => StarDataSet.Of(file, "p.star"));
        Assert.Equal(
            "p.star: column _rlnOpticsGroup is missing from data_particles (needed to find each row's optics group)",
            e.Message);
    }

    [Fact]
    public void ARowInAnUndefinedOpticsGroupIsRefused()
    {
        Requires.SharedData();
        var file = StarFile.Read(TestFiles.RealFile("cryodrgn/relion31.star"));
        file.Block("particles").Table!.Column(RelionLabels.OpticsGroup).SetRaw(3, "7");
        var e = Assert.Throws<CryoMergeInputException>(() => StarDataSet.Of(file, "p.star").OpticsRowOfEachRow());
        Assert.Equal("p.star: row 4 of data_particles is in optics group 7, which data_optics does not define",
            e.Message);
    }
}
