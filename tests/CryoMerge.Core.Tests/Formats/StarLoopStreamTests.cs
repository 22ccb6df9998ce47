using CryoMerge.Core.Formats;
using CryoMerge.Tests;

namespace CryoMerge.Core.Tests.Formats;

/// <summary>A loop streamed row by row is laid out byte for byte as the same rows held in a <see
/// cref="StarTable"/>.</summary>
public sealed class StarLoopStreamTests
{
    private static readonly string[] Columns = ["rlnCoordinateX", "rlnMicrographName", "rlnRandomSubset",
        "rlnDefocusU"];

    private static (double X, string Name, long Half, double Defocus)[] Rows() =>
    [
        (12.5, "Micrographs/a.mrc", 1, 15000.25),
        (-3.0000001, "Micrographs/" + new string('b', 50) + ".mrc", 2, 2.5e-5),
        (123456.75, "c.mrc", 1, -0.5),
    ];

    [Fact]
    public void StreamedRowsGiveTheBytesOfATableWrittenWhole()
    {
        using var dir = new TempDir();
        var head = new StarFile();
        var optics = new StarTable();
        optics.AddColumn("rlnOpticsGroupName", "");
        optics.AddRow("opticsGroup1");
        head.AddTableBlock("optics", optics, 30001);

        var table = new StarTable();
        foreach (var c in Columns) table.AddColumn(c, "");
        foreach (var r in Rows())
            table.AddRow(StarValues.FormatDouble(r.X), r.Name,
                r.Half.ToString(System.Globalization.CultureInfo.InvariantCulture), StarValues.FormatDouble(r.Defocus));
        var whole = new StarFile();
        whole.AddTableBlock("optics", optics, 30001);
        whole.AddTableBlock("particles", table, 30001);
        whole.Write(dir.File("whole.star"));

        int passes = 0;
        long written = StarLoopStream.Write(dir.File("streamed.star"), head, "particles", 30001, Columns, sink =>
        {
            passes++;
            foreach (var r in Rows())
            {
                sink.Number(r.X);
                sink.Text(r.Name);
                sink.Integer(r.Half);
                sink.Number(r.Defocus);
                sink.EndRow();
            }
        });

        Assert.Equal(3, written);
        Assert.Equal(2, passes);
        Assert.Equal(File.ReadAllText(dir.File("whole.star")), File.ReadAllText(dir.File("streamed.star")));
        Assert.Equal(3, StarFile.Read(dir.File("streamed.star")).Block("particles").Table!.RowCount);
    }

    [Fact]
    public void ARowWithTooFewCellsIsRefusedAndNothingIsWritten()
    {
        using var dir = new TempDir();
        var e = Assert.Throws<InvalidOperationException>(() => StarLoopStream.Write(dir.File("bad.star"),
            new StarFile(), "particles", null, Columns, sink =>
        {
            sink.Number(1);
            sink.EndRow();
        }));
        Assert.Contains("1 cells for 4 columns", e.Message);
        Assert.Empty(Directory.GetFiles(dir.Path));
    }
}
