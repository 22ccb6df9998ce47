using CryoMerge.Core.Formats;
using CryoMerge.Core.Merging;
using CryoMerge.Tests;

namespace CryoMerge.Core.Tests.Merging;

public sealed class StarJoinTests
{
    [Fact]
    public void DataSetsWhoseGroupsShareANameKeepTheirOwnGroupAndPixelSize()
    {
        Requires.SharedData();
        using var dir = new TempDir();
        // Both files call their group opticsGroup1: 2.806 A (box 256) and 1.36793 A (box 256).
        var report = StarJoin.JoinFiles([TestFiles.RealFile("cryodrgn/relion31.star"),
            TestFiles.RealFile("em-testdata/particles_1k.star")], dir.File("merged.star"));
        var merged = StarDataSet.Read(dir.File("merged.star"));
        Assert.Equal(["opticsGroup1", "opticsGroup1_set2"], Enumerable.Range(0, 2).Select(merged.OpticsName));
        Assert.Equal([1, 2], Enumerable.Range(0, 2).Select(o => merged.Optics!.GetInt(o, RelionLabels.OpticsGroup)));
        Assert.Equal([2.806, 1.36793], Enumerable.Range(0, 2).Select(o => merged.Optics!.GetDouble(o,
            RelionLabels.ImagePixelSize)));
        var groups = merged.OpticsRowOfEachRow();
        Assert.Equal(5, groups.Count(g => g == 0));
        Assert.Equal(1000, groups.Count(g => g == 1));
        Assert.True(report.OpticsGroups[1].Renamed);
        Assert.Equal(1005, report.Rows);
    }

    [Fact]
    public void JoiningDataSetsInMemoryStreamsTheBytesOfTheJoinedTableAndTheirChanges()
    {
        // The merge's join stage relocates names in memory, then streams the join (JoinTo) instead of building the
        // joined table beside its inputs (Join): the file must not change, and the in-memory changes must be in it.
        Requires.SharedData();
        using var dir = new TempDir();
        List<StarDataSet> Read()
        {
            var sets = new[] { "cryodrgn/relion31.star", "em-testdata/particles_1k.star" }
                .Select(f => StarDataSet.Read(TestFiles.RealFile(f))).ToList();
            var names = sets[0].Data.Column(RelionLabels.ImageName);
            names.SetAll(r => "moved/" + names.Raw(r));
            return sets;
        }
        var (file, built) = StarJoin.Join(Read());
        file.Write(dir.File("built.star"));
        var streamed = StarJoin.JoinTo(Read(), dir.File("streamed.star"));

        Assert.Equal(File.ReadAllBytes(dir.File("built.star")), File.ReadAllBytes(dir.File("streamed.star")));
        Assert.Equal(built.Rows, streamed.Rows);
        Assert.Equal(1005, streamed.Rows);
        var merged = StarDataSet.Read(dir.File("streamed.star"));
        Assert.StartsWith("moved/", merged.Data.Column(RelionLabels.ImageName).Raw(0));
        Assert.DoesNotContain("moved/", merged.Data.Column(RelionLabels.ImageName).Raw(5));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void StreamedAndBuiltJoinsAgreeOnRelion30InputsWithDifferentColumns(bool keepRelion30)
    {
        // Inputs that each miss a column of the other (one filled with RELION's neutral value, one left out), RELION
        // 3.0 inputs converted or kept: the streamed join (JoinTo, the merge's) writes the in-memory one's bytes.
        using var dir = new TempDir();
        MergingTestFiles.WriteStack(dir.File("a.mrcs"), 3, 32, 4.0);
        MergingTestFiles.WriteStack(dir.File("b.mrcs"), 2, 48, 3.0);
        File.WriteAllText(dir.File("a.star"), MergingTestFiles.Relion30Particles("a.mrcs", 3, 4.0));
        File.WriteAllText(dir.File("b.star"), MergingTestFiles.Relion30Particles("b.mrcs", 2, 3.0, "Movies/mic2.mrc"));
        List<StarDataSet> Read()
        {
            var sets = new[] { "a.star", "b.star" }.Select(f => StarDataSet.Read(dir.File(f))).ToList();
            sets[0].Data.AddColumn(RelionLabels.CtfBfactor, r => $"{10 * r + 5}.000000");
            sets[1].Data.AddColumn("rlnAutopickFigureOfMerit", r => $"0.{r + 1}");
            return sets;
        }
        var options = new JoinOptions(KeepRelion30: keepRelion30);
        var (file, built) = StarJoin.Join(Read(), options);
        file.Write(dir.File("built.star"));
        var streamed = StarJoin.JoinTo(Read(), dir.File("streamed.star"), options);

        Assert.Equal(File.ReadAllText(dir.File("built.star")), File.ReadAllText(dir.File("streamed.star")));
        Assert.Equal(built.Rows, streamed.Rows);
        Assert.Equal(built.FilledColumns, streamed.FilledColumns);
        Assert.Equal(built.DroppedColumns, streamed.DroppedColumns);
        Assert.Equal(keepRelion30, streamed.Relion30Output);
        Assert.Contains(streamed.FilledColumns, f => f.StartsWith($"_{RelionLabels.CtfBfactor} = "));
        Assert.Contains(streamed.DroppedColumns, d => d.StartsWith("_rlnAutopickFigureOfMerit "));
        var merged = StarDataSet.Read(dir.File("streamed.star"));
        Assert.Equal(["5.000000", "15.000000", "25.000000"],
            Enumerable.Range(0, 3).Select(r => merged.Data.GetString(r, RelionLabels.CtfBfactor)));
    }

    [Fact]
    public void RelionStarHandlerWouldHaveLostTheSecondPixelSize()
    {
        // The reason join exists (science.md 2.5): relion_star_handler --combine joins groups of the same name.
        Requires.SharedData();
        Requires.Relion("relion_star_handler");
        using var dir = new TempDir();
        string second = dir.File("second.star");
        var other = StarFile.Read(TestFiles.RealFile("cryodrgn/relion31.star"));
        other.Block("optics").Table!.Column(RelionLabels.ImagePixelSize).SetRaw(0, "1.400000");
        var names = other.Block("particles").Table!.Column(RelionLabels.ImageName);
        names.SetAll(r => names.Raw(r).Replace("relion31.mrcs", "second.mrcs"));
        other.Write(second);
        string[] inputs = [TestFiles.RealFile("cryodrgn/relion31.star"), second];

        var relion = Tool.Run("relion_star_handler", ["--combine", "--i", string.Join(' ', inputs), "--o",
            dir.File("relion.star")]);
        Assert.True(relion.ExitCode == 0, relion.Stderr);
        var lost = StarDataSet.Read(dir.File("relion.star"));
        Assert.Equal(1, lost.Optics!.RowCount);
        Assert.Equal(2.806, lost.Optics.GetDouble(0, RelionLabels.ImagePixelSize));

        StarJoin.JoinFiles(inputs, dir.File("ours.star"));
        var check = Tool.Run("relion_star_handler", ["--i", dir.File("ours.star"), "--o", dir.File("check.star")]);
        Assert.Equal(0, check.ExitCode);
        var ours = StarDataSet.Read(dir.File("check.star"));
        Assert.Equal(10, ours.Data.RowCount);
        Assert.Equal([2.806, 1.4], Enumerable.Range(0, 2).Select(o => ours.Optics!.GetDouble(o,
            RelionLabels.ImagePixelSize)));
        Assert.Equal([1, 1, 1, 1, 1, 2, 2, 2, 2, 2], Enumerable.Range(0, 10).Select(r => ours.Data.GetInt(r,
            RelionLabels.OpticsGroup)));
    }

    [Fact]
    public void ParticlesOfTwoDataSetsOnMicrographsOfTheSameNameAreJoinedWithAWarning()
    {
        Requires.SharedData();
        using var dir = new TempDir();
        string second = dir.File("second.star"), third = dir.File("third.star");
        var other = StarFile.Read(TestFiles.RealFile("cryodrgn/relion31.star"));
        var names = other.Block("particles").Table!.Column(RelionLabels.ImageName);
        names.SetAll(r => names.Raw(r).Replace("relion31.mrcs", "second.mrcs"));
        other.Write(second);
        var report = StarJoin.JoinFiles([TestFiles.RealFile("cryodrgn/relion31.star"), second],
            dir.File("merged.star"));
        var warning = Assert.Single(report.Warnings, w => w.Contains("_rlnMicrographName"));
        Assert.StartsWith(second, warning);

        var micrographs = other.Block("particles").Table!.Column(RelionLabels.MicrographName);
        micrographs.SetAll(r => "DS2/" + micrographs.Raw(r));
        names.SetAll(r => names.Raw(r).Replace("second.mrcs", "third.mrcs"));
        other.Write(third);
        report = StarJoin.JoinFiles([TestFiles.RealFile("cryodrgn/relion31.star"), third], dir.File("distinct.star"));
        Assert.DoesNotContain(report.Warnings, w => w.Contains("_rlnMicrographName"));
    }

    [Fact]
    public void ColumnsOfOnlySomeFilesGetRelionsNeutralValues()
    {
        Requires.SharedData();
        using var dir = new TempDir();
        // isecc has beam tilt, Zernike coefficients and a magnification matrix; relion31.star has none of them.
        var report = StarJoin.JoinFiles([TestFiles.RealFile("cryodrgn/relion31.star"),
            TestFiles.RealFile("isecc/test.star")], dir.File("merged.star"));
        var optics = StarDataSet.Read(dir.File("merged.star")).Optics!;
        Assert.Equal(["0.000000", "0.000000"], [optics.Column(RelionLabels.BeamTiltX).Raw(0),
            optics.Column(RelionLabels.BeamTiltY).Raw(0)]);
        Assert.Equal("[0,0,0,0,0,0]", optics.Column(RelionLabels.OddZernike).Raw(0));
        Assert.Equal("[0,0,0,0,0,0,0,0,0]", optics.Column(RelionLabels.EvenZernike).Raw(0));
        Assert.Equal([1.0, 0, 0, 1], new[] { RelionLabels.MagMat00, RelionLabels.MagMat01, RelionLabels.MagMat10,
            RelionLabels.MagMat11 }.Select(l => optics.GetDouble(0, l)));
        Assert.Equal("1.007178", optics.Column(RelionLabels.MagMat00).Raw(1));
        Assert.Contains(report.FilledColumns,
            f => f.StartsWith("_rlnBeamTiltX = 0.000000 (data_optics; in relion31.star)"));
        // Priors exist only in isecc and have no neutral value: left out, as RELION does.
        Assert.Contains(report.DroppedColumns,
            d => d.StartsWith("_rlnAngleRotPrior (data_particles; missing from relion31.star)"));
    }

    [Fact]
    public void Relion30FilesAreConvertedAndLaterGroupNamesPrefixed()
    {
        using var dir = new TempDir();
        MergingTestFiles.WriteStack(dir.File("a.mrcs"), 3, 32, 4.0);
        MergingTestFiles.WriteStack(dir.File("b.mrcs"), 2, 48, 3.0);
        File.WriteAllText(dir.File("a.star"), MergingTestFiles.Relion30Particles("a.mrcs", 3, 4.0));
        File.WriteAllText(dir.File("b.star"), MergingTestFiles.Relion30Particles("b.mrcs", 2, 3.0));
        var report = StarJoin.JoinFiles([dir.File("a.star"), dir.File("b.star")], dir.File("merged.star"));
        var merged = StarDataSet.Read(dir.File("merged.star"));
        Assert.Equal(StarGeneration.Relion31, merged.Generation);
        Assert.All(report.Inputs, i => Assert.True(i.ConvertedFrom30));
        Assert.Equal([(4.0, 32), (3.0, 48)], Enumerable.Range(0, 2).Select(o => (Math.Round(merged.Optics!.GetDouble(o,
            RelionLabels.ImagePixelSize), 6), merged.Optics.GetInt(o, RelionLabels.ImageSize))));
        Assert.Equal(["group_1", "group_2", "group_1", "optics2_group_1", "optics2_group_2"], Enumerable.Range(0,
            5).Select(r => merged.Data.GetString(r, RelionLabels.GroupName)));
        Assert.False(merged.Data.Has(RelionLabels.GroupNumber));
        Assert.Equal(0.5 * 3.0, merged.Data.GetDouble(3, RelionLabels.OriginXAngst), 1e-6);
    }

    [Fact]
    public void Relion30FilesCanStayRelion30()
    {
        using var dir = new TempDir();
        File.WriteAllText(dir.File("a.star"), MergingTestFiles.Relion30Particles("a.mrcs", 3, 4.0));
        File.WriteAllText(dir.File("b.star"), MergingTestFiles.Relion30Particles("b.mrcs", 2, 3.0));
        var report = StarJoin.JoinFiles([dir.File("a.star"), dir.File("b.star")], dir.File("merged.star"),
            new JoinOptions(KeepRelion30: true));
        var merged = StarDataSet.Read(dir.File("merged.star"));
        Assert.True(report.Relion30Output);
        Assert.Equal(StarGeneration.Relion30, merged.Generation);
        Assert.Equal(5, merged.Data.RowCount);
        Assert.Equal("set2_group_1", merged.Data.GetString(3, RelionLabels.GroupName));
        Assert.Equal(3.0, PixelSizes.FromRelion30Row(merged.Data, 4)!.Value, 9);
        var e = Assert.Throws<CryoMergeInputException>(() => StarJoin.JoinFiles(
            [dir.File("a.star"), TestFiles.RealFile("cryodrgn/relion31.star")], dir.File("x.star"),
            new JoinOptions(KeepRelion30: true)));
        Assert.Contains("--keep-3.0 joins RELION 3.0 files only", e.Message);
    }

    [Fact]
    public void AnImageNamedTwiceIsRefusedAndNothingIsWritten()
    {
        Requires.SharedData();
        using var dir = new TempDir();
        string input = TestFiles.RealFile("cryodrgn/relion31.star");
        var e = Assert.Throws<CryoMergeInputException>(() => StarJoin.JoinFiles([input, input],
            dir.File("merged.star")));
        Assert.Equal(
            $"{input}: _rlnImageName 000001@relion31.mrcs in row 1 appears already in {input} (row 1); joining it " +
            $"twice would count it twice", e.Message);
        Assert.Empty(Directory.GetFiles(dir.Path));
    }

    [Fact]
    public void ARealFileThatNamesAnImageTwiceIsRefused()
    {
        // cryoDRGN's RELION 5 test file lists toy images twice: joining it would weigh those particles double.
        Requires.SharedData();
        using var dir = new TempDir();
        string input = TestFiles.RealFile("cryodrgn/relion5.star");
        var e = Assert.Throws<CryoMergeInputException>(() => StarJoin.JoinFiles([TestFiles.RealFile("isecc/test.star"),
            input], dir.File("m.star")));
        Assert.Equal(
            $"{input}: _rlnImageName 1@toy_images_a.mrcs in row 12 appears already in row 1; joining it twice would " +
            $"count it twice", e.Message);
        Assert.Empty(Directory.GetFiles(dir.Path));
    }

    [Fact]
    public void FilesOfDifferentKindsCannotBeJoined()
    {
        Requires.SharedData();
        using var dir = new TempDir();
        var e = Assert.Throws<CryoMergeInputException>(() => StarJoin.JoinFiles(
            [TestFiles.RealFile("cryodrgn/relion31.star"), TestFiles.RealFile("em-testdata/micrographs_ctf.star")],
            dir.File("m.star")));
        Assert.Contains("holds micrographs but", e.Message);
    }

    [Fact]
    public void MicrographFilesJoinWithDistinctOpticsGroupsAndRefuseAMicrographTwice()
    {
        Requires.SharedData();
        using var dir = new TempDir();
        string first = TestFiles.RealFile("em-testdata/micrographs_ctf.star");
        // The same tutorial movies processed twice: the micrograph names collide.
        var e = Assert.Throws<CryoMergeInputException>(() => StarJoin.JoinFiles([first,
            TestFiles.RealFile("sppractice/CtfFind/job005/micrographs_ctf.star")], dir.File("m.star")));
        Assert.Contains(
            "_rlnMicrographName MotionCorr/job002/Movies/20170629_00021_frameImage.mrc in row 1 appears already in",
            e.Message);
        File.WriteAllText(dir.File("other.star"), File.ReadAllText(first).Replace("MotionCorr/job002/",
            "MotionCorr/job102/").Replace("0.885000", "1.100000"));
        var report = StarJoin.JoinFiles([first, dir.File("other.star")], dir.File("m.star"));
        Assert.Equal(StarDataKind.Micrographs, report.Kind);
        Assert.Equal(48, report.Rows);
        Assert.Equal([0.885, 1.1], report.OpticsGroups.Select(g => g.PixelSize!.Value));
        Assert.Equal(["opticsGroup1", "opticsGroup1_set2"], report.OpticsGroups.Select(g => g.Name));
    }

    [Fact]
    public void RelionReconstructsFromTheJoinedFile()
    {
        // A generated RELION 3.0 data set (32 px, 4 A) joined with the real RELION 3.1 particles of cryoDRGN (256 px,
        // 2.806 A); relion_reconstruct reads the merged file and the images of both, and takes group 1's pixel size.
        Requires.SharedData();
        Requires.Relion("relion_reconstruct");
        using var dir = new TempDir();
        MergingTestFiles.WriteStack(dir.File("small.mrcs"), 6, 32, 4.0);
        File.WriteAllText(dir.File("small.star"), MergingTestFiles.Relion30Particles("small.mrcs", 6, 4.0));
        MergingTestFiles.CopyReal(dir, "cryodrgn/relion31.star");
        MergingTestFiles.CopyReal(dir, "cryodrgn/relion31.mrcs");
        StarJoin.JoinFiles([dir.File("small.star"), dir.File("relion31.star")], dir.File("merged.star"));
        var result = Tool.Run("relion_reconstruct", ["--i", "merged.star", "--o", "map.mrc"],
            workingDirectory: dir.Path);
        Assert.True(result.ExitCode == 0, result.Stderr + result.Stdout);
        Assert.Contains("first optics group: 4", result.Stdout);
        using var map = MrcFile.Open(dir.File("map.mrc"));
        Assert.Equal(new Shape3(32, 32, 32), map.Shape);
        Assert.Equal(4.0, map.PixelSize.X, 4);
    }
}
