using System.Globalization;
using CryoMerge.Core.Formats;

namespace CryoMerge.Core.Extraction;

/// <summary>
/// One micrograph of an <see cref="IndexedExtractionPlan"/>, as a work item carries it: no coordinates, only where
/// its particles are in the plan's <see cref="CoordinateIndex"/>.
/// </summary>
/// <param name="MicrographName">rlnMicrographName as in the micrographs STAR file.</param>
/// <param name="MicrographPath">Where that micrograph is on disk.</param>
/// <param name="StackPath">Output stack (.mrcs).</param>
/// <param name="OutputPixelSize">Pixel size written in the stack header (A).</param>
/// <param name="FirstParticle">Index of its first particle in the coordinate index.</param>
/// <param name="Particles">How many particles it has.</param>
public sealed record IndexedMicrograph(string MicrographName, string MicrographPath, string StackPath,
    double OutputPixelSize, long FirstParticle, int Particles)
{
    /// <summary>The extraction item of this micrograph, its coordinates read from <paramref name="index"/> (16 bytes
    /// a particle).</summary>
    public MicrographExtractionItem ToItem(string index) => new(MicrographName, MicrographPath, StackPath,
        OutputPixelSize, CoordinateIndex.ReadCoordinates(index, FirstParticle, Particles));
}

/// <summary>
/// A checked extraction whose particles stay on disk (<see cref="IndexedExtractionPlanner"/>): its micrographs, in
/// the order of the micrographs STAR file, and, once <see cref="WriteIndex"/> has run, the coordinate index that
/// holds every particle's position and row. Memory is a constant per micrograph, whatever the number of particles.
/// </summary>
public sealed class IndexedExtractionPlan
{
    private readonly MicrographTable _mics;
    private readonly CoordinateStream _coordinates;
    private readonly IReadOnlyList<PlannedMicrograph> _planned;

    internal IndexedExtractionPlan(ExtractionSettings settings, string outputDirectory, string starPath,
        string indexPath, MicrographTable mics, CoordinateStream coordinates, IReadOnlyList<IndexedMicrograph> items,
        IReadOnlyList<PlannedMicrograph> planned, IReadOnlyList<string> warnings)
    {
        Settings = settings;
        OutputDirectory = outputDirectory;
        StarPath = starPath;
        IndexPath = indexPath;
        _mics = mics;
        _coordinates = coordinates;
        Items = items;
        _planned = planned;
        Warnings = warnings;
    }

    /// <summary>What the plan keeps of a micrograph besides its item: its row and its size.</summary>
    internal sealed record PlannedMicrograph(int Row, int Width, int Height);

    public ExtractionSettings Settings { get; }

    /// <summary>DIR, the folder every output is written into.</summary>
    public string OutputDirectory { get; }

    /// <summary>DIR/particles.star.</summary>
    public string StarPath { get; }

    /// <summary>DIR/<see cref="CoordinateIndex.FileName"/>.</summary>
    public string IndexPath { get; }

    /// <summary>One per micrograph that has particles, in the order of the micrographs STAR file.</summary>
    public IReadOnlyList<IndexedMicrograph> Items { get; }

    public IReadOnlyList<string> Warnings { get; }

    public long ParticleCount => Items.Sum(i => (long)i.Particles);

    /// <summary>Every file the extraction writes: stacks, the coordinate index and the STAR file.</summary>
    public IEnumerable<string> OutputPaths => Items.Select(i => i.StackPath).Append(IndexPath).Append(StarPath);

    /// <summary>Width times height of item <paramref name="index"/>'s micrograph, for estimates of its cost.</summary>
    public long MicrographPixels(int index) => (long)_planned[index].Width * _planned[index].Height;

    /// <summary>
    /// Reads the coordinates again, checks every particle (a number, inside its micrograph by RELION's rule) and
    /// writes the coordinate index atomically: each particle's record goes straight to its place in the file, so
    /// memory stays at one buffer whether or not the rows are grouped by micrograph. The same inputs always give the
    /// same bytes, so planning again (a resumed merge) replaces the file with itself.
    /// </summary>
    public void WriteIndex()
    {
        var slot = new long[_mics.Count];
        var size = new (int Width, int Height)[_mics.Count];
        var left = new int[_mics.Count];
        foreach (var (item, planned) in Items.Zip(_planned))
        {
            slot[planned.Row] = item.FirstParticle;
            left[planned.Row] = item.Particles;
            size[planned.Row] = (planned.Width, planned.Height);
        }
        var head = CoordinateIndex.Head(_coordinates.Path, _coordinates.Columns, Warnings,
            Items.Zip(_planned, (i, p) => (p.Row, i.Particles, i.FirstParticle)).ToList(), ParticleCount);
        Directory.CreateDirectory(OutputDirectory);
        string tmp = OutputFiles.TemporaryPathFor(IndexPath);
        try
        {
            using (var file = CoordinateIndex.Create(tmp))
            {
                RandomAccess.Write(file, head, 0);
                var run = new RecordRun(file, head.Length);
                _coordinates.ForEachRow(_mics, (offset, row, m, line, cells) =>
                {
                    if (m < 0) return;
                    var (x, y) = _coordinates.Coordinate(row, line, cells);
                    var (width, height) = size[m];
                    if (ParticleProcessor.IsOutside(ParticleProcessor.Truncate(x), ParticleProcessor.Truncate(y),
                        Settings.Box, width, height))
                        throw new CryoMergeInputException(_coordinates.Path, string.Create(CultureInfo.InvariantCulture,
                            $"particle at ({x}, {y}) lies entirely outside micrograph {_mics.Name(m)} ({width} x " +
                            $"{height}) with a {Settings.Box}-pixel box; nothing was written"));
                    if (left[m]-- <= 0) throw Changed();
                    run.Add(slot[m]++, x, y, offset);
                });
                run.Flush();
            }
            if (left.Any(l => l != 0)) throw Changed();
            OutputFiles.Commit(tmp, IndexPath);
        }
        catch
        {
            OutputFiles.Discard(tmp);
            throw;
        }
    }

    private CryoMergeInputException Changed() => new(_coordinates.Path,
        "changed while the extraction was being planned; run it again");

    /// <summary>Records of consecutive places, written with one call (a micrograph's rows usually follow each
    /// other).</summary>
    private sealed class RecordRun(Microsoft.Win32.SafeHandles.SafeFileHandle file, long recordsAt)
    {
        private readonly byte[] _buffer = new byte[4096 * CoordinateIndex.RecordSize];
        private long _first = -1;
        private int _count;

        public void Add(long place, double x, double y, long rowOffset)
        {
            if (_count > 0 && (place != _first + _count || _count * CoordinateIndex.RecordSize == _buffer.Length))
                Flush();
            if (_count == 0) _first = place;
            CoordinateIndex.Record(_buffer.AsSpan(_count++ * CoordinateIndex.RecordSize), x, y, rowOffset);
        }

        public void Flush()
        {
            if (_count == 0) return;
            RandomAccess.Write(file, _buffer.AsSpan(0, _count * CoordinateIndex.RecordSize),
                recordsAt + _first * CoordinateIndex.RecordSize);
            _count = 0;
        }
    }
}
