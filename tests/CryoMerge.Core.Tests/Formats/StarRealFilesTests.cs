using CryoMerge.Core.Formats;
using CryoMerge.Tests;

namespace CryoMerge.Core.Tests.Formats;

/// <summary>Every STAR file under ../shared/data/real: round trips keeping text, and RELION reads our copy as it reads
/// the original.</summary>
public sealed class StarRealFilesTests
{
    public static TheoryData<string> RealStarFiles() => new(TestFiles.RealStarFiles());

    [Theory]
    [MemberData(nameof(RealStarFiles))]
    public void RoundTripKeepsEveryBlockPairAndCellText(string file)
    {
        Requires.SharedData();
        var original = StarFile.Read(TestFiles.RealFile(file));
        var copy = StarFile.Parse(original.ToText());
        Assert.Equal(original.Blocks.Select(b => b.Name), copy.Blocks.Select(b => b.Name));
        for (int b = 0; b < original.Blocks.Count; b++)
        {
            var (x, y) = (original.Blocks[b], copy.Blocks[b]);
            Assert.Equal(x.LeadingComments, y.LeadingComments);
            Assert.Equal(x.Pairs.Items, y.Pairs.Items);
            Assert.Equal(x.Table is null, y.Table is null);
            if (x.Table is null) continue;
            Assert.Equal(x.Table.ColumnNames, y.Table!.ColumnNames);
            Assert.Equal(x.Table.RowCount, y.Table.RowCount);
            for (int c = 0; c < x.Table.Columns.Count; c++)
                for (int r = 0; r < x.Table.RowCount; r++)
                    Assert.True(x.Table.Columns[c].RawUtf8(r).SequenceEqual(y.Table.Columns[c].RawUtf8(r)),
                        $"{file}: {x.Name} row {r} column {x.Table.Columns[c].Name}");
        }
    }

    [Theory]
    [MemberData(nameof(RealStarFiles))]
    public void RelionStarHandlerReadsOurCopyAsItReadsTheOriginal(string file)
    {
        Requires.SharedData();
        Requires.Relion("relion_star_handler");
        using var dir = new TempDir();
        string copy = dir.File("ours.star");
        StarFile.Read(TestFiles.RealFile(file)).Write(copy);

        var fromOriginal = Tool.Run("relion_star_handler", ["--i", TestFiles.RealFile(file), "--o",
            dir.File("check_original.star")]);
        var fromOurs = Tool.Run("relion_star_handler", ["--i", copy, "--o", dir.File("check_ours.star")]);
        bool acceptedOriginal = fromOriginal.ExitCode == 0 && File.Exists(dir.File("check_original.star"));
        bool acceptedOurs = fromOurs.ExitCode == 0 && File.Exists(dir.File("check_ours.star"));
        if (!acceptedOriginal) return;   // RELION refuses the original too (a pipeline or job file, say).
        Assert.True(acceptedOurs, $"relion_star_handler refused our copy of {file}:\n{fromOurs.Stderr}");
        Assert.Equal(Normalised(dir.File("check_original.star")), Normalised(dir.File("check_ours.star")));
    }

    [Fact]
    public void RelionStarHandlerAcceptsMostRealFiles()
    {
        // Guards the test above against passing vacuously: RELION must accept the particle and micrograph files.
        Requires.SharedData();
        Requires.Relion("relion_star_handler");
        using var dir = new TempDir();
        foreach (var file in new[] { "cryodrgn/relion31.star", "em-testdata/particles_1k.star",
            "sppractice/Extract/job009/particles.star", "cryodrgn/empiar_10076_7.star" })
        {
            var result = Tool.Run("relion_star_handler", ["--i", TestFiles.RealFile(file), "--o", dir.File("o.star")]);
            Assert.True(result.ExitCode == 0 && File.Exists(dir.File("o.star")), $"{file}: {result.Stderr}");
            File.Delete(dir.File("o.star"));
        }
    }

    // RELION's output has no timestamp, but drop comment lines to be safe.
    private static string[] Normalised(string path) => File.ReadAllLines(path).Where(l => !l.StartsWith('#')).ToArray();
}
