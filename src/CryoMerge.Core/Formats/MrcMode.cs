namespace CryoMerge.Core.Formats;

/// <summary>MRC data modes this library reads; the numbers are the MODE header word.</summary>
public enum MrcMode
{
    /// <summary>Signed 8-bit integer (MRC2014; some old files meant unsigned).</summary>
    Int8 = 0,
    /// <summary>Signed 16-bit integer.</summary>
    Int16 = 1,
    /// <summary>32-bit IEEE float: the default for everything we write.</summary>
    Float32 = 2,
    /// <summary>Unsigned 16-bit integer (counting detectors).</summary>
    UInt16 = 6,
    /// <summary>16-bit IEEE float (RELION 4+ with --float16; RELION 3.1 cannot read it).</summary>
    Float16 = 12,
}

/// <summary>Small pure conversions between MODE numbers and element types.</summary>
public static class MrcModes
{
    /// <summary>Bytes per voxel of a mode.</summary>
    public static int BytesPerVoxel(MrcMode mode) => mode switch
    {
        MrcMode.Int8 => 1,
        MrcMode.Int16 or MrcMode.UInt16 or MrcMode.Float16 => 2,
        MrcMode.Float32 => 4,
        _ => throw new ArgumentOutOfRangeException(nameof(mode), mode, $"unknown MRC mode {(int)mode}"),
    };

    /// <summary>Whether a MODE word names a mode we read; complex modes 3 and 4 and packed mode 101 are
    /// refused.</summary>
    public static bool IsSupported(int mode) => mode is 0 or 1 or 2 or 6 or 12;

    /// <summary>The reason a MODE word cannot be read, for an error message.</summary>
    public static string DescribeUnsupported(int mode) => mode switch
    {
        3 or 4 => $"complex MRC mode {mode} is not supported (only real-valued maps and images)",
        101 => "packed 4-bit MRC mode 101 is not supported",
        _ => $"unknown MRC mode {mode} (supported: 0, 1, 2, 6, 12)",
    };
}
