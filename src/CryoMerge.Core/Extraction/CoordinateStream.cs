using System.Globalization;
using System.Text;
using CryoMerge.Core.Formats;

namespace CryoMerge.Core.Extraction;

/// <summary>
/// A coordinate STAR file (rlnMicrographName, rlnCoordinateX/Y) read row by row and never held: the particle table
/// is chosen as <see cref="PixelSizes.DataBlock"/> chooses it from the file's columns alone, then each pass hands
/// every row to the caller with the byte offset of its line, so that the row can be read again later
/// (<see cref="StarRowReader"/>): a coordinate STAR file of any size in constant memory.
/// </summary>
internal sealed class CoordinateStream
{
    /// <summary>One particle row: where its line starts, its 0-based index in the table, the micrograph row it
    /// belongs to (-1 when the micrographs table does not list it) and its cells.</summary>
    public delegate void RowAction(long offset, int row, int micrograph, ReadOnlySpan<byte> line,
        ReadOnlySpan<Range> cells);

    private readonly string _block;
    private readonly int _blockOccurrence;
    private readonly int _name, _x, _y;

    private CoordinateStream(string path, string block, int occurrence, IReadOnlyList<string> columns)
    {
        Path = path;
        _block = block;
        _blockOccurrence = occurrence;
        Columns = columns;
        _name = Index(RelionLabels.MicrographName);
        _x = Index(RelionLabels.CoordinateX);
        _y = Index(RelionLabels.CoordinateY);
    }

    public string Path { get; }

    /// <summary>Columns of the particle table, in order.</summary>
    public IReadOnlyList<string> Columns { get; }

    /// <summary>Reads the file's blocks and column labels (its rows only to check them) and picks the particle
    /// table, or names what is missing.</summary>
    public static CoordinateStream Open(string path)
    {
        var file = Parse(path, b => b.Name != "optics", null);
        var block = PixelSizes.DataBlock(file) ?? throw new CryoMergeInputException(path,
            "has no table of particles");
        foreach (var label in new[] { RelionLabels.MicrographName, RelionLabels.CoordinateX, RelionLabels.CoordinateY })
            if (!block.Table!.Has(label)) throw new CryoMergeInputException(path,
                $"has no {label} column (give a STAR file with rlnMicrographName and rlnCoordinateX/Y, or " +
                $"--coord-dir and --coord-suffix)");
        int occurrence = file.Blocks.Where(b => b.Table is not null && b.Name == block.Name).ToList().IndexOf(block);
        return new CoordinateStream(path, block.Name, occurrence, block.Table!.ColumnNames.ToList());
    }

    /// <summary>
    /// Hands every particle row to <paramref name="action"/>, in file order, with its micrograph's row in
    /// <paramref name="mics"/> (matched by name as <see cref="MicrographTable.Find"/> matches).
    /// </summary>
    public void ForEachRow(MicrographTable mics, RowAction action)
    {
        StarBlock? target = null;
        int seen = 0, row = 0, lastMicrograph = -1;
        byte[] lastName = [];
        Parse(Path, b =>
        {
            bool isTarget = target is null && b.Name == _block && seen++ == _blockOccurrence;
            if (isTarget) target = b;
            return b.Name != "optics";
        }, (block, offset, line, cells) =>
        {
            if (!ReferenceEquals(block, target)) return;
            var name = line[cells[_name]];
            if (!name.SequenceEqual(lastName))
            {
                lastName = name.ToArray();
                lastMicrograph = mics.Find(StarValues.Unquote(Encoding.UTF8.GetString(name)));
            }
            action(offset, row++, lastMicrograph, line, cells);
        });
    }

    /// <summary>The micrograph name of a row, without quotes.</summary>
    public string MicrographName(ReadOnlySpan<byte> line, ReadOnlySpan<Range> cells) =>
        StarValues.Unquote(Encoding.UTF8.GetString(line[cells[_name]]));

    /// <summary>rlnCoordinateX/Y of a row; a bad number is named as <see cref="StarColumn.GetDouble"/> names it.
    /// </summary>
    public (double X, double Y) Coordinate(int row, ReadOnlySpan<byte> line, ReadOnlySpan<Range> cells) =>
        (Number(row, line[cells[_x]], RelionLabels.CoordinateX),
            Number(row, line[cells[_y]], RelionLabels.CoordinateY));

    private double Number(int row, ReadOnlySpan<byte> cell, string label)
    {
        if (double.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out double value)) return value;
        string text = Encoding.UTF8.GetString(cell);
        if (text.Length > 40) text = text[..37] + "...";
        throw new CryoMergeInputException(Path,
            $"data_{_block}, column _{label}, row {row + 1}: '{text}' is not a number");
    }

    private int Index(string label)
    {
        for (int i = 0; i < Columns.Count; i++) if (Columns[i] == label) return i;
        throw new ArgumentException($"no column {label}", nameof(label));
    }

    private static StarFile Parse(string path, Func<StarBlock, bool> streamed, StarParser.RowHandler? rows)
    {
        InputFiles.RequireRegularFile(path, "a STAR file");
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1,
                FileOptions.SequentialScan);
            if (stream.Length == 0) throw new CryoMergeInputException(path, "file is empty");
            return StarParser.Parse(stream, path, streamed, rows);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CryoMergeInputException(path, $"cannot be read: {e.Message}", e);
        }
    }
}
