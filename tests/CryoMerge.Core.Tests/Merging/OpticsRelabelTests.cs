using CryoMerge.Core.Ctf;
using CryoMerge.Core.Formats;
using CryoMerge.Core.Merging;
using CryoMerge.Tests;

namespace CryoMerge.Core.Tests.Merging;

public sealed class OpticsRelabelTests
{
    private const string SixGroups = "cryodrgn/relion31.6opticsgroups.star";

    [Fact]
    public void OnlyTheNamedGroupAndItsRowsChange()
    {
        Requires.SharedData();
        using var dir = new TempDir();
        var before = StarDataSet.Read(TestFiles.RealFile(SixGroups));
        var report = OpticsRelabel.RelabelFile(TestFiles.RealFile(SixGroups), dir.File("out.star"),
            new RelabelRequest(1.20, ["opticsGroup3"]));
        var after = StarDataSet.Read(dir.File("out.star"));
        var group = Assert.Single(report.Relabel.Groups);
        Assert.Equal(("opticsGroup3", 2, 1.24, 1.20), (group.Name, group.Number!.Value, group.OldPixel,
            group.NewPixel));

        double r = 1.20 / 1.24;
        var change = DefocusRescaling.ForBand(1.24, 1.20, 2.7, 200);
        var opticsRow = before.OpticsRowOfEachRow();
        int changedRows = 0;
        for (int i = 0; i < before.Data.RowCount; i++)
        {
            bool inGroup = before.OpticsName(opticsRow[i]) == "opticsGroup3";
            foreach (var label in new[] { RelionLabels.CoordinateX, RelionLabels.ImageName, "rlnAngleRot" })
                Assert.Equal(before.Data.Column(label).Raw(i), after.Data.Column(label).Raw(i));
            if (!inGroup)
            {
                foreach (var label in new[] { RelionLabels.DefocusU, RelionLabels.OriginXAngst,
                    RelionLabels.OriginYAngst })
                    Assert.Equal(before.Data.Column(label).Raw(i), after.Data.Column(label).Raw(i));
                continue;
            }
            changedRows++;
            Assert.Equal(change.Apply(before.Data.GetDouble(i, RelionLabels.DefocusU)), after.Data.GetDouble(i,
                RelionLabels.DefocusU), 1e-4);
            // The shift in pixels stays: origins in A scale with the pixel size.
            Assert.Equal(before.Data.GetDouble(i, RelionLabels.OriginXAngst) / 1.24, after.Data.GetDouble(i,
                RelionLabels.OriginXAngst) / 1.20, 1e-4);
        }
        Assert.Equal(group.Rows, changedRows);
        Assert.True(changedRows > 0);
        Assert.Equal(1.20, after.Optics!.GetDouble(1, RelionLabels.ImagePixelSize), 1e-6);
        Assert.Equal(1.24 * r, after.Optics.GetDouble(1, RelionLabels.MicrographPixelSize), 1e-6);
        for (int o = 0; o < 6; o++)
            if (o != 1) Assert.Equal(before.Optics!.Column(RelionLabels.ImagePixelSize).Raw(o),
                after.Optics.Column(RelionLabels.ImagePixelSize).Raw(o));
    }

    [Fact]
    public void GroupsOfDifferentPixelSizesNeedToBeNamed()
    {
        Requires.SharedData();
        using var dir = new TempDir();
        var e = Assert.Throws<CryoMergeInputException>(() => OpticsRelabel.RelabelFile(TestFiles.RealFile(SixGroups),
            dir.File("out.star"), new RelabelRequest(1.2)));
        Assert.Contains(
            "the optics groups to relabel have different pixel sizes (opticsGroup5 1.25 A, opticsGroup3 1.24 A",
            e.Message);
        e = Assert.Throws<CryoMergeInputException>(() => OpticsRelabel.RelabelFile(TestFiles.RealFile(SixGroups),
            dir.File("out.star"), new RelabelRequest(1.2, ["dataset9"])));
        Assert.Contains("has no optics group 'dataset9' (it has 1 opticsGroup5, 2 opticsGroup3", e.Message);
        e = Assert.Throws<CryoMergeInputException>(() => OpticsRelabel.RelabelFile(TestFiles.RealFile(SixGroups),
            dir.File("out.star"), new RelabelRequest(1.24, ["2"])));
        Assert.Contains("the current and relative pixel sizes are equal (1.24 A)", e.Message);
        Assert.False(File.Exists(dir.File("out.star")));
    }

    [Fact]
    public void ARelion30FileIsConvertedThenRelabelled()
    {
        Requires.SharedData();
        using var dir = new TempDir();
        string input = MergingTestFiles.CopyReal(dir, "aspire/sample_relion_data.star");
        MergingTestFiles.CopyReal(dir, "aspire/sample.mrcs");
        var report = OpticsRelabel.RelabelFile(input, dir.File("out.star"), new RelabelRequest(1.30));
        var after = StarDataSet.Read(dir.File("out.star"));
        Assert.Equal(StarGeneration.Relion31, after.Generation);
        Assert.Equal(1.30, after.Optics!.GetDouble(0, RelionLabels.ImagePixelSize), 1e-6);
        Assert.Equal(200, after.Optics.GetInt(0, RelionLabels.ImageSize));
        Assert.Contains(report.Warnings, w => w.Contains("converted to 3.1"));
        // 3.0 origins in pixels became A at 1.338 A, then scale with the pixel size: the same number of pixels.
        var original = StarFile.Read(TestFiles.RealFile("aspire/sample_relion_data.star")).Blocks[0].Table!;
        Assert.Equal(original.GetDouble(0, RelionLabels.OriginX), after.Data.GetDouble(0,
            RelionLabels.OriginXAngst) / 1.30, 1e-5);
    }

    [Fact]
    public void RelionReadsTheRelabelledFile()
    {
        Requires.SharedData();
        Requires.Relion("relion_star_handler");
        using var dir = new TempDir();
        OpticsRelabel.RelabelFile(TestFiles.RealFile(SixGroups), dir.File("out.star"), new RelabelRequest(1.2,
            ["opticsGroup3", "opticsGroup4"]));
        var result = Tool.Run("relion_star_handler", ["--i", dir.File("out.star"), "--o", dir.File("check.star")]);
        Assert.Equal(0, result.ExitCode);
        var check = StarDataSet.Read(dir.File("check.star"));
        Assert.Equal([1.25, 1.2, 1.25, 1.25, 1.2, 1.25], Enumerable.Range(0, 6).Select(o => check.Optics!.GetDouble(o,
            RelionLabels.ImagePixelSize)));
    }
}
