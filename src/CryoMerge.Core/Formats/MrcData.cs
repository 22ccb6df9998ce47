using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace CryoMerge.Core.Formats;

/// <summary>Conversion between the bytes of an MRC data block and 32-bit floats, for each supported mode.</summary>
public static class MrcData
{
    /// <summary>Decodes <paramref name="source"/> (exactly dst.Length voxels of <paramref name="mode"/>) into
    /// floats.</summary>
    public static void ToFloat(ReadOnlySpan<byte> source, Span<float> destination, MrcMode mode, bool bigEndian)
    {
        int n = destination.Length;
        if (source.Length != (long)n * MrcModes.BytesPerVoxel(mode))
            throw new ArgumentException("source length does not match the destination and mode");
        switch (mode)
        {
            case MrcMode.Float32:
                var floats = MemoryMarshal.Cast<byte, float>(source);
                if (bigEndian == !BitConverter.IsLittleEndian) floats.CopyTo(destination);
                else BinaryPrimitives.ReverseEndianness(MemoryMarshal.Cast<byte, int>(source), MemoryMarshal.Cast<float,
                    int>(destination));
                break;
            case MrcMode.Int8:
                var bytes = MemoryMarshal.Cast<byte, sbyte>(source);
                for (int i = 0; i < n; i++) destination[i] = bytes[i];
                break;
            case MrcMode.Int16:
                var shorts = MemoryMarshal.Cast<byte, short>(source);
                if (bigEndian == BitConverter.IsLittleEndian)
                    for (int i = 0; i < n; i++) destination[i] = BinaryPrimitives.ReverseEndianness(shorts[i]);
                else
                    for (int i = 0; i < n; i++) destination[i] = shorts[i];
                break;
            case MrcMode.UInt16:
                var ushorts = MemoryMarshal.Cast<byte, ushort>(source);
                if (bigEndian == BitConverter.IsLittleEndian)
                    for (int i = 0; i < n; i++) destination[i] = BinaryPrimitives.ReverseEndianness(ushorts[i]);
                else
                    for (int i = 0; i < n; i++) destination[i] = ushorts[i];
                break;
            case MrcMode.Float16:
                var halves = MemoryMarshal.Cast<byte, ushort>(source);
                bool swap = bigEndian == BitConverter.IsLittleEndian;
                for (int i = 0; i < n; i++)
                {
                    ushort bits = swap ? BinaryPrimitives.ReverseEndianness(halves[i]) : halves[i];
                    destination[i] = (float)BitConverter.UInt16BitsToHalf(bits);
                }
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(mode), mode, $"unknown MRC mode {(int)mode}");
        }
    }

    /// <summary>
    /// Encodes floats little-endian as mode 2 or 12. For mode 12 the values are rounded to the nearest half,
    /// and <paramref name="stored"/> (if given) receives exactly the values that were stored, for statistics.
    /// </summary>
    public static void FromFloat(ReadOnlySpan<float> source, Span<byte> destination, MrcMode mode,
        Span<float> stored = default)
    {
        int n = source.Length;
        if (destination.Length != (long)n * MrcModes.BytesPerVoxel(mode))
            throw new ArgumentException("destination length does not match the source and mode");
        switch (mode)
        {
            case MrcMode.Float32:
                if (BitConverter.IsLittleEndian) MemoryMarshal.AsBytes(source).CopyTo(destination);
                else BinaryPrimitives.ReverseEndianness(MemoryMarshal.Cast<float, int>(source), MemoryMarshal.Cast<byte,
                    int>(destination));
                if (!stored.IsEmpty) source.CopyTo(stored);
                break;
            case MrcMode.Float16:
                var halves = MemoryMarshal.Cast<byte, ushort>(destination);
                for (int i = 0; i < n; i++)
                {
                    var h = (Half)source[i];
                    ushort bits = BitConverter.HalfToUInt16Bits(h);
                    halves[i] = BitConverter.IsLittleEndian ? bits : BinaryPrimitives.ReverseEndianness(bits);
                    if (!stored.IsEmpty) stored[i] = (float)h;
                }
                break;
            default:
                throw new NotSupportedException(
                $"writing MRC mode {(int)mode} is not supported; write mode 2 (float32) or 12 (float16)");
        }
    }
}
