using CryoMerge.Core.Formats;

namespace CryoMerge.Core.Extraction;

/// <summary>
/// One micrograph of an <see cref="ExtractionPlan"/>, as a work item carries it: no coordinates, only where its
/// particles are in the plan's order (for an <see cref="IndexedExtractionPlan"/>, their place in its
/// <see cref="CoordinateIndex"/>).
/// </summary>
/// <param name="MicrographName">rlnMicrographName as in the micrographs STAR file.</param>
/// <param name="MicrographPath">Where that micrograph is on disk.</param>
/// <param name="StackPath">Output stack (.mrcs).</param>
/// <param name="OutputPixelSize">Pixel size written in the stack header (A).</param>
/// <param name="FirstParticle">Index of its first particle in the plan (in the coordinate index).</param>
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
/// A checked extraction from a coordinate STAR file whose particles stay on disk
/// (<see cref="IndexedExtractionPlanner"/>): its micrographs, in the order of the micrographs STAR file, and, once
/// <see cref="WriteIndex"/> has run, the coordinate index that holds every particle's position and row. Memory is a
/// constant per micrograph, whatever the number of particles. The index is a working file: the merge's gather and
/// <see cref="ParticleExtraction.Run"/> delete it once particles.star is written, and whatever finds it missing or
/// made from other files than those on disk now (<see cref="CoordinateIndex.IsCurrent"/>) plans and writes it
/// again, to the same bytes.
/// </summary>
public sealed class IndexedExtractionPlan : ExtractionPlan
{
    private readonly CoordinateStream _coordinates;
    private readonly FileStamp _coordinatesStamp;

    internal IndexedExtractionPlan(ExtractionSettings settings, string outputDirectory, string indexPath,
        MicrographTable mics, CoordinateStream coordinates, FileStamp coordinatesStamp,
        IReadOnlyList<IndexedMicrograph> items, IReadOnlyList<PlannedMicrograph> planned,
        IReadOnlyList<string> warnings)
        : base(settings, outputDirectory, mics, items, planned, warnings, keepMicrographPixelSize: true)
    {
        IndexPath = indexPath;
        _coordinates = coordinates;
        _coordinatesStamp = coordinatesStamp;
    }

    /// <summary>DIR/<see cref="CoordinateIndex.FileName"/>.</summary>
    public string IndexPath { get; }

    /// <summary>Every file the extraction writes: stacks, the coordinate index (for as long as it is needed) and
    /// the STAR file.</summary>
    public override IEnumerable<string> OutputPaths =>
        Items.Select(i => i.StackPath).Append(IndexPath).Append(StarPath);

    /// <summary>
    /// Reads the coordinates again (planning checked them) and writes the coordinate index atomically: each
    /// particle's record goes straight to its place in the file, so memory stays at one buffer whether or not the
    /// rows are grouped by micrograph. The same files always give the same bytes, so planning again (a resumed
    /// merge, a gather that finds the index gone) replaces the file with itself. A coordinate file that changed
    /// since planning is refused.
    /// </summary>
    public void WriteIndex()
    {
        if (FileStamp.Of(_coordinates.Path) != _coordinatesStamp) throw Changed();
        var slot = new long[Mics.Count];
        var left = new int[Mics.Count];
        foreach (var (item, planned) in Items.Zip(Planned))
        {
            slot[planned.Row] = item.FirstParticle;
            left[planned.Row] = item.Particles;
        }
        var head = CoordinateIndex.Head(_coordinatesStamp, FileStamp.Of(Mics.Path), _coordinates.Columns, Warnings,
            Items.Zip(Planned, (i, p) => (p.Row, i.Particles, i.FirstParticle)).ToList(), ParticleCount);
        Directory.CreateDirectory(OutputDirectory);
        string tmp = OutputFiles.TemporaryPathFor(IndexPath);
        try
        {
            using (var file = CoordinateIndex.Create(tmp))
            {
                RandomAccess.Write(file, head, 0);
                var run = new RecordRun(file, head.Length);
                _coordinates.ForEachRow(Mics, (offset, row, m, line, cells) =>
                {
                    if (m < 0) return;
                    var (x, y) = _coordinates.Coordinate(row, line, cells);
                    if (left[m]-- <= 0) throw Changed();
                    run.Add(slot[m]++, x, y, offset);
                });
                run.Flush();
            }
            if (left.Any(l => l != 0) || FileStamp.Of(_coordinates.Path) != _coordinatesStamp) throw Changed();
            OutputFiles.Commit(tmp, IndexPath);
        }
        catch
        {
            OutputFiles.Discard(tmp);
            throw;
        }
    }

    internal override void Prepare() => WriteIndex();

    internal override MicrographExtractionItem Item(int index) => Items[index].ToItem(IndexPath);

    /// <summary>Writes particles.star from the coordinate index (<see cref="IndexedParticleStar"/>).</summary>
    public override long WriteStar(bool requireStacks = false) => IndexedParticleStar.Write(OutputDirectory,
        Mics.Path, _coordinates.Path, Settings, requireStacks).Particles;

    /// <summary>Deletes the coordinate index: nothing needs it once particles.star is written.</summary>
    internal override void Finish() => OutputFiles.Discard(IndexPath);

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
