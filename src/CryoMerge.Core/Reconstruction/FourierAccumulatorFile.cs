using System.Buffers.Binary;
using System.Runtime.InteropServices;
using MathNet.Numerics;

namespace CryoMerge.Core.Reconstruction;

/// <summary>
/// A <see cref="FourierAccumulator"/> on disk, for partial sums passed between silos through shared storage: a
/// 64-byte little-endian header (magic "CMFACC", format version, map size, pixel size, padding, r_max, particle
/// count, padded size), then the data as interleaved float32 real and imaginary parts and the weights as float32,
/// in the accumulator's order. Written atomically (temporary name, then rename), so a reader never sees half a file.
/// </summary>
public static class FourierAccumulatorFile
{
    public const int HeaderSize = 64;
    private const int FormatVersion = 1;
    private static ReadOnlySpan<byte> Magic => "CMFACC\0\0"u8;

    public static void Save(FourierAccumulator sums, string path)
    {
        if (!BitConverter.IsLittleEndian)
            throw new PlatformNotSupportedException("accumulator files are written on little-endian machines only");
        string tmp = OutputFiles.TemporaryPathFor(path);
        try
        {
            using (var stream = new FileStream(tmp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 20))
            {
                Span<byte> header = stackalloc byte[HeaderSize];
                WriteHeader(sums, header);
                stream.Write(header);
                Write<Complex32>(stream, sums.Data);
                Write<float>(stream, sums.Weights);
            }
            OutputFiles.Commit(tmp, path);
        }
        catch
        {
            OutputFiles.Discard(tmp);
            throw;
        }
    }

    public static FourierAccumulator Load(string path)
    {
        using var stream = Open(path, out var grid, out long particles);
        var data = new Complex32[grid.Count];
        var weights = new float[grid.Count];
        Read<Complex32>(stream, data);
        Read<float>(stream, weights);
        return new FourierAccumulator(grid, data, weights, particles);
    }

    /// <summary>
    /// Adds a saved partial sum to <paramref name="total"/> without holding a second grid in memory (a chunk at a
    /// time);
    /// the result is bit-identical to <c>total.Add(Load(path))</c>.
    /// </summary>
    public static void AddInto(string path, FourierAccumulator total)
    {
        using var stream = Open(path, out var grid, out long particles);
        if (grid != total.Grid) throw new CryoMergeInputException(path, $"holds sums for a {grid}, not a {total.Grid}");
        var buffer = new float[1 << 20];
        var data = MemoryMarshal.Cast<Complex32, float>(total.Data.AsSpan());
        AddChunks(stream, data, buffer);
        AddChunks(stream, total.Weights, buffer);
        total.ParticleCount += particles;
    }

    private static void AddChunks(Stream stream, Span<float> target, float[] buffer)
    {
        for (int offset = 0; offset < target.Length; offset += buffer.Length)
        {
            int count = Math.Min(buffer.Length, target.Length - offset);
            var chunk = buffer.AsSpan(0, count);
            stream.ReadExactly(MemoryMarshal.AsBytes(chunk));
            FourierAccumulator.AddInPlace(target.Slice(offset, count), chunk);
        }
    }

    private static FileStream Open(string path, out ReconstructionGrid grid, out long particles)
    {
        if (!BitConverter.IsLittleEndian)
            throw new PlatformNotSupportedException("accumulator files are read on little-endian machines only");
        var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20);
        try
        {
            Span<byte> header = stackalloc byte[HeaderSize];
            int read = stream.ReadAtLeast(header, HeaderSize, throwOnEndOfStream: false);
            if (read < HeaderSize || !header[..Magic.Length].SequenceEqual(Magic))
                throw new CryoMergeInputException(path, "is not a CryoMerge Fourier accumulator file");
            int version = BinaryPrimitives.ReadInt32LittleEndian(header[8..]);
            if (version != FormatVersion)
                throw new CryoMergeInputException(path,
                    $"has accumulator format {version}; this version reads {FormatVersion}");
            grid = new ReconstructionGrid(
                BinaryPrimitives.ReadInt32LittleEndian(header[12..]),
                BinaryPrimitives.ReadDoubleLittleEndian(header[16..]),
                BinaryPrimitives.ReadDoubleLittleEndian(header[24..]),
                BinaryPrimitives.ReadInt32LittleEndian(header[32..]));
            particles = BinaryPrimitives.ReadInt64LittleEndian(header[36..]);
            int paddedSize = BinaryPrimitives.ReadInt32LittleEndian(header[44..]);
            if (grid.MapSize < 4 || !(grid.PixelSize > 0) || !(grid.Padding >= 1) || grid.MaxRadius < 1
                || grid.MaxRadius > grid.MapSize / 2
                || paddedSize != grid.PaddedSize || particles < 0)
                throw new CryoMergeInputException(path, "has an inconsistent accumulator header");
            long expected = HeaderSize + grid.Count * 12;
            if (stream.Length != expected)
                throw new CryoMergeInputException(path,
                    $"is {stream.Length} bytes; a {grid} accumulator is {expected}");
            return stream;
        }
        catch
        {
            stream.Dispose();
            throw;
        }
    }

    private static void WriteHeader(FourierAccumulator sums, Span<byte> header)
    {
        header.Clear();
        Magic.CopyTo(header);
        var g = sums.Grid;
        BinaryPrimitives.WriteInt32LittleEndian(header[8..], FormatVersion);
        BinaryPrimitives.WriteInt32LittleEndian(header[12..], g.MapSize);
        BinaryPrimitives.WriteDoubleLittleEndian(header[16..], g.PixelSize);
        BinaryPrimitives.WriteDoubleLittleEndian(header[24..], g.Padding);
        BinaryPrimitives.WriteInt32LittleEndian(header[32..], g.MaxRadius);
        BinaryPrimitives.WriteInt64LittleEndian(header[36..], sums.ParticleCount);
        BinaryPrimitives.WriteInt32LittleEndian(header[44..], g.PaddedSize);
    }

    // In chunks of 2^26 elements: a whole grid may exceed the 2 GB a byte span can hold.
    private const int ChunkElements = 1 << 26;

    private static void Write<T>(Stream stream, T[] values) where T : unmanaged
    {
        for (int offset = 0; offset < values.Length; offset += ChunkElements)
            stream.Write(MemoryMarshal.AsBytes(values.AsSpan(offset, Math.Min(ChunkElements, values.Length - offset))));
    }

    private static void Read<T>(Stream stream, T[] values) where T : unmanaged
    {
        for (int offset = 0; offset < values.Length; offset += ChunkElements)
            stream.ReadExactly(MemoryMarshal.AsBytes(values.AsSpan(offset, Math.Min(ChunkElements,
                values.Length - offset))));
    }
}
