using System.Globalization;
using CryoMerge.Core.Formats;

namespace CryoMerge.Core.Extraction;

/// <summary>The micrographs STAR file of an extraction (RELION 3.1+: data_optics with rlnMicrographPixelSize,
/// data_micrographs).</summary>
internal sealed class MicrographTable
{
    private readonly Dictionary<string, int> _byName = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _byPost = new(StringComparer.Ordinal);
    private readonly Dictionary<int, int> _opticsRow = [];

    private MicrographTable(string path, StarTable micrographs, StarTable optics)
    {
        Path = path;
        Micrographs = micrographs;
        Optics = optics;
        for (int r = 0; r < micrographs.RowCount; r++)
        {
            string name = Name(r);
            if (!_byName.TryAdd(name, r)) throw new CryoMergeInputException(path, $"lists micrograph {name} twice");
            _byPost.TryAdd(RelionPaths.DecomposePipelineName(name).Post, r);
        }
        for (int r = 0; r < optics.RowCount; r++)
        {
            int group = optics.TryColumn(RelionLabels.OpticsGroup)?.GetInt(r) ?? r + 1;
            _opticsRow[group] = r;
        }
    }

    public string Path { get; }

    public StarTable Micrographs { get; }

    public StarTable Optics { get; }

    public int Count => Micrographs.RowCount;

    public bool HasCtf => Micrographs.Has(RelionLabels.DefocusU);

    public static MicrographTable Read(string path)
    {
        var file = StarFile.Read(path);
        var optics = file.Find("optics")?.Table
            ?? throw new CryoMergeInputException(path,
                "has no data_optics table: a RELION 3.1+ micrographs STAR file is needed (convert a 3.0 file with " +
                "relion_convert_star)");
        var micrographs = file.Find("micrographs")?.Table
            ?? throw new CryoMergeInputException(path,
                "has no data_micrographs table: give the micrographs STAR file (e.g. " +
                "CtfFind/jobNNN/micrographs_ctf.star)");
        if (!micrographs.Has(RelionLabels.MicrographName)) throw new CryoMergeInputException(path,
            "data_micrographs has no rlnMicrographName column");
        if (!optics.Has(RelionLabels.MicrographPixelSize)) throw new CryoMergeInputException(path,
            "data_optics has no rlnMicrographPixelSize column");
        var table = new MicrographTable(path, micrographs, optics);
        for (int r = 0; r < micrographs.RowCount; r++) table.PixelSize(table.OpticsGroup(r));
        return table;
    }

    public string Name(int row) => Micrographs.GetString(row, RelionLabels.MicrographName);

    public string NameRaw(int row) => Micrographs.Column(RelionLabels.MicrographName).Raw(row);

    /// <summary>The micrograph's optics group number (1 when the table has no rlnOpticsGroup column).</summary>
    public int OpticsGroup(int row) => Micrographs.TryColumn(RelionLabels.OpticsGroup) is { } c ? Parse(() =>
        c.GetInt(row)) : 1;

    public double PixelSize(int group)
    {
        if (!_opticsRow.TryGetValue(group, out int r))
            throw new CryoMergeInputException(Path,
                $"a micrograph belongs to optics group {group}, which data_optics does not define");
        double p = Parse(() => Optics.GetDouble(r, RelionLabels.MicrographPixelSize));
        if (!(p > 0)) throw new CryoMergeInputException(Path,
            $"rlnMicrographPixelSize of optics group {group} is {p.ToString(CultureInfo.InvariantCulture)}");
        return p;
    }

    /// <summary>Row of <paramref name="name"/>: the same name, else the same name after its jobNNN/ folder; -1 when
    /// absent.</summary>
    public int Find(string name)
    {
        if (_byName.TryGetValue(name, out int r)) return r;
        return _byPost.TryGetValue(RelionPaths.DecomposePipelineName(name).Post, out r) ? r : -1;
    }

    /// <summary>
    /// A CTF value for a micrograph as RELION's CTF::readByGroup finds it: the micrograph's row, else its optics
    /// group's row, else null (the caller's default). Raw text, so values keep their digits.
    /// </summary>
    public string? CtfCell(int row, string label)
    {
        if (Micrographs.TryColumn(label) is { } c) return c.Raw(row);
        if (Optics.TryColumn(label) is { } o && _opticsRow.TryGetValue(OpticsGroup(row), out int r)) return o.Raw(r);
        return null;
    }

    /// <summary>
    /// The particles' optics table as relion_preprocess's saveNew writes it: the micrographs' optics rows with
    /// rlnImagePixelSize (micrograph pixel x box / scale), rlnImageSize and rlnImageDimensionality set, and without
    /// rlnMicrographPixelSize unless <paramref name="keepMicrographPixelSize"/> (RELION keeps it when re-extracting
    /// from a particles STAR file).
    /// </summary>
    public StarTable OutputOptics(ExtractionSettings settings, bool keepMicrographPixelSize)
    {
        var names = Optics.ColumnNames.Where(n => keepMicrographPixelSize || n
            != RelionLabels.MicrographPixelSize).ToList();
        string[] added = [RelionLabels.ImagePixelSize, RelionLabels.ImageSize, RelionLabels.ImageDimensionality];
        foreach (var label in added) if (!names.Contains(label)) names.Add(label);
        var table = new StarTable();
        foreach (var n in names) table.AddColumn(n, "");
        for (int r = 0; r < Optics.RowCount; r++)
        {
            int row = r;
            double pixel = settings.OutputPixelSize(Parse(() => Optics.GetDouble(row,
                RelionLabels.MicrographPixelSize)));
            table.AddRow(names.Select(n => n switch
            {
                RelionLabels.ImagePixelSize => StarValues.FormatDouble(pixel),
                RelionLabels.ImageSize => settings.OutputSize.ToString(CultureInfo.InvariantCulture),
                RelionLabels.ImageDimensionality => "2",
                _ => Optics.Column(n).Raw(row),
            }).ToArray());
        }
        return table;
    }

    private T Parse<T>(Func<T> read)
    {
        try
        {
            return read();
        }
        catch (FormatException e)
        {
            throw new CryoMergeInputException(Path, e.Message, e);
        }
    }
}
