using System.Runtime.ExceptionServices;
using CryoMerge.Core.Formats;

namespace CryoMerge.Core.Rescaling;

/// <summary>One file listed in a STAR file, with where its rescaled copy goes.</summary>
/// <param name="NameInStar">The name as the STAR file has it (":mrc" suffix included).</param>
/// <param name="Input">The file found on disk (resolved as RELION resolves it).</param>
/// <param name="Output">Where the rescaled file is written.</param>
/// <param name="NewNameInStar">The name written into the new STAR file.</param>
/// <param name="OpticsGroup">Optics group of its rows (RELION 3.1+), else null.</param>
public sealed record StarRescaleItem(string NameInStar, string Input, string Output, string NewNameInStar,
    int? OpticsGroup, FileRescalePlan Plan);

/// <summary>
/// Rescaling every micrograph (data_micrographs, rlnMicrographName) or movie (data_movies,
/// rlnMicrographMovieName) listed in a RELION 3.0 or 3.1+ STAR file, planned from the headers before any work:
/// every file is found and checked, output names are fixed, and each optics group is known to reach one pixel
/// size. A coordinator runs <see cref="MrcRescale.Rescale"/> on each item (in any order, anywhere), then
/// <see cref="StarRescaleWriter.Write"/>.
/// </summary>
/// <remarks>
/// Output layout: the files keep their paths below the deepest folder common to all inputs, under the output
/// folder (Movies/a.mrc stays Movies/a.mrc if other inputs are elsewhere, otherwise a.mrc); the new STAR file is
/// written into the output folder with the input STAR file's name. Names in the new STAR file are relative to
/// the project directory when the output folder is inside it (as RELION writes them), else absolute.
/// </remarks>
public sealed class StarRescalePlan
{
    private StarRescalePlan(string starPath, StarFile star, StarBlock block, string column, bool movies,
        string outputFolder,
        string outputStar, RescaleOptions options, IReadOnlyList<StarRescaleItem> items, int[] itemOfRow,
        IReadOnlyList<string> warnings)
    {
        StarPath = starPath;
        Star = star;
        Block = block;
        PathColumn = column;
        IsMovies = movies;
        OutputFolder = outputFolder;
        OutputStar = outputStar;
        Options = options;
        Items = items;
        ItemOfRow = itemOfRow;
        Warnings = warnings;
    }

    public string StarPath { get; }
    public StarFile Star { get; }
    public StarBlock Block { get; }

    /// <summary>rlnMicrographName or rlnMicrographMovieName.</summary>
    public string PathColumn { get; }

    public bool IsMovies { get; }
    public string OutputFolder { get; }
    public string OutputStar { get; }

    /// <summary>Options common to every file (without the per-file pixel size).</summary>
    public RescaleOptions Options { get; }

    /// <summary>Distinct files, in the order of their first row.</summary>
    public IReadOnlyList<StarRescaleItem> Items { get; }

    /// <summary>For each row of <see cref="Block"/>, the index of its item.</summary>
    public IReadOnlyList<int> ItemOfRow { get; }

    /// <summary>Header/STAR pixel-size disagreements and other things the user should know (one line each).</summary>
    public IReadOnlyList<string> Warnings { get; }

    public bool HasOpticsTable => PixelSizes.HasOpticsTable(Star);

    /// <summary>The options to rescale one item with: its pixel size from the STAR file (or --angpix), movies as
    /// stacks.</summary>
    public RescaleOptions OptionsFor(StarRescaleItem item) => Options with { PixelSize = item.Plan.PixelSize,
        AsStack = IsMovies || Options.AsStack };

    /// <param name="projectDirectory">The RELION project directory that relative names are resolved against; default
    /// the current directory.</param>
    public static StarRescalePlan Create(string starPath, string outputFolder, RescaleOptions options,
        string? projectDirectory = null)
    {
        options.Validate();
        var star = StarFile.Read(starPath);
        var (block, column, movies) = FindList(star, starPath);
        var table = block.RequireTable();
        if (table.RowCount == 0) throw new CryoMergeInputException(starPath, $"data_{block.Name} lists no files");
        string project = Path.GetFullPath(projectDirectory ?? Directory.GetCurrentDirectory());
        string outFolder = Path.GetFullPath(outputFolder, project);
        if (File.Exists(outFolder)) throw new CryoMergeInputException(outputFolder,
            "is a file; for a STAR input the output must be a folder");
        string outStar = Path.Combine(outFolder, Path.GetFileName(starPath));
        OutputFiles.EnsureNotInput(outStar, starPath);

        // Distinct files, their rows and the STAR's pixel size for each.
        var names = table.Column(column);
        var indexOf = new Dictionary<string, int>(StringComparer.Ordinal);
        var firstRows = new List<int>();
        var itemOfRow = new int[table.RowCount];
        var missing = new List<string>();
        var found = new List<string>();
        for (int row = 0; row < table.RowCount; row++)
        {
            string name = names.GetString(row);
            string? path = RelionPaths.Resolve(name, starPath, project);
            if (path is null) { missing.Add(name); continue; }
            path = Path.GetFullPath(path, project);
            if (!indexOf.TryGetValue(path, out int item))
            {
                indexOf[path] = item = found.Count;
                found.Add(path);
                firstRows.Add(row);
            }
            itemOfRow[row] = item;
        }
        if (missing.Count > 0)
            throw new CryoMergeInputException(starPath,
                $"{missing.Count} of {table.RowCount} listed files cannot be found (relative names are read from " +
                $"{project}): "
                + string.Join(", ", missing.Take(3)) + (missing.Count > 3 ? ", ..." : ""));

        var outputs = OutputPaths(found, outFolder, starPath);
        var plans = new FileRescalePlan[found.Count];
        var warnings = new string?[found.Count];
        var errors = new Exception?[found.Count];
        Parallel.For(0, found.Count, i =>
        {
            try { PlanOne(i); }
            catch (Exception e) { errors[i] = e; }
        });
        // The first failing file in STAR order, whichever thread met it first.
        if (errors.FirstOrDefault(e => e is not null) is { } error) ExceptionDispatchInfo.Capture(error).Throw();

        void PlanOne(int i)
        {
            int row = firstRows[i];
            string name = names.GetString(row);
            FileFormats.RequireMrc(found[i]);
            OutputFiles.EnsureNotInput(outputs[i], found[i]);
            var fromStar = PixelSizes.OfRow(star, block, row);
            using var mrc = MrcFile.Open(found[i], MrcReadOptions.Permissive);
            if (fromStar is not null && options.PixelSize is null) warnings[i] = PixelSizes.Disagreement(name,
                mrc.PixelSize.X, fromStar);
            plans[i] = FileRescalePlan.Create(mrc, found[i], options with { PixelSize = options.PixelSize ?? fromStar,
                AsStack = movies || options.AsStack });
        }
        if (indexOf.ContainsKey(Path.GetFullPath(outStar))) throw new CryoMergeInputException(outStar,
            "would overwrite a listed file");
        foreach (var output in outputs)
            if (indexOf.ContainsKey(output)) throw new CryoMergeInputException(output,
                "would overwrite a listed file; choose another output folder");

        var items = new StarRescaleItem[found.Count];
        for (int i = 0; i < found.Count; i++)
        {
            int row = firstRows[i];
            string name = names.GetString(row);
            int? group = PixelSizes.HasOpticsTable(star) && table.TryColumn(RelionLabels.OpticsGroup) is { } g
                ? g.GetInt(row) : null;
            items[i] = new StarRescaleItem(name, found[i], outputs[i], NameInStar(outputs[i], project, name),
                group, plans[i]);
        }
        CheckOpticsGroups(starPath, items);
        return new StarRescalePlan(starPath, star, block, column, movies, outFolder, outStar, options, items, itemOfRow,
            warnings.Where(w => w is not null).Distinct().Select(w => w!).ToList());
    }

    /// <summary>The block and column listing the files: micrographs or movies, RELION 3.1+ or 3.0.</summary>
    private static (StarBlock Block, string Column, bool Movies) FindList(StarFile star, string starPath)
    {
        // Particles (with images, or only coordinates as picks and simulated truth have) are not rescaled here:
        // rescaling the micrographs they name would leave their coordinates in the old pixels.
        if (star.Find("particles") is { Table: not null } || PixelSizes.DataBlock(star)?.Table is { } t
            && (t.Has(RelionLabels.ImageName) || t.Has(RelionLabels.CoordinateX) || t.Has(RelionLabels.CoordinateY)))
            throw new CryoMergeInputException(starPath,
                "lists particles, not micrographs or movies; rescale its micrographs from their "
                + "micrographs STAR file, then move the particles onto them with cryomerge rescale-particles");
        if (star.Find("micrographs") is { Table: not null } mics && mics.Table.Has(RelionLabels.MicrographName))
            return (mics, RelionLabels.MicrographName, false);
        if (star.Find("movies") is { Table: not null } movies && movies.Table.Has(RelionLabels.MicrographMovieName))
            return (movies, RelionLabels.MicrographMovieName, true);
        if (PixelSizes.DataBlock(star) is { Table: not null } data)
        {
            if (data.Table.Has(RelionLabels.MicrographName)) return (data, RelionLabels.MicrographName, false);
            if (data.Table.Has(RelionLabels.MicrographMovieName)) return (data, RelionLabels.MicrographMovieName, true);
        }
        throw new CryoMergeInputException(starPath,
            "lists no micrographs (rlnMicrographName) or movies (rlnMicrographMovieName)");
    }

    /// <summary>Output paths: each input's path below the deepest folder common to all inputs, under the output
    /// folder.</summary>
    private static string[] OutputPaths(IReadOnlyList<string> inputs, string outputFolder, string starPath)
    {
        string common = Path.GetDirectoryName(inputs[0])!;
        foreach (var input in inputs)
            while (!IsBelow(input, common)) common = Path.GetDirectoryName(common) ?? "/";
        return inputs.Select(i => OutputFiles.InsideFolder(outputFolder, Path.GetRelativePath(common, i), starPath))
            .ToArray();
    }

    private static bool IsBelow(string path, string folder) =>
        path.StartsWith(folder.EndsWith(Path.DirectorySeparatorChar) ? folder : folder + Path.DirectorySeparatorChar,
        StringComparison.Ordinal);

    /// <summary>The name for the new STAR file: relative to the project when inside it, keeping a ":mrc"
    /// suffix.</summary>
    private static string NameInStar(string output, string project, string oldName)
    {
        string name = IsBelow(output, project) ? Path.GetRelativePath(project, output) : output;
        string suffix = oldName.EndsWith(":mrcs", StringComparison.Ordinal) ? ":mrcs" : oldName.EndsWith(":mrc",
            StringComparison.Ordinal) ? ":mrc" : "";
        return name + suffix;
    }

    /// <summary>One optics group must reach one pixel size: files of different sizes in a group would not.</summary>
    private static void CheckOpticsGroups(string starPath, IReadOnlyList<StarRescaleItem> items)
    {
        foreach (var group in items.Where(i => i.OpticsGroup is not null).GroupBy(i => i.OpticsGroup))
        {
            var first = group.First();
            var other = group.FirstOrDefault(i => Math.Abs(i.Plan.Image.OutputPixelSize
                - first.Plan.Image.OutputPixelSize) > 1e-9 * first.Plan.Image.OutputPixelSize);
            if (other is null) continue;
            throw new CryoMergeInputException(starPath,
                FormattableString.Invariant($"optics group {group.Key} would end at two pixel sizes: ") +
                FormattableString.Invariant($"{first.Plan.Image.OutputPixelSize:0.######} A ") +
                FormattableString.Invariant($"({first.NameInStar}, {first.Plan.FileShape}) and ") +
                FormattableString.Invariant(
                    $"{other.Plan.Image.OutputPixelSize:0.######} A ({other.NameInStar}, {other.Plan.FileShape}); ") +
                "split the group by size or use the spline method");
        }
    }
}
