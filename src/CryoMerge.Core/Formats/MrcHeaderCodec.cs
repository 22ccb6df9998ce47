using System.Buffers.Binary;
using System.Text;

namespace CryoMerge.Core.Formats;

/// <summary>Reads and writes the 1024 header bytes at their fixed offsets, in either byte order.</summary>
public static class MrcHeaderCodec
{
    // Offsets of the header words (MRC2014 table 1; bytes 1-1024, here from 0).
    private const int OffNx = 0, OffMode = 12, OffNxStart = 16, OffMx = 28, OffCellA = 40, OffCellB = 52;
    private const int OffMapC = 64, OffDMin = 76, OffDMax = 80, OffDMean = 84, OffIspg = 88, OffNSymBt = 92;
    private const int OffExtTyp = 104, OffNVersion = 108, OffOrigin = 196, OffMap = 208, OffMachSt = 212;
    private const int OffRms = 216, OffNLabl = 220, OffLabels = 224;

    /// <summary>
    /// The byte order a header was written in. The machine stamp decides when it is one of the known stamps;
    /// otherwise (old files have 0, some have 0x44 0x44 0x20 0x20) the order in which MODE and the sizes make
    /// sense is taken, little-endian first.
    /// </summary>
    public static bool IsBigEndian(ReadOnlySpan<byte> header)
    {
        byte s0 = header[OffMachSt], s1 = header[OffMachSt + 1];
        if (s0 == 0x44 && (s1 == 0x44 || s1 == 0x41)) return false;
        if (s0 == 0x11 && s1 == 0x11) return true;
        if (LooksPlausible(header, bigEndian: false)) return false;
        return LooksPlausible(header, bigEndian: true);
    }

    private static bool LooksPlausible(ReadOnlySpan<byte> header, bool bigEndian)
    {
        int mode = ReadInt(header, OffMode, bigEndian);
        int nx = ReadInt(header, OffNx, bigEndian), ny = ReadInt(header, OffNx + 4, bigEndian), nz = ReadInt(header,
            OffNx + 8, bigEndian);
        return mode is >= 0 and <= 16 or 101 && nx is > 0 and < 1 << 24 && ny is > 0 and < 1 << 24 && nz is > 0
            and < 1 << 30;
    }

    /// <summary>Decodes the header words; no validation beyond the byte order (see <see cref="MrcFile"/>).</summary>
    public static MrcHeader Read(ReadOnlySpan<byte> header, bool bigEndian)
    {
        if (header.Length < MrcConstants.HeaderSize)
            throw new ArgumentException($"an MRC header has {MrcConstants.HeaderSize} bytes", nameof(header));
        var labels = new string[MrcConstants.LabelCount];
        for (int i = 0; i < labels.Length; i++)
            labels[i] = Latin1(header.Slice(OffLabels + i * MrcConstants.LabelLength,
                MrcConstants.LabelLength)).TrimEnd(' ', '\0');
        return new MrcHeader
        {
            Nx = ReadInt(header, OffNx, bigEndian),
            Ny = ReadInt(header, OffNx + 4, bigEndian),
            Nz = ReadInt(header, OffNx + 8, bigEndian),
            Mode = ReadInt(header, OffMode, bigEndian),
            NxStart = ReadInt(header, OffNxStart, bigEndian),
            NyStart = ReadInt(header, OffNxStart + 4, bigEndian),
            NzStart = ReadInt(header, OffNxStart + 8, bigEndian),
            Mx = ReadInt(header, OffMx, bigEndian),
            My = ReadInt(header, OffMx + 4, bigEndian),
            Mz = ReadInt(header, OffMx + 8, bigEndian),
            CellA = ReadVector(header, OffCellA, bigEndian),
            CellB = ReadVector(header, OffCellB, bigEndian),
            MapC = ReadInt(header, OffMapC, bigEndian),
            MapR = ReadInt(header, OffMapC + 4, bigEndian),
            MapS = ReadInt(header, OffMapC + 8, bigEndian),
            DMin = ReadFloat(header, OffDMin, bigEndian),
            DMax = ReadFloat(header, OffDMax, bigEndian),
            DMean = ReadFloat(header, OffDMean, bigEndian),
            Ispg = ReadInt(header, OffIspg, bigEndian),
            NSymBt = ReadInt(header, OffNSymBt, bigEndian),
            ExtTyp = Latin1(header.Slice(OffExtTyp, 4)).TrimEnd('\0'),
            NVersion = ReadInt(header, OffNVersion, bigEndian),
            Origin = ReadVector(header, OffOrigin, bigEndian),
            Map = Latin1(header.Slice(OffMap, 4)),
            MachSt = BinaryPrimitives.ReadUInt32BigEndian(header.Slice(OffMachSt, 4)),
            Rms = ReadFloat(header, OffRms, bigEndian),
            NLabl = ReadInt(header, OffNLabl, bigEndian),
            Labels = labels,
        };
    }

    /// <summary>
    /// Encodes a header little-endian with the matching machine stamp, whatever <see cref="MrcHeader.MachSt"/> says;
    /// MAP is always written as "MAP ". Labels longer than 80 characters are cut.
    /// </summary>
    public static void Write(in MrcHeader h, Span<byte> header)
    {
        if (header.Length < MrcConstants.HeaderSize)
            throw new ArgumentException($"an MRC header has {MrcConstants.HeaderSize} bytes", nameof(header));
        header[..MrcConstants.HeaderSize].Clear();
        WriteInt(header, OffNx, h.Nx); WriteInt(header, OffNx + 4, h.Ny); WriteInt(header, OffNx + 8, h.Nz);
        WriteInt(header, OffMode, h.Mode);
        WriteInt(header, OffNxStart, h.NxStart); WriteInt(header, OffNxStart + 4, h.NyStart); WriteInt(header,
            OffNxStart + 8, h.NzStart);
        WriteInt(header, OffMx, h.Mx); WriteInt(header, OffMx + 4, h.My); WriteInt(header, OffMx + 8, h.Mz);
        WriteVector(header, OffCellA, h.CellA);
        WriteVector(header, OffCellB, h.CellB);
        WriteInt(header, OffMapC, h.MapC); WriteInt(header, OffMapC + 4, h.MapR); WriteInt(header, OffMapC + 8, h.MapS);
        WriteFloat(header, OffDMin, h.DMin); WriteFloat(header, OffDMax, h.DMax); WriteFloat(header, OffDMean, h.DMean);
        WriteInt(header, OffIspg, h.Ispg);
        WriteInt(header, OffNSymBt, h.NSymBt);
        WriteAscii(header.Slice(OffExtTyp, 4), h.ExtTyp ?? "");
        WriteInt(header, OffNVersion, h.NVersion);
        WriteVector(header, OffOrigin, h.Origin);
        WriteAscii(header.Slice(OffMap, 4), MrcConstants.MapId);
        MrcConstants.LittleEndianStamp.CopyTo(header.Slice(OffMachSt, 4));
        WriteFloat(header, OffRms, h.Rms);
        var labels = (h.Labels ?? []).Where(l => !string.IsNullOrWhiteSpace(l)).Take(MrcConstants.LabelCount).ToArray();
        WriteInt(header, OffNLabl, labels.Length);
        for (int i = 0; i < labels.Length; i++)
        {
            var field = header.Slice(OffLabels + i * MrcConstants.LabelLength, MrcConstants.LabelLength);
            field.Fill((byte)' ');
            WriteAscii(field, labels[i]);
        }
    }

    private static int ReadInt(ReadOnlySpan<byte> b, int offset, bool bigEndian) =>
        bigEndian ? BinaryPrimitives.ReadInt32BigEndian(b[offset..])
        : BinaryPrimitives.ReadInt32LittleEndian(b[offset..]);

    private static float ReadFloat(ReadOnlySpan<byte> b, int offset, bool bigEndian) =>
        bigEndian ? BinaryPrimitives.ReadSingleBigEndian(b[offset..])
        : BinaryPrimitives.ReadSingleLittleEndian(b[offset..]);

    private static Vector3d ReadVector(ReadOnlySpan<byte> b, int offset, bool bigEndian) =>
        new(ReadFloat(b, offset, bigEndian), ReadFloat(b, offset + 4, bigEndian), ReadFloat(b, offset + 8, bigEndian));

    private static void WriteInt(Span<byte> b, int offset,
        int value) => BinaryPrimitives.WriteInt32LittleEndian(b[offset..], value);

    private static void WriteFloat(Span<byte> b, int offset,
        float value) => BinaryPrimitives.WriteSingleLittleEndian(b[offset..], value);

    private static void WriteVector(Span<byte> b, int offset, Vector3d v)
    {
        WriteFloat(b, offset, (float)v.X); WriteFloat(b, offset + 4, (float)v.Y); WriteFloat(b, offset + 8, (float)v.Z);
    }

    private static string Latin1(ReadOnlySpan<byte> bytes) => Encoding.Latin1.GetString(bytes);

    private static void WriteAscii(Span<byte> field, string text)
    {
        int n = Math.Min(field.Length, text.Length);
        for (int i = 0; i < n; i++) field[i] = text[i] < 128 ? (byte)text[i] : (byte)'?';
    }
}
