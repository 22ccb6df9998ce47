using CryoMerge.Core.Formats;
using CryoMerge.Tests;

namespace CryoMerge.Core.Tests.Formats;

/// <summary>STAR reading and writing on tiny hand-made files, one edge case each.</summary>
public sealed class StarFileTests
{
    private const string Relion31 = """
        # version 30001

        data_optics

        loop_
        _rlnOpticsGroupName #1
        _rlnOpticsGroup #2
        _rlnImagePixelSize #3
        opticsGroup1 1 1.400000

        # version 30001

        data_particles

        loop_
        _rlnCoordinateX #1
        _rlnImageName #2
        _rlnOpticsGroup #3
        _rlnDefocusU #4
          587.000000 000001@Extract/a.mrcs 1 19135.594
         1268.00     000002@Extract/a.mrcs 1 2.0e4

        """;

    [Fact]
    public void ReadsBlocksColumnsAndCellsOfARelion31File()
    {
        var star = StarFile.Parse(Relion31);
        Assert.Equal(["optics", "particles"], star.Blocks.Select(b => b.Name));
        var particles = star.Block("particles").RequireTable();
        Assert.Equal(2, particles.RowCount);
        Assert.Equal(["rlnCoordinateX", "rlnImageName", "rlnOpticsGroup", "rlnDefocusU"], particles.ColumnNames);
        Assert.Equal(1268.0, particles.GetDouble(1, "rlnCoordinateX"));
        Assert.Equal(20000.0, particles.GetDouble(1, "_rlnDefocusU"));
        Assert.Equal("000002@Extract/a.mrcs", particles.GetString(1, "rlnImageName"));
        Assert.Equal(30001, star.Block("particles").Version);
        Assert.True(particles.HasColumnNumbers);
    }

    [Fact]
    public void UntouchedValuesKeepTheirTextThroughARoundTrip()
    {
        var text = StarFile.Parse(Relion31).ToText();
        var again = StarFile.Parse(text).Block("particles").RequireTable();
        Assert.Equal("1268.00", again["rlnCoordinateX"].Raw(1));
        Assert.Equal("19135.594", again["rlnDefocusU"].Raw(0));
        Assert.Equal("2.0e4", again["rlnDefocusU"].Raw(1));
        Assert.StartsWith("# Written by CryoMerge.Distributed", text);
        Assert.Equal(text, StarFile.Parse(text).ToText());
    }

    [Fact]
    public void ColumnsWithoutNumbersStayWithoutNumbers()
    {
        var star = StarFile.Parse("data_\nloop_\n_rlnA\n_rlnB\n1 2\n3 4\n");
        Assert.False(star.Blocks[0].RequireTable().HasColumnNumbers);
        Assert.Contains("_rlnA\n_rlnB\n", star.ToText());
        Assert.Equal("", star.Blocks[0].Name);
    }

    [Fact]
    public void TabsAndMixedBlanksSeparateValues()
    {
        var table = StarFile.Parse("data_x\nloop_\n_a #1\n_b #2\n_c #3\n1\t2   3\n\t4 \t 5\t6\t\n").Blocks[0]
            .RequireTable();
        Assert.Equal(["1", "2", "3"], Enumerable.Range(0, 3).Select(c => table.Columns[c].Raw(0)));
        Assert.Equal(["4", "5", "6"], Enumerable.Range(0, 3).Select(c => table.Columns[c].Raw(1)));
    }

    [Theory]
    [InlineData("'a b c'", "a b c")]
    [InlineData("\"it's\"", "it's")]
    [InlineData("\"\"", "")]
    [InlineData("'don't'", "don't")]
    public void QuotedValuesKeepBlanksAndUnquoteOnRequest(string cell, string value)
    {
        var table = StarFile.Parse($"data_q\nloop_\n_rlnName #1\n_rlnN #2\n{cell} 7\n").Blocks[0].RequireTable();
        Assert.Equal(cell, table["rlnName"].Raw(0));
        Assert.Equal(value, table.GetString(0, "rlnName"));
        Assert.Equal(7, table.GetInt(0, "rlnN"));
    }

    [Fact]
    public void KeyValuePairsWithCommentsAndHeaderCommentsSurvive()
    {
        var star = StarFile.Parse("""
            # RELION postprocess; version 3.0.8
            data_general

            _rlnFinalResolution      16.363636
            _rlnMaskName   'my mask.mrc'   # the mask

            data_mtf
            loop_
            _rlnResolutionInversePixel #1 [inverse pixels]
            _rlnMtfValue #2
            0.0 1.0
            """);
        var general = star.Block("general");
        Assert.Equal(16.363636, general.Pairs.GetDouble("rlnFinalResolution"));
        Assert.Equal("my mask.mrc", general.Pairs.GetString("_rlnMaskName"));
        Assert.Equal("# the mask", general.Pairs.Items[1].Comment);
        Assert.Equal(["# RELION postprocess; version 3.0.8"], general.LeadingComments);
        Assert.Equal("[inverse pixels]", star.Block("mtf").RequireTable().Columns[0].HeaderComment);
        var again = StarFile.Parse(star.ToText());
        Assert.Equal("'my mask.mrc'", again.Block("general").Pairs.GetRaw("rlnMaskName"));
        Assert.Equal("[inverse pixels]", again.Block("mtf").RequireTable().Columns[0].HeaderComment);
    }

    [Fact]
    public void EmptyLoopAndWindowsLineEndingsAreRead()
    {
        var star = StarFile.Parse("data_a\r\nloop_\r\n_rlnX #1\r\n\r\ndata_b\r\nloop_\r\n_rlnY #1\r\n5\r\n");
        Assert.Equal(0, star.Block("a").RequireTable().RowCount);
        Assert.Equal(5, star.Block("b").RequireTable().GetInt(0, "rlnY"));
    }

    [Fact]
    public void ColumnsAndRowsCanBeAddedRemovedAndRenamed()
    {
        var star = StarFile.Parse(Relion31);
        var t = star.Block("particles").RequireTable();
        t.AddColumn("rlnOriginXAngst", "0.000000");
        t.AddColumn("rlnMicrographName", r => $"mic{r}.mrc", position: 0);
        t.RemoveColumn("rlnDefocusU");
        t.RenameColumn("rlnCoordinateX", "rlnCoordinateY");
        t.AddRow("mic2.mrc", "5.0", "000003@Extract/a.mrcs", "1", "1.5");
        Assert.Equal(1, t.RemoveRows(r => t.GetString(r, "rlnMicrographName") == "mic0.mrc"));
        t["rlnOriginXAngst"].SetDouble(0, -1234567.25);
        t["rlnImageName"].SetString(1, "with blank.mrcs");

        var again = StarFile.Parse(star.ToText()).Block("particles").RequireTable();
        Assert.Equal(["rlnMicrographName", "rlnCoordinateY", "rlnImageName", "rlnOpticsGroup", "rlnOriginXAngst"],
            again.ColumnNames);
        Assert.Equal(2, again.RowCount);
        Assert.Equal("mic1.mrc", again.GetString(0, "rlnMicrographName"));
        Assert.Equal("-1.23457e+06", again["rlnOriginXAngst"].Raw(0));
        Assert.Equal("with blank.mrcs", again.GetString(1, "rlnImageName"));
        Assert.Equal(1.5, again.GetDouble(1, "rlnOriginXAngst"));
    }

    [Theory]
    [InlineData(19135.59375, "19135.593750")]
    [InlineData(-14.6025554, "-14.60256")]
    [InlineData(123456.7, "1.234567e+05")]
    [InlineData(-123456.7, "-1.23457e+05")]
    [InlineData(0.00012345, "1.234500e-04")]
    [InlineData(0, "0.000000")]
    [InlineData(1.1282052, "1.128205")]
    [InlineData(100000, "100000.000000")]
    public void NumbersAreFormattedAsRelionFormatsThem(double value, string text) =>
        Assert.Equal(text, StarValues.FormatDouble(value));

    [Fact]
    public void ARowWithTheWrongNumberOfValuesIsAnErrorNamingFileAndLine()
    {
        var e = Assert.Throws<CryoMergeInputException>(() =>
            StarFile.Parse("data_\nloop_\n_a #1\n_b #2\n_c #3\n1 2 3\n4 5\n", "bad.star"));
        Assert.Equal("bad.star", e.File);
        Assert.Equal("line 7: row has 2 values but the loop declares 3 columns", e.Problem);
        e = Assert.Throws<CryoMergeInputException>(() => StarFile.Parse("data_\nloop_\n_a #1\n1 2\n", "bad.star"));
        Assert.Equal("line 4: row has more values than the 1 columns of the loop", e.Problem);
    }

    [Theory]
    [InlineData("", "no data_ block")]
    [InlineData("just some text\n", "unexpected text")]
    [InlineData("data_x\n_rlnA\n", "no value after _rlnA")]
    [InlineData("data_x\nloop_\n_a\n'unterminated 1\n", "unterminated quoted value")]
    [InlineData("data_x\nloop_\n_a\n_a\n1 2\n", "appears twice")]
    [InlineData("loop_\n_a\n1\n", "outside a data block")]
    public void MalformedTextIsAClearError(string text, string problem) =>
        Assert.Contains(problem, Assert.Throws<CryoMergeInputException>(() => StarFile.Parse(text, "x.star")).Problem);

    [Fact]
    public void EmptyFileDirectoryAndBinaryFileAreClearErrors()
    {
        using var dir = new TempDir();
        File.WriteAllText(dir.File("empty.star"), "");
        File.WriteAllBytes(dir.File("binary.star"), [0x4D, 0x41, 0x50, 0x00, 0x01, 0x02]);
        Assert.Equal("file is empty",
            Assert.Throws<CryoMergeInputException>(() => StarFile.Read(dir.File("empty.star"))).Problem);
        Assert.Contains("binary data",
            Assert.Throws<CryoMergeInputException>(() => StarFile.Read(dir.File("binary.star"))).Problem);
        Assert.Contains("is a directory",
            Assert.Throws<CryoMergeInputException>(() => StarFile.Read(dir.Path)).Problem);
    }

    [Fact]
    public void WriteIsAtomicAndLeavesNoTemporaryFile()
    {
        using var dir = new TempDir();
        StarFile.Parse(Relion31).Write(dir.File("out.star"));
        Assert.Equal(["out.star"], Directory.GetFiles(dir.Path).Select(Path.GetFileName));
        Assert.Equal(2, StarFile.Read(dir.File("out.star")).Block("particles").RequireTable().RowCount);
    }

    [Fact]
    public void LongLinesAcrossTheReadBufferAreParsed()
    {
        // One row longer than the parser's 4 MiB buffer.
        string big = new('x', 5 << 20);
        var star = StarFile.Parse($"data_\nloop_\n_a #1\n_b #2\n{big} 2\n3 4\n");
        Assert.Equal(big.Length, star.Blocks[0].RequireTable()["a"].RawUtf8(0).Length);
        Assert.Equal(4, star.Blocks[0].RequireTable().GetInt(1, "b"));
    }

    [Theory]
    [InlineData("nan", "an integer")]
    [InlineData("inf", "an integer")]
    [InlineData("1e999", "an integer")]
    [InlineData("abc", "an integer")]
    [InlineData("1.5", "an integer")]
    [InlineData("3000000000", "an integer")]
    public void ANonIntegerInAnIntegerColumnNamesTheFileBlockColumnAndRow(string value, string expected)
    {
        using var dir = new TempDir();
        string path = dir.File("bad.star");
        File.WriteAllText(path, $"data_optics\nloop_\n_rlnOpticsGroup #1\n_rlnImagePixelSize #2\n1 1.0\n{value} 1.0\n");
        var column = StarFile.Read(path).Block("optics").RequireTable().Column("rlnOpticsGroup");
        Assert.Equal(1, column.GetInt(0));
        var e = Assert.Throws<CryoMergeInputException>(() => column.GetInt(1));
        Assert.Equal(path, e.File);
        Assert.Equal($"data_optics, column _rlnOpticsGroup, row 2: '{value}' is not {expected}", e.Problem);
        if (value == "abc") Assert.Equal($"data_optics, column _rlnOpticsGroup, row 2: 'abc' is not a number",
            Assert.Throws<CryoMergeInputException>(() => column.GetDouble(1)).Problem);
    }

    [Fact]
    public void AnIntegerWrittenAsAWholeDoubleIsRead()
    {
        var table = StarFile.Parse("data_optics\nloop_\n_rlnOpticsGroup #1\n2.000000\n").Block("optics").RequireTable();
        Assert.Equal(2, table.GetInt(0, "rlnOpticsGroup"));
        table.KeepRows([0, 0]);
        Assert.Equal("<text>", Assert.Throws<CryoMergeInputException>(() => { table.Column("rlnOpticsGroup").SetRaw(1,
            "x"); return table.GetInt(1, "rlnOpticsGroup"); }).File);
    }
}
