using System.Text;
using CryoMerge.Core.Formats;

namespace CryoMerge.Core.Merging;

/// <summary>Options of <see cref="StarJoin"/>.</summary>
/// <param name="KeepRelion30">Join RELION 3.0 files into a 3.0 file (one table, no optics groups) instead of converting
/// them.</param>
/// <param name="ImageHeader">Reads an image header (image name, STAR file) when a 3.0 input is converted; default: the
/// MRC file it names.</param>
public sealed record JoinOptions(bool KeepRelion30 = false, Func<string, string, ImageHeaderInfo?>? ImageHeader = null);

/// <summary>One optics group of the joined file and where it came from.</summary>
public sealed record JoinedOpticsGroup(int Number, string Name, int Input, int OriginalNumber, string OriginalName,
    double? PixelSize, int? ImageSize, int Rows)
{
    public bool Renamed => Name != OriginalName;
}

/// <summary>One input of a join.</summary>
public sealed record JoinedInput(string Path, StarGeneration Generation, int Rows, bool ConvertedFrom30);

/// <summary>What <see cref="StarJoin"/> did: the inputs, the optics groups, the columns filled and left out.</summary>
public sealed record JoinReport(StarDataKind Kind, bool Relion30Output, int Rows, IReadOnlyList<JoinedInput> Inputs,
    IReadOnlyList<JoinedOpticsGroup> OpticsGroups, IReadOnlyList<string> FilledColumns,
    IReadOnlyList<string> DroppedColumns,
    IReadOnlyList<string> Warnings);

/// <summary>
/// Joins particle, micrograph or movie files of several data sets into one, so that RELION keeps the data sets
/// apart: every input keeps its own optics group(s), renamed where a name is already taken (relion_star_handler
/// --combine silently merges groups of the same name and drops the second pixel size), numbered 1..N in input
/// order with the rows re-pointed; rlnGroupName of later inputs is prefixed "opticsN_" and rlnGroupNumber dropped,
/// as RELION does; columns present in only some inputs are filled with RELION's neutral values or left out; a
/// file name (image, micrograph or movie) that appears twice is refused; RELION 3.0 inputs are converted.
/// </summary>
public static class StarJoin
{
    /// <summary>
    /// Reads, joins and writes atomically; inputs are never written. The joined rows are streamed to the file
    /// (<see cref="StarLoopStream"/>): the inputs are held in memory, the joined table is not.
    /// </summary>
    public static JoinReport JoinFiles(IReadOnlyList<string> inputs, string output, JoinOptions? options = null)
    {
        OutputFiles.EnsureNotInput(output, inputs);
        return JoinTo(inputs.Select(StarDataSet.Read).ToList(), output, options);
    }

    /// <summary>
    /// Joins data sets held in memory (as the merge's join stage has relocated them) and streams the joined rows to
    /// <paramref name="output"/> atomically, with the bytes <see cref="Join"/>'s file would have: the inputs are held
    /// once, the joined table never (at a million particles, building it doubled the process's memory).
    /// </summary>
    public static JoinReport JoinTo(IReadOnlyList<StarDataSet> inputs, string output, JoinOptions? options = null)
    {
        var join = Prepare(inputs, options);
        StarLoopStream.Write(output, join.Head, join.BlockName, join.Version, join.Layout.Labels,
            sink => join.Data.WriteRows(join.Layout, sink), join.Layout.Comments);
        return join.Report;
    }

    /// <summary>Joins data sets in memory (their tables are consumed); the output file and the report.</summary>
    public static (StarFile Output, JoinReport Report) Join(IReadOnlyList<StarDataSet> inputs,
        JoinOptions? options = null)
    {
        var join = Prepare(inputs, options);
        var file = join.Head;
        var data = join.Data.Build(join.Layout);
        if (join.Version is int version) file.AddTableBlock(join.BlockName, data, version);
        else file.Blocks.Add(new StarBlock(join.BlockName) { Table = data });
        return (file, join.Report);
    }

    /// <summary>
    /// A join decided and checked but not yet done: the blocks before the joined table (the optics), the table's
    /// block name and version, its columns and where each cell comes from, and the report.
    /// </summary>
    private sealed record PreparedJoin(StarFile Head, string BlockName, int? Version, JoinColumns Data,
        JoinColumns.Layout Layout, JoinReport Report);

    private static PreparedJoin Prepare(IReadOnlyList<StarDataSet> inputs, JoinOptions? options)
    {
        options ??= new JoinOptions();
        if (inputs.Count == 0) throw new ArgumentException("nothing to join", nameof(inputs));
        var kind = inputs[0].Kind;
        foreach (var set in inputs)
        {
            if (set.IsParticlesWithoutImages)
                throw new CryoMergeInputException(set.Path,
                    $"lists particles without images (data_{set.DataBlock.Name} has no _rlnImageName, only micrograph "
                    + "names and coordinates); join takes particle files with images, micrograph or movie files: "
                    + "extract the particles first (cryomerge extract)");
            if (set.Kind == StarDataKind.Coordinates)
                throw new CryoMergeInputException(set.Path,
                    "is a coordinate file of one micrograph; join particle, micrograph or movie files");
            if (set.Kind != kind)
                throw new CryoMergeInputException(set.Path,
                    $"holds {StarDataSet.TableName(set.Kind)} but {inputs[0].Path} holds " +
                    $"{StarDataSet.TableName(kind)}; join files of one kind");
        }
        var warnings = new List<string>();
        foreach (var set in inputs)
            foreach (var block in set.File.Blocks.Where(b => b != set.DataBlock && b != set.OpticsBlock))
                warnings.Add(
                    $"{set.Path}: data_{block.Name} is not carried into the joined file (only data_optics and the " +
                    $"{StarDataSet.TableName(kind)} are)");
        var summaries = inputs.Select(s => new JoinedInput(s.Path, s.Generation, s.Data.RowCount, false)).ToList();
        List<StarDataSet> sets;
        if (options.KeepRelion30)
        {
            if (inputs.FirstOrDefault(s => s.Generation != StarGeneration.Relion30) is { } newer)
                throw new CryoMergeInputException(newer.Path,
                    "is a RELION 3.1+ file (it has data_optics); --keep-3.0 joins RELION 3.0 files only");
            sets = inputs.ToList();
        }
        else
        {
            sets = inputs.Select(s => s.Generation == StarGeneration.Relion31 ? s
                : Relion30Conversion.ToRelion31(s, warnings, options.ImageHeader is { } h ? name => h(name,
                    s.File.SourcePath ?? s.Path) : null)).ToList();
            summaries = summaries.Select(s => s with { ConvertedFrom30 = s.Generation
                == StarGeneration.Relion30 }).ToList();
        }
        // The duplicate check reads what the join reads: run both at once; the check's verdict comes first.
        var duplicates = Task.Run(() => RefuseDuplicateNames(sets));
        if (kind == StarDataKind.Particles) WarnSharedMicrographNames(sets, warnings);
        var names = sets.Select(s => Path.GetFileName(s.Path)).ToList();
        PreparedJoin joined;
        try
        {
            joined = options.KeepRelion30 ? JoinRelion30(sets, names, summaries, warnings) : JoinRelion31(sets, names,
                summaries, warnings);
        }
        finally
        {
            duplicates.GetAwaiter().GetResult();
        }
        return joined;
    }

    private static PreparedJoin JoinRelion31(List<StarDataSet> sets, List<string> names, List<JoinedInput> summaries,
        List<string> warnings)
    {
        var groups = new List<JoinedOpticsGroup>();
        var used = new HashSet<string>(StringComparer.Ordinal);
        var newNumber = new List<Dictionary<int, int>>();
        var newNameOfRow = new List<string[]>();
        for (int k = 0; k < sets.Count; k++)
        {
            var set = sets[k];
            var numbers = set.OpticsRowByNumber();
            int opticsRows = set.Optics!.RowCount;
            var rowsOfGroup = new int[opticsRows];
            foreach (int o in set.OpticsRowOfEachRow()) rowsOfGroup[o]++;
            var map = new Dictionary<int, int>();
            var rowNames = new string[opticsRows];
            var pixelSizes = PixelSizes.OfOpticsGroups(set.File);
            foreach (var (oldNumber, o) in numbers.OrderBy(p => p.Value))
            {
                string original = set.OpticsName(o);
                string name = original;
                for (int n = 1; !used.Add(name); n++) name = n == 1 ? $"{original}_set{k + 1}"
                    : $"{original}_set{k + 1}_{n}";
                int number = groups.Count + 1;
                map[oldNumber] = number;
                rowNames[o] = name;
                var pixel = pixelSizes.FirstOrDefault(g => g.Number == oldNumber);
                groups.Add(new JoinedOpticsGroup(number, name, k + 1, oldNumber, original,
                    pixel?.ImagePixelSize ?? pixel?.MicrographPixelSize ?? pixel?.MicrographOriginalPixelSize,
                    pixel?.ImageSize, rowsOfGroup[o]));
            }
            newNumber.Add(map);
            newNameOfRow.Add(rowNames);
        }

        var numberBytes = groups.Select(g => Encoding.ASCII.GetBytes(g.Number.ToString())).ToArray();
        var opticsJoin = new JoinColumns(sets.Select(s => s.Optics!).ToList(), names);
        var optics = opticsJoin.Build(opticsJoin.Select(new Dictionary<string, JoinColumns.CellRewrite>
        {
            [RelionLabels.OpticsGroup] = (k, o) => numberBytes[newNumber[k][sets[k].Optics!.GetInt(o,
                RelionLabels.OpticsGroup)] - 1],
            [RelionLabels.OpticsGroupName] = (k, o) => Encoding.UTF8.GetBytes(StarValues.Quote(newNameOfRow[k][o])),
        }, [RelionLabels.OpticsGroupName, RelionLabels.OpticsGroup], [], "data_optics"));

        var groupColumns = sets.Select(s => s.Data.Column(RelionLabels.OpticsGroup)).ToList();
        var dataJoin = new JoinColumns(sets.Select(s => s.Data).ToList(), names);
        var rewrites = new Dictionary<string, JoinColumns.CellRewrite>
        {
            [RelionLabels.OpticsGroup] = (k, r) => numberBytes[newNumber[k][groupColumns[k].GetInt(r)] - 1],
            [RelionLabels.GroupName] = (k, r) => k == 0 ? null : Encoding.UTF8.GetBytes(StarValues.Quote(
                $"optics{newNumber[k][groupColumns[k].GetInt(r)]}_"
                + sets[k].Data.GetString(r, RelionLabels.GroupName))),
        };
        var leaveOut = sets.Count > 1 ? new[] { RelionLabels.GroupNumber } : [];
        var kind = sets[0].Kind;
        var layout = dataJoin.Select(rewrites, [], leaveOut, $"data_{StarDataSet.TableName(kind)}");

        int version = Math.Max(Relion30Conversion.Version31,
            sets.Max(s => s.DataBlock.Version ?? s.OpticsBlock?.Version ?? 0));
        var head = new StarFile();
        head.AddTableBlock("optics", optics, version);
        var report = new JoinReport(kind, false, sets.Sum(s => s.Data.RowCount), summaries, groups,
            [.. opticsJoin.Filled, .. dataJoin.Filled], [.. opticsJoin.Dropped, .. dataJoin.Dropped], warnings);
        return new PreparedJoin(head, StarDataSet.TableName(kind), version, dataJoin, layout, report);
    }

    private static PreparedJoin JoinRelion30(List<StarDataSet> sets, List<string> names, List<JoinedInput> summaries,
        List<string> warnings)
    {
        var dataJoin = new JoinColumns(sets.Select(s => s.Data).ToList(), names);
        var rewrites = new Dictionary<string, JoinColumns.CellRewrite>
        {
            [RelionLabels.GroupName] = (k,
                r) => k == 0 ? null
                : Encoding.UTF8.GetBytes(StarValues.Quote(
                $"set{k + 1}_{sets[k].Data.GetString(r, RelionLabels.GroupName)}")),
        };
        var leaveOut = sets.Count > 1 ? new[] { RelionLabels.GroupNumber } : [];
        var layout = dataJoin.Select(rewrites, [], leaveOut, "data_" + sets[0].DataBlock.Name);
        var report = new JoinReport(sets[0].Kind, true, sets.Sum(s => s.Data.RowCount), summaries, [],
            dataJoin.Filled, dataJoin.Dropped, warnings);
        return new PreparedJoin(new StarFile(), sets[0].DataBlock.Name, null, dataJoin, layout, report);
    }

    /// <summary>
    /// Refuses a file name that appears twice, in one input or in two; the message names both places. Names are
    /// compared by a 64-bit hash of their unquoted bytes (no string per row); a hash seen twice is confirmed on the
    /// text.
    /// </summary>
    private static void RefuseDuplicateNames(IReadOnlyList<StarDataSet> sets)
    {
        string label = sets[0].NameLabel!;
        var seen = new HashSet<ulong>(sets.Sum(s => s.Data.RowCount));
        for (int k = 0; k < sets.Count; k++)
        {
            var column = sets[k].Data.Column(label);
            for (int r = 0; r < column.Count; r++)
            {
                if (seen.Add(Hash(Unquoted(column.RawUtf8(r))))) continue;
                string name = column.GetString(r);
                // a hash collision
                if (FirstOccurrence(sets, label, name, k, r) is not var (firstSet, firstRow)) continue;
                string first = firstSet == k ? $"row {firstRow + 1}" : $"{sets[firstSet].Path} (row {firstRow + 1})";
                throw new CryoMergeInputException(sets[k].Path,
                    $"_{label} {name} in row {r + 1} appears already in {first}; joining it twice would count it " +
                    $"twice");
            }
        }
    }

    /// <summary>
    /// Particles of two data sets that name the same micrograph (often "Micrographs/mic001.mrc" relative to two
    /// projects) look to RELION like particles of one micrograph: CTF refinement and Bayesian polishing group by it.
    /// </summary>
    private static void WarnSharedMicrographNames(IReadOnlyList<StarDataSet> sets, List<string> warnings)
    {
        var owner = new Dictionary<ulong, int>();
        for (int k = 0; k < sets.Count; k++)
        {
            if (sets[k].Data.TryColumn(RelionLabels.MicrographName) is not { } column) continue;
            var shared = new Dictionary<int, (int Count, string Example)>();
            var mine = new HashSet<ulong>();
            for (int r = 0; r < column.Count; r++)
            {
                ulong h = Hash(Unquoted(column.RawUtf8(r)));
                if (!mine.Add(h)) continue;
                if (owner.TryGetValue(h, out int other) && other != k)
                    shared[other] = shared.TryGetValue(other, out var s) ? (s.Count + 1, s.Example) : (1,
                        column.GetString(r));
                else owner.TryAdd(h, k);
            }
            foreach (var (other, (count, example)) in shared)
                warnings.Add(
                    $"{sets[k].Path}: {count} micrograph name(s) also appear in {sets[other].Path} (e.g. {example}); " +
                    $"RELION groups particles by _rlnMicrographName (CTF refinement, polishing), so give each data " +
                    $"set's micrographs distinct names before those steps");
        }
    }

    private static ReadOnlySpan<byte> Unquoted(ReadOnlySpan<byte> raw) =>
        raw.Length >= 2 && (raw[0] == (byte)'"' || raw[0] == (byte)'\'') && raw[^1] == raw[0] ? raw[1..^1] : raw;

    /// <summary>FNV-1a, 64 bits.</summary>
    private static ulong Hash(ReadOnlySpan<byte> bytes)
    {
        ulong h = 14695981039346656037UL;
        foreach (byte b in bytes) h = (h ^ b) * 1099511628211UL;
        return h;
    }

    /// <summary>Where a name first appears before (set, row), or null when it does not (a hash collision).</summary>
    private static (int Set, int Row)? FirstOccurrence(IReadOnlyList<StarDataSet> sets, string label, string name,
        int beforeSet, int beforeRow)
    {
        for (int k = 0; k <= beforeSet; k++)
        {
            var column = sets[k].Data.Column(label);
            int end = k == beforeSet ? beforeRow : column.Count;
            for (int r = 0; r < end; r++) if (column.GetString(r) == name) return (k, r);
        }
        return null;
    }
}
