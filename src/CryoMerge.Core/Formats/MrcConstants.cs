namespace CryoMerge.Core.Formats;

/// <summary>Magic values of the MRC2014 format (Cheng et al. 2015, J Struct Biol 192:146).</summary>
public static class MrcConstants
{
    /// <summary>Size of the fixed header in bytes.</summary>
    public const int HeaderSize = 1024;

    /// <summary>Byte offset of the "MAP " identifier.</summary>
    public const int MapIdOffset = 208;

    /// <summary>The identifier itself; some writers (MotionCor2) put "MAP\0", so readers check three bytes.</summary>
    public const string MapId = "MAP ";

    /// <summary>NVERSION written by MRC2014-conforming software.</summary>
    public const int FormatVersion = 20140;

    /// <summary>ISPG of a stack of 2-D images.</summary>
    public const int ImageStackSpaceGroup = 0;

    /// <summary>ISPG of a single volume (P1).</summary>
    public const int VolumeSpaceGroup = 1;

    /// <summary>ISPG of a stack of volumes (P1).</summary>
    public const int VolumeStackSpaceGroup = 401;

    /// <summary>Number of 80-character text labels.</summary>
    public const int LabelCount = 10;

    /// <summary>Characters per label.</summary>
    public const int LabelLength = 80;

    /// <summary>Machine stamp of little-endian files: 0x44 0x44 0x00 0x00 (0x44 0x41 is also seen).</summary>
    public static ReadOnlySpan<byte> LittleEndianStamp => [0x44, 0x44, 0x00, 0x00];

    /// <summary>Machine stamp of big-endian files: 0x11 0x11 0x00 0x00.</summary>
    public static ReadOnlySpan<byte> BigEndianStamp => [0x11, 0x11, 0x00, 0x00];
}
