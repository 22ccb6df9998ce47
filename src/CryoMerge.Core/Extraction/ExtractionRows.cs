using System.Text;
using CryoMerge.Core.Formats;

namespace CryoMerge.Core.Extraction;

/// <summary>
/// The columns and rows of the output particles table, as relion_preprocess fills them
/// (extractParticlesFromOneMicrograph): the coordinate table's own columns (all kept, unchanged), then
/// rlnImageName, rlnMicrographName, rlnOpticsGroup and, when the micrographs carry a CTF, rlnCtfMaxResolution and
/// rlnCtfFigureOfMerit (if present), rlnDefocusU/V, rlnDefocusAngle, rlnCtfBfactor, rlnCtfScalefactor,
/// rlnPhaseShift and the beam tilt (if present). A column the coordinates already have is overwritten in place.
/// The CTF always comes from the micrographs (what RELION 3.0's --use_ctf_in_mic did), so particles re-extracted
/// from rescaled micrographs get the rescaled micrographs' CTF.
/// </summary>
internal sealed class ExtractionRows
{
    private readonly MicrographTable _mics;
    private readonly List<string> _columns;
    private readonly int _image, _micrograph, _group;
    private readonly (int Index, string Label, Func<int, string?> Default)[] _ctf;
    /// <summary>By column: the cell of a row whose coordinate table lacks the column.</summary>
    private readonly byte[][] _neutral;

    /// <summary>How many of the columns, the first ones, come from the coordinates.</summary>
    private readonly int _coordinateColumns;

    public ExtractionRows(MicrographTable mics, CoordinateSets coords) : this(mics, coords.Columns)
    {
    }

    /// <param name="coordinateColumns">The columns of the coordinate table(s), in order.</param>
    public ExtractionRows(MicrographTable mics, IReadOnlyList<string> coordinateColumns)
    {
        _mics = mics;
        _columns = coordinateColumns.ToList();
        _coordinateColumns = _columns.Count;
        _image = Add(RelionLabels.ImageName);
        _micrograph = Add(RelionLabels.MicrographName);
        _group = Add(RelionLabels.OpticsGroup);
        var ctf = new List<(int, string, Func<int, string?>)>();
        if (mics.HasCtf)
        {
            foreach (var label in new[] { "rlnCtfMaxResolution", "rlnCtfFigureOfMerit" })
                if (mics.Micrographs.Has(label)) ctf.Add((Add(label), label, _ => null));
            ctf.Add((Add(RelionLabels.DefocusU), RelionLabels.DefocusU, _ => "0.000000"));
            ctf.Add((Add(RelionLabels.DefocusV), RelionLabels.DefocusV, m => mics.CtfCell(m, RelionLabels.DefocusU)));
            ctf.Add((Add(RelionLabels.DefocusAngle), RelionLabels.DefocusAngle, _ => "0.000000"));
            ctf.Add((Add(RelionLabels.CtfBfactor), RelionLabels.CtfBfactor, _ => "0.000000"));
            ctf.Add((Add(RelionLabels.CtfScalefactor), RelionLabels.CtfScalefactor, _ => "1.000000"));
            ctf.Add((Add(RelionLabels.PhaseShift), RelionLabels.PhaseShift, _ => "0.000000"));
            foreach (var label in new[] { RelionLabels.BeamTiltX, RelionLabels.BeamTiltY })
                if (mics.Micrographs.Has(label)) ctf.Add((Add(label), label, _ => null));
        }
        _ctf = ctf.ToArray();
        _neutral = _columns.Select(c => Encoding.UTF8.GetBytes(Neutral(c))).ToArray();
    }

    public IReadOnlyList<string> Columns => _columns;

    /// <summary>
    /// Writes the rows of micrograph <paramref name="m"/>'s particles to <paramref name="sink"/>, image k named
    /// "k@stack"; cells taken from the coordinate table keep their text (copied as bytes, no string per cell).
    /// </summary>
    public void Write(int m, CoordinateSet set, string stack, IStarRowSink sink)
    {
        var fixedCells = FixedCells(m);
        var sourceColumns = _columns.Select(c => set.Table.TryColumn(c)).ToArray();
        for (int k = 0; k < set.Rows.Count; k++)
        {
            int r = set.Rows[k];
            for (int c = 0; c < _columns.Count; c++)
            {
                if (c == _image) sink.Text(StarValues.Quote(RelionPaths.ImageName(k + 1, stack)));
                else if (fixedCells[c] is { } cell) sink.Raw(cell);
                else if (sourceColumns[c] is { } source) sink.Raw(source.RawUtf8(r));
                else sink.Raw(_neutral[c]);
            }
            sink.EndRow();
        }
    }

    /// <summary>
    /// Writes particle <paramref name="k"/> (0-based) of micrograph <paramref name="fixedCells"/> was made for, from
    /// its row of a single coordinate table whose columns this layout was made with (<paramref name="cells"/> of
    /// <paramref name="line"/>): the same bytes as <see cref="Write"/>.
    /// </summary>
    public void WriteRow(byte[]?[] fixedCells, int k, string stack, ReadOnlySpan<byte> line,
        ReadOnlySpan<Range> cells, IStarRowSink sink)
    {
        for (int c = 0; c < _columns.Count; c++)
        {
            if (c == _image) sink.Text(StarValues.Quote(RelionPaths.ImageName(k + 1, stack)));
            else if (fixedCells[c] is { } cell) sink.Raw(cell);
            else if (c < _coordinateColumns) sink.Raw(line[cells[c]]);
            else sink.Raw(_neutral[c]);
        }
        sink.EndRow();
    }

    /// <summary>What every row of micrograph <paramref name="m"/> gets instead of its own cell, by column (null
    /// where the row keeps its own): its name, optics group and CTF.</summary>
    public byte[]?[] FixedCells(int m)
    {
        var fixedCells = new byte[]?[_columns.Count];
        fixedCells[_micrograph] = Encoding.UTF8.GetBytes(_mics.NameRaw(m));
        fixedCells[_group] =
            Encoding.UTF8.GetBytes(_mics.Micrographs.TryColumn(RelionLabels.OpticsGroup)?.Raw(m) ?? "1");
        foreach (var (index, label, fallback) in _ctf)
            if ((_mics.CtfCell(m, label) ?? fallback(m)) is { } text) fixedCells[index] = Encoding.UTF8.GetBytes(text);
        return fixedCells;
    }

    private int Add(string label)
    {
        int i = _columns.IndexOf(label);
        if (i >= 0) return i;
        _columns.Add(label);
        return _columns.Count - 1;
    }

    /// <summary>RELION's value for a label a table lacks when tables with different columns are joined (0 or
    /// empty).</summary>
    private static string Neutral(string label) => RelionLabels.Find(label)?.Kind switch
    {
        LabelKind.String => "\"\"",
        LabelKind.Int or LabelKind.Bool => "0",
        _ => "0.000000",
    };
}
