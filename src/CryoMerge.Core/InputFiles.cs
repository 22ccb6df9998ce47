using System.Runtime.InteropServices;
using System.Text;

namespace CryoMerge.Core;

/// <summary>
/// Checks an input path before anything opens it: a directory, a missing file, a named pipe, a socket or a device
/// is refused at once with one line. Opening a named pipe for reading would wait for a writer forever, and a device
/// such as /dev/zero never ends, so the type is read from the file system (statx on Linux) without opening it.
/// </summary>
public static class InputFiles
{
    /// <summary>What a path names on disk.</summary>
    public enum Kind { Missing, Regular, Directory, NamedPipe, Socket, CharacterDevice, BlockDevice, Unknown }

    /// <summary>
    /// The length of a regular, non-empty file; otherwise a <see cref="CryoMergeInputException"/> naming
    /// <paramref name="path"/> and what it is instead; <paramref name="what"/> names the expected content
    /// ("an MRC file").
    /// </summary>
    public static long RequireRegularFile(string path, string what)
    {
        var kind = KindOf(path);
        switch (kind)
        {
            case Kind.Missing: throw new CryoMergeInputException(path, "file not found");
            case Kind.Directory: throw new CryoMergeInputException(path, $"is a directory, not {what}");
            case Kind.NamedPipe or Kind.Socket or Kind.CharacterDevice or Kind.BlockDevice:
                throw new CryoMergeInputException(path,
                    $"is a {Describe(kind)}, not a regular file; give {what} on disk");
        }
        long length = new FileInfo(path).Length;
        if (length == 0)
            throw new CryoMergeInputException(path,
                kind == Kind.Regular ? "file is empty" : "file is empty or not a regular file");
        return length;
    }

    /// <summary>
    /// What <paramref name="path"/> is (links followed); <see cref="Kind.Unknown"/> for an existing file whose type
    /// this platform does not say.
    /// </summary>
    public static Kind KindOf(string path)
    {
        if (Directory.Exists(path)) return Kind.Directory;
        if (!File.Exists(path)) return Kind.Missing;
        return StatxType(Path.GetFullPath(path)) switch
        {
            null => Kind.Unknown,
            0x8000 => Kind.Regular,
            0x4000 => Kind.Directory,
            0x1000 => Kind.NamedPipe,
            0xC000 => Kind.Socket,
            0x2000 => Kind.CharacterDevice,
            0x6000 => Kind.BlockDevice,
            _ => Kind.Unknown,
        };
    }

    private static string Describe(Kind kind) => kind switch
    {
        Kind.NamedPipe => "named pipe (FIFO)",
        Kind.Socket => "socket",
        Kind.CharacterDevice => "character device",
        Kind.BlockDevice => "block device",
        _ => "special file",
    };

    // statx(2) has one layout on every Linux architecture (unlike stat): stx_mask at byte 0, stx_mode (u16) at 28.
    private const int AtFdCwd = -100, StatxTypeMask = 0x1, StatxModeOffset = 28, StatxBufferSize = 256;

    private static readonly unsafe delegate* unmanaged<int, byte*, int, uint, byte*, int> Statx = LoadStatx();

    private static unsafe delegate* unmanaged<int, byte*, int, uint, byte*, int> LoadStatx()
    {
        if (!OperatingSystem.IsLinux()) return null;
        if (!NativeLibrary.TryLoad("libc.so.6", out var libc)
            || !NativeLibrary.TryGetExport(libc, "statx", out var statx))
            return null;
        return (delegate* unmanaged<int, byte*, int, uint, byte*, int>)statx;
    }

    /// <summary>The S_IFMT bits of the file's mode, or null when statx is not available or fails.</summary>
    private static unsafe int? StatxType(string fullPath)
    {
        if (Statx == null) return null;
        byte[] name = Encoding.UTF8.GetBytes(fullPath + "\0");
        byte* buffer = stackalloc byte[StatxBufferSize];
        new Span<byte>(buffer, StatxBufferSize).Clear();
        fixed (byte* p = name)
        {
            if (Statx(AtFdCwd, p, 0, StatxTypeMask, buffer) != 0) return null;
        }
        if ((*(uint*)buffer & StatxTypeMask) == 0) return null;
        return *(ushort*)(buffer + StatxModeOffset) & 0xF000;
    }
}
