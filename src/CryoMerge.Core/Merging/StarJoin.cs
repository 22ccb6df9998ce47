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
public static partial class StarJoin
{
    /// <summary>
    /// Reads, joins and writes atomically; inputs are never written. One input at a time is held in memory
    /// (<see cref="JoinTo(IReadOnlyList{JoinSource}, string, JoinOptions?)"/>), the joined table never.
    /// </summary>
    public static JoinReport JoinFiles(IReadOnlyList<string> inputs, string output, JoinOptions? options = null)
    {
        OutputFiles.EnsureNotInput(output, inputs);
        return JoinTo(inputs.Select(JoinSource.File).ToList(), output, options);
    }

    /// <summary>
    /// Joins data sets held in memory and streams the joined rows to <paramref name="output"/> atomically, with the
    /// bytes <see cref="Join"/>'s file would have: the inputs are held once, the joined table never. The inputs' data
    /// tables may be changed (RELION 3.0 inputs are converted in place).
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
        foreach (var set in inputs) RequireJoinable(set, inputs[0].Kind, inputs[0].Path);
        var warnings = new List<string>();
        foreach (var set in inputs) WarnUnjoinedBlocks(set, warnings);
        var summaries = inputs.Select(s => new JoinedInput(s.Path, s.Generation, s.Data.RowCount, false)).ToList();
        List<StarDataSet> sets;
        if (options.KeepRelion30)
        {
            if (inputs.FirstOrDefault(s => s.Generation != StarGeneration.Relion30) is { } newer) RefuseNewer(newer);
            sets = inputs.ToList();
        }
        else
        {
            sets = inputs.Select(s => Converted(s, options, warnings)).ToList();
            summaries = summaries.Select(s => s with { ConvertedFrom30 = s.Generation
                == StarGeneration.Relion30 }).ToList();
        }
        // The duplicate check reads what the join reads: run both at once; the check's verdict comes first.
        var duplicates = Task.Run(() => RefuseDuplicateNames(sets));
        if (sets[0].Kind == StarDataKind.Particles)
        {
            var owner = new Dictionary<ulong, int>();
            for (int k = 0; k < sets.Count; k++)
                WarnSharedMicrographNames(sets[k], k, owner, sets.Select(s => s.Path).ToList(), warnings);
        }
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

    /// <summary>Refuses a file join does not take, or of another kind than the first input's.</summary>
    private static void RequireJoinable(StarDataSet set, StarDataKind kind, string firstPath)
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
                $"holds {StarDataSet.TableName(set.Kind)} but {firstPath} holds " +
                $"{StarDataSet.TableName(kind)}; join files of one kind");
    }

    private static void WarnUnjoinedBlocks(StarDataSet set, List<string> warnings)
    {
        foreach (var block in set.File.Blocks.Where(b => b != set.DataBlock && b != set.OpticsBlock))
            warnings.Add(
                $"{set.Path}: data_{block.Name} is not carried into the joined file (only data_optics and the " +
                $"{StarDataSet.TableName(set.Kind)} are)");
    }

    private static void RefuseNewer(StarDataSet newer) => throw new CryoMergeInputException(newer.Path,
        "is a RELION 3.1+ file (it has data_optics); --keep-3.0 joins RELION 3.0 files only");

    /// <summary>A RELION 3.1 form of <paramref name="set"/> (converted in place when it is a 3.0 file).</summary>
    private static StarDataSet Converted(StarDataSet set, JoinOptions options, List<string> warnings) =>
        set.Generation == StarGeneration.Relion31 ? set
            : Relion30Conversion.ToRelion31(set, warnings, options.ImageHeader is { } h ? name => h(name,
                set.File.SourcePath ?? set.Path) : null);

    private static PreparedJoin JoinRelion31(List<StarDataSet> sets, List<string> names, List<JoinedInput> summaries,
        List<string> warnings)
    {
        var groups = new List<JoinedOpticsGroup>();
        var used = new HashSet<string>(StringComparer.Ordinal);
        var newNumber = new List<Dictionary<int, int>>();
        var newNameOfRow = new List<string[]>();
        for (int k = 0; k < sets.Count; k++)
        {
            var (map, rowNames) = NumberOpticsGroups(sets[k], k, used, groups);
            newNumber.Add(map);
            newNameOfRow.Add(rowNames);
        }

        var opticsTables = sets.Select(s => s.Optics!).ToList();
        var (optics, opticsJoin) = JoinOptics(opticsTables, names, groups, newNumber, newNameOfRow);
        var dataJoin = new JoinColumns(sets.Select(s => s.Data).ToList(), names);
        var kind = sets[0].Kind;
        var layout = dataJoin.Select(Relion31Rewrites(k => sets[k].Data, groups, newNumber), [],
            LeftOut(sets.Count), $"data_{StarDataSet.TableName(kind)}");

        int version = JoinedVersion(sets.Max(s => s.DataBlock.Version ?? s.OpticsBlock?.Version ?? 0));
        var head = new StarFile();
        head.AddTableBlock("optics", optics, version);
        var report = new JoinReport(kind, false, sets.Sum(s => s.Data.RowCount), summaries, groups,
            [.. opticsJoin.Filled, .. dataJoin.Filled], [.. opticsJoin.Dropped, .. dataJoin.Dropped], warnings);
        return new PreparedJoin(head, StarDataSet.TableName(kind), version, dataJoin, layout, report);
    }

    /// <summary>
    /// Numbers input <paramref name="k"/>'s optics groups after those of the inputs before it (in
    /// <paramref name="groups"/>) and renames a group whose name is <paramref name="used"/>: its old number -> new
    /// number, and the new name of each optics row.
    /// </summary>
    private static (Dictionary<int, int> NewNumber, string[] NameOfRow) NumberOpticsGroups(StarDataSet set, int k,
        HashSet<string> used, List<JoinedOpticsGroup> groups)
    {
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
        return (map, rowNames);
    }

    /// <summary>The joined optics table (small: one row a group) and its join's filled and dropped columns.</summary>
    private static (StarTable Table, JoinColumns Join) JoinOptics(List<StarTable> optics, List<string> names,
        List<JoinedOpticsGroup> groups, List<Dictionary<int, int>> newNumber, List<string[]> newNameOfRow)
    {
        var numberBytes = NumberBytes(groups);
        var join = new JoinColumns(optics, names);
        var table = join.Build(join.Select(new Dictionary<string, JoinColumns.CellRewrite>
        {
            [RelionLabels.OpticsGroup] = (k, o) => numberBytes[newNumber[k][optics[k].GetInt(o,
                RelionLabels.OpticsGroup)] - 1],
            [RelionLabels.OpticsGroupName] = (k, o) => Encoding.UTF8.GetBytes(StarValues.Quote(newNameOfRow[k][o])),
        }, [RelionLabels.OpticsGroupName, RelionLabels.OpticsGroup], [], "data_optics"));
        return (table, join);
    }

    private static byte[][] NumberBytes(List<JoinedOpticsGroup> groups) =>
        groups.Select(g => Encoding.ASCII.GetBytes(g.Number.ToString())).ToArray();

    /// <summary>
    /// The data rows' new optics group numbers, and rlnGroupName of inputs after the first prefixed "opticsN_";
    /// <paramref name="dataOf"/> gives input k's data table.
    /// </summary>
    private static Dictionary<string, JoinColumns.CellRewrite> Relion31Rewrites(Func<int, StarTable> dataOf,
        List<JoinedOpticsGroup> groups, List<Dictionary<int, int>> newNumber)
    {
        var numberBytes = NumberBytes(groups);
        // Looked up by name for every row (a few ns): a cached column would keep a streamed input's table alive.
        StarColumn GroupColumn(int k) => dataOf(k).Column(RelionLabels.OpticsGroup);
        return new Dictionary<string, JoinColumns.CellRewrite>
        {
            [RelionLabels.OpticsGroup] = (k, r) => numberBytes[newNumber[k][GroupColumn(k).GetInt(r)] - 1],
            [RelionLabels.GroupName] = (k, r) => k == 0 ? null : Encoding.UTF8.GetBytes(StarValues.Quote(
                $"optics{newNumber[k][GroupColumn(k).GetInt(r)]}_"
                + dataOf(k).GetString(r, RelionLabels.GroupName))),
        };
    }

    /// <summary>rlnGroupNumber is left out of a join of several inputs, as RELION does.</summary>
    private static string[] LeftOut(int inputs) => inputs > 1 ? [RelionLabels.GroupNumber] : [];

    private static int JoinedVersion(int inputs) => Math.Max(Relion30Conversion.Version31, inputs);

    private static PreparedJoin JoinRelion30(List<StarDataSet> sets, List<string> names, List<JoinedInput> summaries,
        List<string> warnings)
    {
        var dataJoin = new JoinColumns(sets.Select(s => s.Data).ToList(), names);
        var layout = dataJoin.Select(Relion30Rewrites(k => sets[k].Data), [], LeftOut(sets.Count),
            "data_" + sets[0].DataBlock.Name);
        var report = new JoinReport(sets[0].Kind, true, sets.Sum(s => s.Data.RowCount), summaries, [],
            dataJoin.Filled, dataJoin.Dropped, warnings);
        return new PreparedJoin(new StarFile(), sets[0].DataBlock.Name, null, dataJoin, layout, report);
    }

    /// <summary>rlnGroupName of inputs after the first prefixed "setN_" (a RELION 3.0 join).</summary>
    private static Dictionary<string, JoinColumns.CellRewrite> Relion30Rewrites(Func<int, StarTable> dataOf) => new()
    {
        [RelionLabels.GroupName] = (k, r) => k == 0 ? null : Encoding.UTF8.GetBytes(StarValues.Quote(
            $"set{k + 1}_{dataOf(k).GetString(r, RelionLabels.GroupName)}")),
    };

    /// <summary>
    /// Refuses a file name that appears twice, in one input or in two; the message names both places. Names are
    /// compared by a 64-bit hash of their unquoted bytes (no string per row); a hash seen twice is confirmed on the
    /// text.
    /// </summary>
    private static void RefuseDuplicateNames(IReadOnlyList<StarDataSet> sets)
    {
        var seen = new HashSet64();
        for (int k = 0; k < sets.Count; k++)
            RefuseDuplicateNames(k, sets[0].NameLabel!, seen, j => sets[j].Data, j => sets[j].Path);
    }

    /// <summary>
    /// Adds the names of input <paramref name="k"/> to <paramref name="seen"/> (their hashes) and refuses one seen
    /// before. <paramref name="dataOf"/> gives an input's data table: input k's, or an earlier one's to confirm a
    /// repeated hash on the text.
    /// </summary>
    private static void RefuseDuplicateNames(int k, string label, HashSet64 seen, Func<int, StarTable> dataOf,
        Func<int, string> pathOf)
    {
        var column = dataOf(k).Column(label);
        for (int r = 0; r < column.Count; r++)
        {
            if (seen.Add(Hash(Unquoted(column.RawUtf8(r))))) continue;
            string name = column.GetString(r);
            // a hash collision
            if (FirstOccurrence(dataOf, label, name, k, r) is not var (firstSet, firstRow)) continue;
            string first = firstSet == k ? $"row {firstRow + 1}" : $"{pathOf(firstSet)} (row {firstRow + 1})";
            throw new CryoMergeInputException(pathOf(k),
                $"_{label} {name} in row {r + 1} appears already in {first}; joining it twice would count it " +
                $"twice");
        }
    }

    /// <summary>
    /// Particles of two data sets that name the same micrograph (often "Micrographs/mic001.mrc" relative to two
    /// projects) look to RELION like particles of one micrograph: CTF refinement and Bayesian polishing group by it.
    /// Warns of input <paramref name="k"/>'s names that an earlier input (<paramref name="owner"/>: the first input
    /// of each name's hash) has; <paramref name="paths"/> names the inputs.
    /// </summary>
    private static void WarnSharedMicrographNames(StarDataSet set, int k, Dictionary<ulong, int> owner,
        IReadOnlyList<string> paths, List<string> warnings)
    {
        if (set.Data.TryColumn(RelionLabels.MicrographName) is not { } column) return;
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
                $"{set.Path}: {count} micrograph name(s) also appear in {paths[other]} (e.g. {example}); " +
                $"RELION groups particles by _rlnMicrographName (CTF refinement, polishing), so give each data " +
                $"set's micrographs distinct names before those steps");
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
    private static (int Set, int Row)? FirstOccurrence(Func<int, StarTable> dataOf, string label, string name,
        int beforeSet, int beforeRow)
    {
        for (int k = 0; k <= beforeSet; k++)
        {
            var column = dataOf(k).Column(label);
            int end = k == beforeSet ? beforeRow : column.Count;
            for (int r = 0; r < end; r++) if (column.GetString(r) == name) return (k, r);
        }
        return null;
    }
}
