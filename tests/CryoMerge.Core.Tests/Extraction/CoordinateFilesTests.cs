using CryoMerge.Core.Extraction;
using CryoMerge.Core.Formats;
using CryoMerge.Tests;

namespace CryoMerge.Core.Tests.Extraction;

public sealed class CoordinateFilesTests
{
    [Theory]
    [InlineData("MotionCorr/job002/Movies/a.mrc", "AutoPick/job006/", "_autopick.star",
        "AutoPick/job006/Movies/a_autopick.star")]
    [InlineData("Micrographs/mic000001.mrc", "./", "_coords.star", "./Micrographs/mic000001_coords.star")]
    [InlineData("Micrographs/mic000001.mrc", "coords", ".box", "coords/Micrographs/mic000001.box")]
    public void TheFileIsFoundByRelionsRule(string micrograph, string dir, string suffix, string expected) =>
        Assert.Equal(expected, CoordinateFiles.PathFor(micrograph, dir, suffix));

    [Fact]
    public void PipelineNamesSplitAfterTheJobFolder()
    {
        Assert.Equal(("MotionCorr/", "job002/", "Movies/a.mrc"),
            RelionPaths.DecomposePipelineName("MotionCorr/job002/Movies/a.mrc"));
        Assert.Equal(("", "", "Micrographs/a.mrc"), RelionPaths.DecomposePipelineName("Micrographs/a.mrc"));
        Assert.Equal(("/data/x/CtfFind/", "job003/", "a.mrc"),
            RelionPaths.DecomposePipelineName("/data/x/CtfFind/job003/a.mrc"));
    }

    [Fact]
    public void BoxFilesGiveTheBoxCentreAndTextFilesTheirFirstTwoNumbers()
    {
        using var dir = new TempDir();
        File.WriteAllText(dir.File("a.box"), "100 200 64 64\n10\t20\t31\t31\n");
        var box = CoordinateFiles.Read(dir.File("a.box"));
        Assert.Equal([132.0, 25.0], box.Column(RelionLabels.CoordinateX).GetDoubles());
        Assert.Equal([232.0, 35.0], box.Column(RelionLabels.CoordinateY).GetDoubles());
        File.WriteAllText(dir.File("a.txt"), "x y\n5 6\n7 8 9\n");
        var text = CoordinateFiles.Read(dir.File("a.txt"));
        Assert.Equal([5.0, 7.0], text.Column(RelionLabels.CoordinateX).GetDoubles());
        File.WriteAllText(dir.File("bad.box"), "1 2 3\n");
        Assert.Throws<CryoMergeInputException>(() => CoordinateFiles.Read(dir.File("bad.box")));
    }
}
