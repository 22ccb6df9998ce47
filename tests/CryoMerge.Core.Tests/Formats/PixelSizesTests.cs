using CryoMerge.Core.Formats;
using CryoMerge.Tests;

namespace CryoMerge.Core.Tests.Formats;

public sealed class PixelSizesTests
{
    [Fact]
    public void Relion30PixelSizeComesFromMagnificationAndDetectorPixel()
    {
        Requires.SharedData();
        var star = StarFile.Read(TestFiles.RealFile("cryodrgn/empiar_10076_7.star"));
        var answer = PixelSizes.OfRow(star, star.Blocks[0], 0)!;
        Assert.Equal(10000.0 * 5 / 38168, answer.Value, 12);
        Assert.Contains("rlnMagnification", answer.Source);
        Assert.False(PixelSizes.HasOpticsTable(star));
    }

    [Fact]
    public void Relion31PixelSizeComesFromTheRowsOpticsGroup()
    {
        Requires.SharedData();
        var star = StarFile.Read(TestFiles.RealFile("cryodrgn/relion31.6opticsgroups.star"));
        var groups = PixelSizes.OfOpticsGroups(star);
        Assert.Equal(6, groups.Count);
        Assert.Equal([1.25, 1.24, 1.25, 1.25, 1.24, 1.25], groups.Select(g => g.ImagePixelSize!.Value));
        var particles = star.Block("particles");
        var table = particles.RequireTable();
        for (int r = 0; r < table.RowCount; r++)
        {
            int group = table.GetInt(r, RelionLabels.OpticsGroup);
            Assert.Equal(groups.Single(g => g.Number == group).ImagePixelSize, PixelSizes.OfRow(star, particles,
                r)!.Value);
        }
    }

    [Fact]
    public void MicrographFilesAnswerWithTheMicrographPixelSize()
    {
        Requires.SharedData();
        var star = StarFile.Read(TestFiles.RealFile("em-testdata/micrographs_ctf.star"));
        Assert.Equal(0.885, PixelSizes.OfRow(star, star.Block("micrographs"), 0)!.Value, 9);
    }

    [Fact]
    public void ADisagreementNamesBothNumbers()
    {
        var star = new PixelSizeAnswer(1.31, "rlnImagePixelSize");
        Assert.Equal(
            "a.mrcs: pixel size disagrees: header 1 A, STAR 1.31 A (rlnImagePixelSize); RELION uses the STAR value",
            PixelSizes.Disagreement("a.mrcs", 1.0, star));
        Assert.Contains("header has no pixel size (0)", PixelSizes.Disagreement("a.mrcs", 0, star));
        Assert.Null(PixelSizes.Disagreement("a.mrcs", 1.31000001, star));
    }

    [Fact]
    public void SummaryWarnsWhenAStackHeaderDisagreesWithItsStarFile()
    {
        Requires.SharedData();
        string path = TestFiles.RealFile("cryodrgn/relion31.star");
        var summary = StarSummary.Of(StarFile.Read(path), path);
        var warning = Assert.Single(summary.Warnings);
        Assert.Contains("header 1 A, STAR 2.806 A", warning);
    }

    [Fact]
    public void SummaryFindsStacksNamedRelativeToTheProjectDirectory()
    {
        Requires.SharedData();
        // Extract/job009/particles.star names Extract/job009/Movies/...mrcs relative to the project root.
        string path = TestFiles.RealFile("sppractice/Extract/job009/particles.star");
        var summary = StarSummary.Of(StarFile.Read(path), path);
        Assert.Empty(summary.Warnings);
        Assert.NotNull(RelionPaths.Resolve("Extract/job009/Movies/20170629_00021_frameImage.mrcs", path));
    }
}
