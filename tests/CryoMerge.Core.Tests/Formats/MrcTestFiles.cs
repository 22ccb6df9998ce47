using System.Buffers.Binary;
using CryoMerge.Core.Formats;

namespace CryoMerge.Core.Tests.Formats;

/// <summary>Tiny hand-made MRC files for edge cases, built byte by byte so that they do not depend on our
/// writer.</summary>
internal static class MrcTestFiles
{
    /// <summary>A header for nx x ny x nz voxels of a mode, in either byte order, with "MAP " and a machine stamp
    /// unless old-style.</summary>
    public static byte[] Header(int nx, int ny, int nz, int mode, bool bigEndian = false, bool oldStyle = false,
        (int c, int r, int s)? axes = null, int nsymbt = 0, float pixel = 1.5f, int ispg = 1)
    {
        var h = new byte[1024];
        void I(int offset, int v) { if (bigEndian) BinaryPrimitives.WriteInt32BigEndian(h.AsSpan(offset),
            v); else BinaryPrimitives.WriteInt32LittleEndian(h.AsSpan(offset), v); }
        void F(int offset, float v) { if (bigEndian) BinaryPrimitives.WriteSingleBigEndian(h.AsSpan(offset),
            v); else BinaryPrimitives.WriteSingleLittleEndian(h.AsSpan(offset), v); }
        I(0, nx); I(4, ny); I(8, nz); I(12, mode);
        I(28, nx); I(32, ny); I(36, nz);
        var (c, r, s) = axes ?? (1, 2, 3);
        // CELLA is along X, Y, Z: with a permuted order the X size is the N of whichever file axis is X.
        int[] n = new int[3]; n[c - 1] = nx; n[r - 1] = ny; n[s - 1] = nz;
        I(28, n[0]); I(32, n[1]); I(36, n[2]);
        F(40, pixel * n[0]); F(44, pixel * n[1]); F(48, pixel * n[2]);
        F(52, 90); F(56, 90); F(60, 90);
        I(64, c); I(68, r); I(72, s);
        I(88, ispg);
        I(92, nsymbt);
        if (!oldStyle)
        {
            I(108, 20140);
            "MAP "u8.CopyTo(h.AsSpan(208));
            (bigEndian ? MrcConstants.BigEndianStamp : MrcConstants.LittleEndianStamp).CopyTo(h.AsSpan(212));
        }
        return h;
    }

    public static byte[] File(byte[] header, byte[] data, int extended = 0) => [.. header,
        .. new byte[extended], .. data];
}
