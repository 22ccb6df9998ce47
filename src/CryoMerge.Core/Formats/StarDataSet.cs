namespace CryoMerge.Core.Formats;

/// <summary>RELION 3.0 (one table, pixel size per row) or 3.1 and later (data_optics plus one data table).</summary>
public enum StarGeneration { Relion30, Relion31 }

/// <summary>What the rows of a data table are.</summary>
public enum StarDataKind
{
    /// <summary>Particle images (rlnImageName).</summary>
    Particles,
    /// <summary>Micrographs (rlnMicrographName), e.g. micrographs_ctf.star.</summary>
    Micrographs,
    /// <summary>Movies (rlnMicrographMovieName).</summary>
    Movies,
    /// <summary>Picked coordinates of one micrograph (rlnCoordinateX/Y only), e.g. an autopick file.</summary>
    Coordinates,
}

/// <summary>
/// A STAR file checked to be one RELION data set: its generation, the kind of its rows, its data table and (3.1+)
/// its optics table. Every operation on particles, micrographs or movies starts here, so that "several data
/// blocks", "not a RELION file" and "a needed column is missing" are refused the same way everywhere.
/// </summary>
public sealed class StarDataSet
{
    private StarDataSet(StarFile file, string path, StarGeneration generation, StarDataKind kind, StarBlock data,
        StarBlock? optics)
    {
        File = file;
        Path = path;
        Generation = generation;
        Kind = kind;
        DataBlock = data;
        OpticsBlock = optics;
    }

    public StarFile File { get; }

    /// <summary>The file as the user named it, for messages.</summary>
    public string Path { get; }

    public StarGeneration Generation { get; }

    public StarDataKind Kind { get; }

    public StarBlock DataBlock { get; }

    public StarBlock? OpticsBlock { get; }

    public StarTable Data => DataBlock.Table!;

    public StarTable? Optics => OpticsBlock?.Table;

    /// <summary>The column whose values name each row's file (image, micrograph or movie); null for
    /// coordinates.</summary>
    public string? NameLabel => Kind switch
    {
        StarDataKind.Particles => RelionLabels.ImageName,
        StarDataKind.Micrographs => RelionLabels.MicrographName,
        StarDataKind.Movies => RelionLabels.MicrographMovieName,
        _ => null,
    };

    /// <summary>
    /// Particles that name no images: a data_particles block, or a table with coordinates, that has rlnMicrographName
    /// but no rlnImageName (picks with micrograph names, the simulator's particles_truth.star). Such a table reads as
    /// micrographs by its columns; messages must not call it that.
    /// </summary>
    public bool IsParticlesWithoutImages => Kind == StarDataKind.Micrographs
        && (DataBlock.Name == "particles" || Data.Has(RelionLabels.CoordinateX) || Data.Has(RelionLabels.CoordinateY));

    /// <summary>RELION's table name for the kind: particles, micrographs or movies.</summary>
    public static string TableName(StarDataKind kind) => kind switch
    {
        StarDataKind.Particles => "particles",
        StarDataKind.Micrographs => "micrographs",
        StarDataKind.Movies => "movies",
        _ => "coordinates",
    };

    /// <summary>Reads and checks a file; problems are one-line <see cref="CryoMergeInputException"/>s.</summary>
    public static StarDataSet Read(string path) => Of(StarFile.Read(path), path);

    /// <summary>
    /// Checks that the file holds exactly one RELION data table (plus data_optics for 3.1+) of particles,
    /// micrographs, movies or coordinates.
    /// </summary>
    public static StarDataSet Of(StarFile file, string path)
    {
        var optics = file.Find("optics");
        if (optics is not null && optics.Table is null) throw new CryoMergeInputException(path,
            "data_optics has no loop_");
        var candidates = file.Blocks.Where(b => b != optics && b.Table is not null
            && KindOf(b.Table) is not null).ToList();
        if (candidates.Count == 0)
        {
            var loops = file.Blocks.Where(b => b.Table is not null && b != optics).ToList();
            string seen = loops.Count == 0 ? "it has no loop_ besides data_optics"
                : $"data_{loops[0].Name} has " +
                  string.Join(", ", loops[0].Table!.ColumnNames.Take(4).Select(c => "_" + c)) +
                  (loops[0].Table!.Columns.Count > 4 ? ", ..." : "");
            throw new CryoMergeInputException(path,
                $"not a RELION particle, micrograph, movie or coordinate STAR file ({seen}; expected _rlnImageName, " +
                $"_rlnMicrographName, _rlnMicrographMovieName or _rlnCoordinateX)");
        }
        if (candidates.Count > 1)
            throw new CryoMergeInputException(path,
                $"has {candidates.Count} data blocks ({string.Join(", ", candidates.Select(b => "data_" + b.Name))}) " +
                $"where one is meant; split the file first");
        var data = candidates[0];
        var kind = KindOf(data.Table!)!.Value;
        var generation = optics is null ? StarGeneration.Relion30 : StarGeneration.Relion31;
        var set = new StarDataSet(file, path, generation, kind, data, optics);
        if (generation == StarGeneration.Relion31 && kind != StarDataKind.Coordinates)
        {
            set.RequireData(RelionLabels.OpticsGroup, "to find each row's optics group");
            if (set.Optics!.RowCount == 0) throw new CryoMergeInputException(path, "data_optics has no optics groups");
            set.RequireOptics(RelionLabels.OpticsGroup, "to number the optics groups");
        }
        return set;
    }

    /// <summary>A column of the data table; a one-line error saying what it is needed for when missing.</summary>
    public StarColumn RequireData(string label, string purpose) =>
        Data.TryColumn(label) ?? throw new CryoMergeInputException(Path,
        $"column _{label} is missing from data_{DataBlock.Name} (needed {purpose})");

    /// <summary>A column of the optics table; a one-line error when missing.</summary>
    public StarColumn RequireOptics(string label, string purpose) =>
        Optics?.TryColumn(label) ?? throw new CryoMergeInputException(Path,
        $"column _{label} is missing from data_optics (needed {purpose})");

    /// <summary>
    /// For RELION 3.1+ files: the optics-table row of every data row (through rlnOpticsGroup); an error names a row
    /// whose group is not defined, as RELION does.
    /// </summary>
    public int[] OpticsRowOfEachRow()
    {
        var groups = OpticsRowByNumber();
        var column = RequireData(RelionLabels.OpticsGroup, "to find each row's optics group");
        var rows = new int[Data.RowCount];
        int lastNumber = int.MinValue, lastRow = -1;
        for (int r = 0; r < rows.Length; r++)
        {
            int number = Number(column, r);
            if (number != lastNumber)
            {
                if (!groups.TryGetValue(number, out lastRow))
                    throw new CryoMergeInputException(Path,
                        $"row {r + 1} of data_{DataBlock.Name} is in optics group {number}, which data_optics does " +
                        $"not define");
                lastNumber = number;
            }
            rows[r] = lastRow;
        }
        return rows;
    }

    /// <summary>Optics-table row of each optics group number.</summary>
    public Dictionary<int, int> OpticsRowByNumber()
    {
        var column = RequireOptics(RelionLabels.OpticsGroup, "to number the optics groups");
        var map = new Dictionary<int, int>();
        for (int r = 0; r < column.Count; r++)
            if (!map.TryAdd(Number(column, r), r))
                throw new CryoMergeInputException(Path,
                    $"optics group number {Number(column, r)} appears twice in data_optics");
        return map;
    }

    /// <summary>The name of optics row <paramref name="row"/> (RELION's "opticsGroupN" when the file has no
    /// names).</summary>
    public string OpticsName(int row) =>
        Optics!.TryColumn(RelionLabels.OpticsGroupName)?.GetString(row)
        ?? $"opticsGroup{Number(Optics.Column(RelionLabels.OpticsGroup), row)}";

    /// <summary>A positive number from a cell, or a one-line error naming the file, column and row.</summary>
    public double Positive(StarColumn column, int row, string table)
    {
        double v = Number(column, row, table);
        if (!PixelSizes.IsPositive(v))
            throw new CryoMergeInputException(Path,
                $"_{column.Name} is {column.Raw(row)} in row {row + 1} of data_{table}; "
                + "a pixel size must be positive and finite");
        return v;
    }

    /// <summary>A number from a cell, or a one-line error naming the file, column and row.</summary>
    public double Number(StarColumn column, int row, string table)
    {
        if (column.TryGetDouble(row, out double v)) return v;
        throw new CryoMergeInputException(Path,
            $"_{column.Name} in row {row + 1} of data_{table} is '{column.Raw(row)}', not a number");
    }

    private int Number(StarColumn column, int row)
    {
        try { return column.GetInt(row); }
        catch (FormatException e) { throw new CryoMergeInputException(Path, e.Message); }
    }

    private static StarDataKind? KindOf(StarTable table) =>
        table.Has(RelionLabels.ImageName) ? StarDataKind.Particles
        : table.Has(RelionLabels.MicrographName) ? StarDataKind.Micrographs
        : table.Has(RelionLabels.MicrographMovieName) ? StarDataKind.Movies
        : table.Has(RelionLabels.CoordinateX) ? StarDataKind.Coordinates
        : null;
}
