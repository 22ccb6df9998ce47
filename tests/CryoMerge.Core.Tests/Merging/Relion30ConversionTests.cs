using CryoMerge.Core.Formats;
using CryoMerge.Core.Merging;
using CryoMerge.Tests;

namespace CryoMerge.Core.Tests.Merging;

public sealed class Relion30ConversionTests
{
    [Fact]
    public void ConversionGivesWhatRelionsOwnConverterGives()
    {
        // relion_star_handler converts a 3.0 file on reading (StarConverter); compare its optics table and offsets with
        // ours.
        Requires.SharedData();
        Requires.Relion("relion_star_handler");
        using var dir = new TempDir();
        string input = MergingTestFiles.CopyReal(dir, "aspire/sample_relion_data.star");
        MergingTestFiles.CopyReal(dir, "aspire/sample.mrcs");
        var result = Tool.Run("relion_star_handler", ["--i", "sample_relion_data.star", "--o", "relion.star"],
            workingDirectory: dir.Path);
        Assert.Equal(0, result.ExitCode);
        var relion = StarDataSet.Read(dir.File("relion.star"));

        var warnings = new List<string>();
        var ours = Relion30Conversion.ToRelion31(StarDataSet.Read(input), warnings);
        Assert.Empty(warnings);
        Assert.Equal(relion.Optics!.RowCount, ours.Optics!.RowCount);
        foreach (var label in new[] { RelionLabels.OpticsGroup, RelionLabels.AmplitudeContrast,
            RelionLabels.SphericalAberration,
                     RelionLabels.Voltage, RelionLabels.ImagePixelSize, RelionLabels.ImageSize,
                     RelionLabels.ImageDimensionality })
            Assert.Equal(relion.Optics.GetDouble(0, label), ours.Optics.GetDouble(0, label), 1e-6);
        Assert.Equal(relion.OpticsName(0), ours.OpticsName(0));
        // relion_star_handler also copies the pixel size into rlnMicrographPixelSize (a side effect of reading the
        // file as "discover"): the one column we do not add.
        Assert.Equal(relion.Data.ColumnNames.Order(), ours.Data.ColumnNames.Order());
        for (int r = 0; r < ours.Data.RowCount; r++)
        {
            Assert.Equal(relion.Data.GetDouble(r, RelionLabels.OriginXAngst), ours.Data.GetDouble(r,
                RelionLabels.OriginXAngst), 1e-5);
            Assert.Equal(relion.Data.GetInt(r, RelionLabels.OpticsGroup), ours.Data.GetInt(r,
                RelionLabels.OpticsGroup));
        }
    }

    [Fact]
    public void OpticsGroupsAreTheDistinctMicroscopeAndPixelSettingsInOrderOfAppearance()
    {
        using var dir = new TempDir();
        string a = MergingTestFiles.Relion30Particles("a.mrcs", 3, 1.30);
        string b = MergingTestFiles.Relion30Particles("b.mrcs", 2, 1.40, firstIndex: 1);
        // One table, rows of two pixel sizes interleaved with a third (different Cs).
        var lines = a.TrimEnd('\n').Split('\n').ToList();
        var rowsB = b.Split('\n').Where(l => l.Contains("@b.mrcs")).ToList();
        lines.Insert(lines.FindIndex(l => l.Contains("000002@a")), rowsB[0]);
        lines.Add(rowsB[1].Replace(" 2.7 ", " 2.0 "));
        File.WriteAllText(dir.File("mixed.star"), string.Join('\n', lines) + "\n");
        var set = Relion30Conversion.ToRelion31(StarDataSet.Read(dir.File("mixed.star")), [],
            _ => new ImageHeaderInfo(64, 2));
        Assert.Equal(["opticsGroup1", "opticsGroup2", "opticsGroup3"], Enumerable.Range(0, 3).Select(set.OpticsName));
        Assert.Equal([1.30, 1.40, 1.40], Enumerable.Range(0, 3).Select(o => Math.Round(set.Optics!.GetDouble(o,
            RelionLabels.ImagePixelSize), 6)));
        Assert.Equal([1, 2, 1, 1, 3], Enumerable.Range(0, 5).Select(r => set.Data.GetInt(r, RelionLabels.OpticsGroup)));
        Assert.False(set.Data.Has(RelionLabels.Magnification) || set.Data.Has(RelionLabels.OriginX)
            || set.Data.Has(RelionLabels.Voltage));
        Assert.Equal(0.5 * 1.40, set.Data.GetDouble(1, RelionLabels.OriginXAngst), 1e-6);
        Assert.Equal(StarGeneration.Relion31, set.Generation);
    }

    [Fact]
    public void MissingImagesLeaveOutTheImageSizeWithAWarning()
    {
        using var dir = new TempDir();
        File.WriteAllText(dir.File("p.star"), MergingTestFiles.Relion30Particles("missing.mrcs", 2, 1.3));
        var warnings = new List<string>();
        var set = Relion30Conversion.ToRelion31(StarDataSet.Read(dir.File("p.star")), warnings);
        Assert.False(set.Optics!.Has(RelionLabels.ImageSize));
        Assert.Contains("without _rlnImageSize because 000001@missing.mrcs could not be opened",
            Assert.Single(warnings));
    }

    [Fact]
    public void AFileWithoutAPixelSizeCannotBeConverted()
    {
        using var dir = new TempDir();
        File.WriteAllText(dir.File("p.star"), MergingTestFiles.Relion30Particles("a.mrcs", 2,
            1.3).Replace("_rlnMagnification", "_rlnMag"));
        var e = Assert.Throws<CryoMergeInputException>(() =>
            Relion30Conversion.ToRelion31(StarDataSet.Read(dir.File("p.star")), []));
        Assert.Contains("RELION 3.0 file without a pixel size", e.Message);
    }
}
