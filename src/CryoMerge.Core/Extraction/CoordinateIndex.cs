using System.Buffers.Binary;
using System.Text;
using Microsoft.Win32.SafeHandles;

namespace CryoMerge.Core.Extraction;

/// <summary>
/// The compact file of one data set's particles that an extraction's work items and its STAR file read instead of the
/// coordinate STAR file: every particle's x, y and the byte offset of its row in that file (24 bytes), grouped by
/// micrograph in the order of the micrographs STAR file and, within one, in the order of the rows, which is
/// relion_preprocess's order. Written once per plan by <see cref="IndexedExtractionPlan.WriteIndex"/>, atomically,
/// its bytes a function of the two input files alone. It names neither file (it can move with its folder): it keeps
/// their <see cref="FileStamp"/>s, and an index whose stamps differ from the files on disk is stale
/// (<see cref="IsCurrent"/>) and written again, never read. Layout (little-endian):
/// <code>
/// "CMXY0002", int64 offset of the records, int64 particles, int32 micrographs,
/// int64 length + int64 write ticks of the coordinate file, the same of the micrographs file,
/// int32 columns + strings, int32 notes + strings (int32 length + UTF-8 each),
/// micrographs x (int32 micrograph row, int32 particles, int64 first particle),
/// particles x (float64 x, float64 y, int64 row offset)
/// </code>
/// </summary>
internal sealed class CoordinateIndex
{
    public const string FileName = "particle-coordinates.bin";

    public const int RecordSize = 24;

    private static ReadOnlySpan<byte> Magic => "CMXY0002"u8;

    private CoordinateIndex(FileStamp coordinates, FileStamp micrographs, IReadOnlyList<string> columns,
        IReadOnlyList<string> notes, IReadOnlyList<(int Row, int Particles, long First)> micrographRows,
        long recordsAt, long particles)
    {
        CoordinatesStamp = coordinates;
        MicrographsStamp = micrographs;
        Columns = columns;
        Notes = notes;
        Micrographs = micrographRows;
        RecordsAt = recordsAt;
        Particles = particles;
    }

    /// <summary>The coordinate STAR file the row offsets point into, as it was when the index was written.</summary>
    public FileStamp CoordinatesStamp { get; }

    /// <summary>The micrographs STAR file, as it was when the index was written.</summary>
    public FileStamp MicrographsStamp { get; }

    public IReadOnlyList<string> Columns { get; }

    /// <summary>What planning noted (skipped particles, pixel size disagreements), for the gather's result.</summary>
    public IReadOnlyList<string> Notes { get; }

    /// <summary>Micrographs with particles, in the micrographs STAR file's order.</summary>
    public IReadOnlyList<(int Row, int Particles, long First)> Micrographs { get; }

    public long RecordsAt { get; }

    public long Particles { get; }

    /// <summary>The head of a file: everything but the records.</summary>
    public static byte[] Head(FileStamp coordinates, FileStamp micrographsFile, IReadOnlyList<string> columns,
        IReadOnlyList<string> notes, IReadOnlyList<(int Row, int Particles, long First)> micrographs, long particles)
    {
        using var body = new MemoryStream();
        using (var w = new BinaryWriter(body, Encoding.UTF8, leaveOpen: true))
        {
            foreach (var stamp in new[] { coordinates, micrographsFile })
            {
                w.Write(stamp.Length);
                w.Write(stamp.WriteTicks);
            }
            w.Write(columns.Count);
            foreach (var c in columns) WriteString(w, c);
            w.Write(notes.Count);
            foreach (var n in notes) WriteString(w, n);
            foreach (var (row, count, first) in micrographs)
            {
                w.Write(row);
                w.Write(count);
                w.Write(first);
            }
        }
        const int fixedSize = 8 + 8 + 8 + 4;
        var head = new byte[fixedSize + body.Length];
        Magic.CopyTo(head);
        BinaryPrimitives.WriteInt64LittleEndian(head.AsSpan(8), head.Length);
        BinaryPrimitives.WriteInt64LittleEndian(head.AsSpan(16), particles);
        BinaryPrimitives.WriteInt32LittleEndian(head.AsSpan(24), micrographs.Count);
        body.ToArray().CopyTo(head, fixedSize);
        return head;
    }

    /// <summary>A record's bytes.</summary>
    public static void Record(Span<byte> destination, double x, double y, long rowOffset)
    {
        BinaryPrimitives.WriteDoubleLittleEndian(destination, x);
        BinaryPrimitives.WriteDoubleLittleEndian(destination[8..], y);
        BinaryPrimitives.WriteInt64LittleEndian(destination[16..], rowOffset);
    }

    /// <summary>Reads the head of an index (not its records).</summary>
    public static CoordinateIndex Read(string path)
    {
        using var stream = Open(path);
        using var r = new BinaryReader(stream, Encoding.UTF8);
        var (recordsAt, particles, count) = Fixed(path, r);
        var coordinates = new FileStamp(r.ReadInt64(), r.ReadInt64());
        var micrographsFile = new FileStamp(r.ReadInt64(), r.ReadInt64());
        var columns = Enumerable.Range(0, r.ReadInt32()).Select(_ => ReadString(r)).ToList();
        var notes = Enumerable.Range(0, r.ReadInt32()).Select(_ => ReadString(r)).ToList();
        var micrographs = new List<(int, int, long)>(count);
        for (int i = 0; i < count; i++) micrographs.Add((r.ReadInt32(), r.ReadInt32(), r.ReadInt64()));
        if (stream.Position != recordsAt || stream.Length != recordsAt + particles * RecordSize)
            throw new CryoMergeInputException(path, "is damaged (its length does not match its head); plan again");
        return new CoordinateIndex(coordinates, micrographsFile, columns, notes, micrographs, recordsAt, particles);
    }

    /// <summary>Whether this index was made from the two files as they are now (same stamps).</summary>
    public bool MadeFrom(string micrographsStar, string coordinatesStar) =>
        CoordinatesStamp == FileStamp.Of(coordinatesStar) && MicrographsStamp == FileStamp.Of(micrographsStar);

    /// <summary>
    /// Whether the index at <paramref name="path"/> can be trusted: there, whole, and made from
    /// <paramref name="micrographsStar"/> and <paramref name="coordinatesStar"/> as they are now (same stamps).
    /// </summary>
    public static bool IsCurrent(string path, string micrographsStar, string coordinatesStar)
    {
        if (!File.Exists(path)) return false;
        try
        {
            return Read(path).MadeFrom(micrographsStar, coordinatesStar);
        }
        catch (Exception e) when (e is CryoMergeInputException or IOException or ArgumentException or OverflowException)
        {
            return false;
        }
    }

    /// <summary>
    /// The coordinates of particles <paramref name="first"/> to <paramref name="first"/> + <paramref name="count"/>
    /// - 1 (one micrograph's), read straight from the file: memory is 16 bytes a particle of the micrograph.
    /// </summary>
    public static ParticleCoordinate[] ReadCoordinates(string path, long first, int count)
    {
        using var stream = Open(path);
        using var r = new BinaryReader(stream, Encoding.UTF8);
        var (recordsAt, particles, _) = Fixed(path, r);
        if (first < 0 || first + count > particles)
            throw new CryoMergeInputException(path, $"has {particles} particles, not {first + count}; plan again");
        var coordinates = new ParticleCoordinate[count];
        var buffer = new byte[Math.Min(count, 4096) * RecordSize];
        stream.Position = recordsAt + first * RecordSize;
        for (int done = 0; done < count;)
        {
            int n = Math.Min(count - done, buffer.Length / RecordSize);
            stream.ReadExactly(buffer, 0, n * RecordSize);
            for (int i = 0; i < n; i++)
            {
                var record = buffer.AsSpan(i * RecordSize, RecordSize);
                coordinates[done + i] = new ParticleCoordinate(BinaryPrimitives.ReadDoubleLittleEndian(record),
                    BinaryPrimitives.ReadDoubleLittleEndian(record[8..]));
            }
            done += n;
        }
        return coordinates;
    }

    /// <summary>Every record's row offset, in order, from a stream of the records (for the gather).</summary>
    public IEnumerable<long> RowOffsets(string path)
    {
        using var stream = Open(path);
        stream.Position = RecordsAt;
        var buffer = new byte[4096 * RecordSize];
        for (long done = 0; done < Particles;)
        {
            int n = (int)Math.Min(Particles - done, 4096);
            stream.ReadExactly(buffer, 0, n * RecordSize);
            for (int i = 0; i < n; i++)
                yield return BinaryPrimitives.ReadInt64LittleEndian(buffer.AsSpan(i * RecordSize + 16));
            done += n;
        }
    }

    /// <summary>Opens the file for writing records at their places (<see cref="RandomAccess.Write(SafeFileHandle,
    /// ReadOnlySpan{byte}, long)"/>).</summary>
    public static SafeFileHandle Create(string path) =>
        File.OpenHandle(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, FileOptions.RandomAccess);

    private static FileStream Open(string path)
    {
        try
        {
            return new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        }
        catch (FileNotFoundException e)
        {
            throw new CryoMergeInputException(path, "is missing: the extraction was not planned (run it again)", e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CryoMergeInputException(path, $"cannot be read: {e.Message}", e);
        }
    }

    private static (long RecordsAt, long Particles, int Micrographs) Fixed(string path, BinaryReader r)
    {
        try
        {
            if (!r.ReadBytes(8).AsSpan().SequenceEqual(Magic))
                throw new CryoMergeInputException(path, "is not a cryomerge coordinate index");
            return (r.ReadInt64(), r.ReadInt64(), r.ReadInt32());
        }
        catch (EndOfStreamException e)
        {
            throw new CryoMergeInputException(path, "is truncated; plan the extraction again", e);
        }
    }

    private static void WriteString(BinaryWriter w, string s)
    {
        var bytes = Encoding.UTF8.GetBytes(s);
        w.Write(bytes.Length);
        w.Write(bytes);
    }

    private static string ReadString(BinaryReader r) => Encoding.UTF8.GetString(r.ReadBytes(r.ReadInt32()));
}
