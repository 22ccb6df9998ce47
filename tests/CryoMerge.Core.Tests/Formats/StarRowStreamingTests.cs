using System.Text;
using CryoMerge.Core.Formats;
using CryoMerge.Tests;

namespace CryoMerge.Core.Tests.Formats;

/// <summary>
/// The parser's streaming mode hands over each row of a chosen loop with its line's byte offset, and
/// <see cref="StarRowReader"/> reads that row again from the offset with the same cells: the two halves of reading
/// a particle table without holding it.
/// </summary>
public sealed class StarRowStreamingTests
{
    private const string Text = "\uFEFF# comment\ndata_optics\n\nloop_\n_rlnOpticsGroup #1\n1\n\n" +
        "data_particles\n\nloop_\n_rlnMicrographName #1\n_rlnCoordinateX #2\n_rlnComment #3\n" +
        "  mic1.mrc   10.5 'a b c'  \n" +
        "\"mic 2.mrc\" 20 x # trailing comment\r\n" +
        "mic3.mrc 30 {LONG}\n";

    [Fact]
    public void StreamedRowsAreNotKeptAndReadAgainByOffsetGiveTheSameCells()
    {
        using var dir = new TempDir();
        string path = dir.File("p.star");
        string longCell = new('z', 3 << 20);   // longer than the reader's 1 MiB buffer
        File.WriteAllText(path, Text.Replace("{LONG}", longCell), new UTF8Encoding(false));

        var seen = new List<(long Offset, string[] Cells)>();
        StarFile file;
        using (var stream = File.OpenRead(path))
            file = StarParser.Parse(stream, path, b => b.Name == "particles", (block, offset, line, cells) =>
            {
                Assert.Equal("particles", block.Name);
                var text = new string[cells.Length];
                for (int i = 0; i < cells.Length; i++) text[i] = Encoding.UTF8.GetString(line[cells[i]]);
                seen.Add((offset, text));
            });
        Assert.Equal(0, file.Block("particles").RequireTable().RowCount);
        Assert.Equal(1, file.Block("optics").RequireTable().RowCount);
        Assert.Equal(["mic1.mrc", "10.5", "'a b c'"], seen[0].Cells);
        Assert.Equal(["\"mic 2.mrc\"", "20", "x"], seen[1].Cells);
        Assert.Equal(longCell, seen[2].Cells[2]);

        byte[] bytes = File.ReadAllBytes(path);
        Assert.Equal("  mic1.mrc", Encoding.UTF8.GetString(bytes, (int)seen[0].Offset, 10));
        using var reader = new StarRowReader(path, 3);
        // Out of order too: the reader refills its buffer where it must.
        foreach (var (offset, cells) in seen.AsEnumerable().Reverse().Concat(seen))
        {
            var again = reader.Row(offset, out var line);
            var text = new string[again.Length];
            for (int i = 0; i < again.Length; i++) text[i] = Encoding.UTF8.GetString(line[again[i]]);
            Assert.Equal(cells, text);
        }
    }

    [Fact]
    public void AStreamedRowWithTooFewValuesIsAnErrorNamingItsLine()
    {
        string text = "data_particles\nloop_\n_rlnA #1\n_rlnB #2\n1 2\n3\n";
        using var stream = new MemoryStream(Encoding.UTF8.GetBytes(text));
        var e = Assert.Throws<CryoMergeInputException>(() =>
            StarParser.Parse(stream, "p.star", _ => true, (_, _, _, _) => { }));
        Assert.Equal("p.star", e.File);
        Assert.Contains("line 6: row has 1 values but the loop declares 2 columns", e.Problem);
    }
}
