using CryoMerge.Core.Formats;

namespace CryoMerge.Core.Merging;

/// <summary>
/// One input of a streamed join: the path its messages name, and how to read it (with any changes the caller makes,
/// such as the merge's relocated names). The join reads it several times and needs the same rows each time.
/// </summary>
public sealed record JoinSource(string Path, Func<StarDataSet> Read)
{
    /// <summary>A STAR file read as it is.</summary>
    public static JoinSource File(string path) => new(path, () => StarDataSet.Read(path));
}

public static partial class StarJoin
{
    /// <summary>
    /// Joins <paramref name="inputs"/> into <paramref name="output"/> (atomically) holding one input at a time: a
    /// first pass reads each input, checks it, converts it, decides its optics groups and records what the output
    /// needs (its columns' headings and widths, its optics table, the hashes of its names), then lets it go; the
    /// joined rows are then streamed (<see cref="StarLoopStream"/>), each input read and converted again in turn.
    /// The memory is that of the largest input plus 11-21 bytes a row of all inputs (the duplicate-name check,
    /// <see cref="HashSet64"/>), not that of the whole job; the bytes are those of <see cref="Join"/>'s file.
    /// </summary>
    public static JoinReport JoinTo(IReadOnlyList<JoinSource> inputs, string output, JoinOptions? options = null)
    {
        options ??= new JoinOptions();
        if (inputs.Count == 0) throw new ArgumentException("nothing to join", nameof(inputs));
        var join = new StreamedInputs(inputs, options);
        var (layout, widths) = join.Decide();
        StarLoopStream.Write(output, join.Head, join.BlockName, join.Version, layout.Labels, widths, join.Report.Rows,
            join.WriteRows, layout.Comments);
        return join.Report;
    }

    /// <summary>The first pass's decisions and the reading of each input again.</summary>
    private sealed class StreamedInputs(IReadOnlyList<JoinSource> sources, JoinOptions options)
    {
        private readonly List<string> _paths = [];
        private readonly List<int> _rows = [];
        private readonly List<IReadOnlyList<JoinColumns.Heading>> _headings = [];
        private readonly List<Dictionary<string, int>> _widths = [];
        private readonly List<StarTable> _optics = [];
        private readonly List<Dictionary<int, int>> _newNumber = [];
        private readonly List<string[]> _newNameOfRow = [];
        private readonly List<JoinedOpticsGroup> _groups = [];
        private readonly List<string> _blockWarnings = [], _conversionWarnings = [], _sharedWarnings = [];
        private readonly List<JoinedInput> _summaries = [];
        private readonly HashSet64 _names = new();
        private readonly Dictionary<ulong, int> _micrographOwner = [];
        private readonly HashSet<string> _usedGroupNames = new(StringComparer.Ordinal);
        private StarDataKind _kind;
        private string _nameLabel = "", _dataBlockName = "", _firstPath = "";
        private int _inputVersion;
        private JoinColumns.Layout? _layout;
        private StarTable? _current;
        private int _currentInput = -1;

        public StarFile Head { get; } = new();

        public string BlockName { get; private set; } = "";

        public int? Version { get; private set; }

        public JoinReport Report { get; private set; } = null!;

        /// <summary>
        /// The first pass: every input read once, checked, its decisions kept and its rows measured; the data's
        /// layout and the widths of its columns.
        /// </summary>
        public (JoinColumns.Layout Layout, int[] Widths) Decide()
        {
            for (int k = 0; k < sources.Count; k++)
            {
                Decide(k);
                Release();
            }
            var warnings = _blockWarnings.Concat(_conversionWarnings).Concat(_sharedWarnings).ToList();
            var names = _paths.Select(p => Path.GetFileName(p)).ToList();
            var dataJoin = new JoinColumns(_headings, names);
            if (options.KeepRelion30)
            {
                _layout = dataJoin.Select(Relion30Rewrites(DataOf), [], LeftOut(sources.Count), "data_"
                    + _dataBlockName);
                BlockName = _dataBlockName;
                Report = new JoinReport(_kind, true, _rows.Sum(), _summaries, [], dataJoin.Filled, dataJoin.Dropped,
                    warnings);
                return (_layout, Widths(_layout));
            }
            var (optics, opticsJoin) = JoinOptics(_optics, names, _groups, _newNumber, _newNameOfRow);
            _layout = dataJoin.Select(Relion31Rewrites(DataOf, _groups, _newNumber), [], LeftOut(sources.Count),
                $"data_{StarDataSet.TableName(_kind)}");
            Version = JoinedVersion(_inputVersion);
            Head.AddTableBlock("optics", optics, Version);
            BlockName = StarDataSet.TableName(_kind);
            Report = new JoinReport(_kind, false, _rows.Sum(), _summaries, _groups,
                [.. opticsJoin.Filled, .. dataJoin.Filled], [.. opticsJoin.Dropped, .. dataJoin.Dropped], warnings);
            return (_layout, Widths(_layout));
        }

        /// <summary>The joined rows, input after input, each read and converted again and let go.</summary>
        public void WriteRows(IStarRowSink sink)
        {
            for (int k = 0; k < sources.Count; k++)
            {
                Write(k, sink);
                Release();
            }
        }

        private void Decide(int k)
        {
            var raw = sources[k].Read();
            if (k == 0) (_kind, _firstPath) = (raw.Kind, raw.Path);
            RequireJoinable(raw, _kind, _firstPath);
            WarnUnjoinedBlocks(raw, _blockWarnings);
            _summaries.Add(new JoinedInput(raw.Path, raw.Generation, raw.Data.RowCount,
                !options.KeepRelion30 && raw.Generation == StarGeneration.Relion30));
            if (options.KeepRelion30 && raw.Generation != StarGeneration.Relion30) RefuseNewer(raw);
            var set = options.KeepRelion30 ? raw : Converted(raw, options, _conversionWarnings);
            if (k == 0) (_nameLabel, _dataBlockName) = (set.NameLabel!, set.DataBlock.Name);
            _paths.Add(set.Path);
            _rows.Add(set.Data.RowCount);
            (_current, _currentInput) = (set.Data, k);
            RefuseDuplicateNames(k, _nameLabel, _names, DataOf, j => _paths[j]);
            if (_kind == StarDataKind.Particles)
                WarnSharedMicrographNames(set, k, _micrographOwner, _paths, _sharedWarnings);
            _headings.Add(JoinColumns.Headings(set.Data));
            _inputVersion = Math.Max(_inputVersion, set.DataBlock.Version ?? set.OpticsBlock?.Version ?? 0);
            Dictionary<string, JoinColumns.CellRewrite> rewrites;
            if (options.KeepRelion30) rewrites = Relion30Rewrites(DataOf);
            else
            {
                var (map, rowNames) = NumberOpticsGroups(set, k, _usedGroupNames, _groups);
                _newNumber.Add(map);
                _newNameOfRow.Add(rowNames);
                _optics.Add(set.Optics!);
                // The groups so far number this input's rows as the joined file will.
                rewrites = Relion31Rewrites(DataOf, _groups, _newNumber);
            }
            _widths.Add(MeasureCells(k, set.Data, rewrites));
        }

        private void Write(int k, IStarRowSink sink)
        {
            var data = ReadAgain(k);
            (_current, _currentInput) = (data, k);
            JoinColumns.WriteRows(_layout!, k, data, sink);
        }

        /// <summary>
        /// Lets the input just read go and collects it: the server GC (the silos', the Cli's) would otherwise keep
        /// several inputs' large column arrays until its budget runs out, and the join's peak would again grow with
        /// the number of inputs.
        /// </summary>
        private void Release()
        {
            (_current, _currentInput) = (null, -1);
            GC.Collect();
        }

        /// <summary>By label of <paramref name="data"/>, the length of its longest cell as the joined file has
        /// it.</summary>
        private static Dictionary<string, int> MeasureCells(int k, StarTable data,
            Dictionary<string, JoinColumns.CellRewrite> rewrites)
        {
            var widths = new Dictionary<string, int>(StringComparer.Ordinal);
            foreach (var column in data.Columns)
            {
                var rewrite = rewrites.GetValueOrDefault(column.Name);
                int max = 0;
                for (int r = 0; r < column.Count; r++)
                    max = Math.Max(max, rewrite?.Invoke(k, r) is { } text ? text.Length : column.RawUtf8(r).Length);
                widths[column.Name] = max;
            }
            return widths;
        }

        /// <summary>By column of the layout, its longest cell in any input (the neutral value where missing, if the
        /// input has rows).</summary>
        private int[] Widths(JoinColumns.Layout layout) => layout.Labels.Select((label, c) => Enumerable
            .Range(0, _widths.Count).Select(k => _widths[k].TryGetValue(label, out int width) ? width
                : _rows[k] > 0 ? layout.Neutrals[c]?.Length ?? 0 : 0)
            .DefaultIfEmpty(0).Max()).ToArray();

        /// <summary>Input <paramref name="k"/>'s data: the one being read, or an earlier one read again.</summary>
        private StarTable DataOf(int k) => k == _currentInput ? _current! : ReadAgain(k);

        private StarTable ReadAgain(int k)
        {
            var raw = sources[k].Read();
            var set = options.KeepRelion30 ? raw : Converted(raw, options, []);
            if (set.Data.RowCount != _rows[k])
                throw new CryoMergeInputException(sources[k].Path,
                    $"changed while it was being joined ({_rows[k]} rows, then {set.Data.RowCount})");
            return set.Data;
        }
    }
}
