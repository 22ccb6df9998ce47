using CryoMerge.Core.Formats;
using CryoMerge.Core.Merging;
using CryoMerge.Tests;

namespace CryoMerge.Core.Tests.Merging;

/// <summary>
/// scale-ctf, relabel, rescale-particles and join on the real particle, micrograph and coordinate files of
/// cryodrgn, em-testdata, sppractice, isecc and aspire: RELION reads every result with the same rows, and every
/// value that does not depend on the pixel size keeps its text.
/// </summary>
public sealed class MergingRealFilesTests
{
    public static TheoryData<string> RealDataFiles() => new(
        "cryodrgn/relion31.star", "cryodrgn/relion31.6opticsgroups.star", "cryodrgn/relion5.star",
        "cryodrgn/empiar_10076_7.star",
        "cryodrgn/FinalRefinement-OriginalParticles-PfCRT.star", "cryodrgn/sta_testing_bin8.star",
        "em-testdata/particles_1k.star", "em-testdata/run_it025_data.star", "em-testdata/micrographs_ctf.star",
        "em-testdata/20170629_00049_frameImage_autopick.star",
        "sppractice/Extract/job009/particles.star", "sppractice/CtfFind/job005/micrographs_ctf.star",
        "sppractice/Class2D/job010/run_it025_data.star",
        "isecc/test.star", "aspire/sample_relion_data.star", "aspire/sample_particles_relion31.star");

    [Theory]
    [MemberData(nameof(RealDataFiles))]
    public void EveryMetadataOperationGivesAFileRelionReads(string file)
    {
        Requires.SharedData();
        Requires.Relion("relion_star_handler");
        using var dir = new TempDir();
        string input = TestFiles.RealFile(file);
        var original = StarDataSet.Read(input);
        double pixel = StarFileTransform.StatedPixelSizes(original).FirstOrDefault(1.0);
        int operations = 0;

        if (original.Data.Has(RelionLabels.DefocusU))
        {
            CtfScaling.ScaleCtfFile(input, dir.File("scaled.star"), new ScaleCtfRequest(pixel, pixel * 0.98));
            Check(original, dir, "scaled.star", sameGeneration: true);
            operations++;
        }
        if (original.Kind is StarDataKind.Particles or StarDataKind.Coordinates
            && original.Data.Has(RelionLabels.CoordinateX))
        {
            ParticleRescaling.RescaleFile(input, dir.File("rescaled.star"), new RescaleParticlesRequest(pixel,
                pixel * 0.98, pixel * 1.25));
            if (original.Kind != StarDataKind.Coordinates) Check(original, dir, "rescaled.star", sameGeneration: true);
            operations++;
        }
        if (original.Kind != StarDataKind.Coordinates && original.Generation == StarGeneration.Relion31)
        {
            string group = original.OpticsName(0);
            double groupPixel = PixelSizes.OfOpticsGroups(original.File)[0] is var g && original.Kind
                == StarDataKind.Particles
                ? g.ImagePixelSize!.Value : g.MicrographPixelSize ?? g.MicrographOriginalPixelSize!.Value;
            OpticsRelabel.RelabelFile(input, dir.File("relabelled.star"),
                new RelabelRequest(groupPixel * 0.98, [group]));
            Check(original, dir, "relabelled.star", sameGeneration: true);
            operations++;
        }
        Assert.True(operations > 0);
    }

    [Fact]
    public void AllRealParticleFilesJoinIntoOneFileRelionReads()
    {
        Requires.SharedData();
        Requires.Relion("relion_star_handler");
        using var dir = new TempDir();
        string[] files =
        [
            // cryodrgn/relion5.star is left out: it names 1@toy_images_a.mrcs twice, which join refuses
            // (StarJoinTests).
            "cryodrgn/relion31.star", "cryodrgn/relion31.6opticsgroups.star", "cryodrgn/empiar_10076_7.star",
            "em-testdata/particles_1k.star", "sppractice/Extract/job009/particles.star", "isecc/test.star",
            "aspire/sample_relion_data.star",   // aspire/sample_particles_relion31.star names the same 17 images
        ];
        var report = StarJoin.JoinFiles(files.Select(TestFiles.RealFile).ToList(), dir.File("all.star"));
        int expectedRows = files.Sum(f => StarDataSet.Read(TestFiles.RealFile(f)).Data.RowCount);
        Assert.Equal(expectedRows, report.Rows);
        Assert.Equal(report.OpticsGroups.Count, report.OpticsGroups.Select(g => g.Name).Distinct().Count());
        Assert.Equal(Enumerable.Range(1, report.OpticsGroups.Count), report.OpticsGroups.Select(g => g.Number));
        var result = Tool.Run("relion_star_handler", ["--i", dir.File("all.star"), "--o", dir.File("check.star")]);
        Assert.True(result.ExitCode == 0, result.Stderr);
        var check = StarDataSet.Read(dir.File("check.star"));
        Assert.Equal(expectedRows, check.Data.RowCount);
        Assert.Equal(report.OpticsGroups.Select(g => g.PixelSize),
            PixelSizes.OfOpticsGroups(check.File).Select(g => g.ImagePixelSize));
    }

    private static void Check(StarDataSet original, TempDir dir, string output, bool sameGeneration)
    {
        var result = StarDataSet.Read(dir.File(output));
        Assert.Equal(original.Data.RowCount, result.Data.RowCount);
        if (sameGeneration) Assert.Equal(original.Generation, result.Generation);
        foreach (var column in original.Data.Columns)
        {
            if (RelionLabels.DependenceOf(column.Name) != PixelDependence.None
                || !result.Data.Has(column.Name)) continue;
            Assert.True(MergingTestFiles.Raw(original.Data, column.Name).SequenceEqual(MergingTestFiles.Raw(result.Data,
                column.Name)),
                $"{original.Path} -> {output}: _{column.Name} changed");
        }
        var relion = Tool.Run("relion_star_handler", ["--i", dir.File(output), "--o", dir.File("relion_" + output)]);
        Assert.True(relion.ExitCode == 0, $"{original.Path} -> {output}: {relion.Stderr}");
        Assert.Equal(original.Data.RowCount, StarDataSet.Read(dir.File("relion_" + output)).Data.RowCount);
    }
}
