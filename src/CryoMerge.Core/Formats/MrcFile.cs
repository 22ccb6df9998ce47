using System.Buffers;
using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace CryoMerge.Core.Formats;

/// <summary>
/// An open MRC file (map, micrograph, particle stack or movie). Only the header is read on opening; data are
/// read a section (one image of a stack, one Z slice of a volume) at a time, by position, so that files larger
/// than memory or 2 GiB are fine and several threads may read different sections at once.
/// Data are always presented in X, Y, Z order, whatever the file's MAPC/MAPR/MAPS.
/// </summary>
public sealed class MrcFile : IDisposable
{
    private readonly SafeFileHandle _handle;
    private readonly long _dataOffset;
    private readonly int _bytesPerVoxel;
    private readonly int[] _axisOfFileDim;   // for file dim 0 (columns), 1 (rows), 2 (sections): presented axis 0..2
    private float[]? _permuted;              // whole volume in X, Y, Z order, only for non-standard axis order
    private readonly Lock _permuteLock = new();

    private MrcFile(string path, SafeFileHandle handle, MrcHeader header, bool bigEndian, MrcKind kind,
        List<string> findings)
    {
        Path = path;
        _handle = handle;
        Header = header;
        IsBigEndian = bigEndian;
        Kind = kind;
        Findings = findings;
        Mode = (MrcMode)header.Mode;
        _bytesPerVoxel = MrcModes.BytesPerVoxel(Mode);
        _dataOffset = MrcConstants.HeaderSize + (long)header.NSymBt;
        _axisOfFileDim = [header.MapC - 1, header.MapR - 1, header.MapS - 1];
        var n = new int[3];
        n[_axisOfFileDim[0]] = header.Nx;
        n[_axisOfFileDim[1]] = header.Ny;
        n[_axisOfFileDim[2]] = header.Nz;
        Shape = new Shape3(n[0], n[1], n[2]);
    }

    /// <summary>The path as the caller gave it (used in messages).</summary>
    public string Path { get; }

    public MrcHeader Header { get; }

    /// <summary>Byte order of the data block.</summary>
    public bool IsBigEndian { get; }

    public MrcMode Mode { get; }

    public MrcKind Kind { get; }

    /// <summary>Size in voxels along X, Y, Z (after undoing a non-standard axis order).</summary>
    public Shape3 Shape { get; }

    /// <summary>Number of 2-D images (for stacks and movies) or Z sections.</summary>
    public int SectionCount => Shape.Z;

    /// <summary>Pixel size in Angstrom from CELLA / (MX, MY, MZ); zero when the header does not say.</summary>
    public Vector3d PixelSize => Header.PixelSize;

    /// <summary>The ORIGIN header words, in Angstrom.</summary>
    public Vector3d Origin => Header.Origin;

    /// <summary>NXSTART, NYSTART, NZSTART reordered to X, Y, Z.</summary>
    public (int X, int Y, int Z) Start
    {
        get
        {
            var s = new int[3];
            s[_axisOfFileDim[0]] = Header.NxStart;
            s[_axisOfFileDim[1]] = Header.NyStart;
            s[_axisOfFileDim[2]] = Header.NzStart;
            return (s[0], s[1], s[2]);
        }
    }

    /// <summary>Irregularities that were tolerated while opening (old header, unusual machine stamp, ...).</summary>
    public IReadOnlyList<string> Findings { get; }

    /// <summary>Bytes in the data block.</summary>
    public long DataLength => Shape.Count * _bytesPerVoxel;

    /// <summary>
    /// Opens an MRC file and checks its header against its length. Every problem becomes a
    /// <see cref="CryoMergeInputException"/> naming the file; nothing is allocated beyond the header
    /// until a section is read.
    /// </summary>
    public static MrcFile Open(string path, MrcReadOptions? options = null)
    {
        options ??= MrcReadOptions.Strict;
        InputFiles.RequireRegularFile(path, "an MRC file");
        SafeFileHandle handle;
        try
        {
            handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read, FileOptions.RandomAccess);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CryoMergeInputException(path, $"cannot be opened: {e.Message}", e);
        }
        try
        {
            return OpenHandle(path, handle, options);
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }

    private static MrcFile OpenHandle(string path, SafeFileHandle handle, MrcReadOptions options)
    {
        long length = RandomAccess.GetLength(handle);
        if (length == 0) throw new CryoMergeInputException(path, "file is empty");
        if (length < MrcConstants.HeaderSize)
            throw new CryoMergeInputException(path,
                $"file is too short to be an MRC file ({length} bytes; the header alone has " +
                $"{MrcConstants.HeaderSize})");

        Span<byte> raw = stackalloc byte[MrcConstants.HeaderSize];
        ReadExactly(handle, raw, 0, path);
        bool bigEndian = MrcHeaderCodec.IsBigEndian(raw);
        var header = MrcHeaderCodec.Read(raw, bigEndian);
        var findings = new List<string>();

        if (!header.HasMapId)
        {
            if (!MrcModes.IsSupported(header.Mode) || header.Nx <= 0 || header.Ny <= 0 || header.Nz <= 0)
                throw new CryoMergeInputException(path,
                    "not an MRC file (no 'MAP ' identifier at byte 208 and the header words make no sense)");
            findings.Add("old-style header: no 'MAP ' identifier (pre-MRC2014 file)");
        }
        uint stamp = header.MachSt;
        if (stamp != 0x44440000 && stamp != 0x44410000 && stamp != 0x11110000)
            findings.Add($"unusual machine stamp 0x{stamp:x8}; read as {(bigEndian ? "big" : "little")}-endian");
        if (header.NVersion != MrcConstants.FormatVersion && header.NVersion != 20141)
            findings.Add($"NVERSION is {header.NVersion}, not 20140 (pre-MRC2014 header)");

        if (!MrcModes.IsSupported(header.Mode)) throw new CryoMergeInputException(path,
            MrcModes.DescribeUnsupported(header.Mode));
        if (header.Nx <= 0 || header.Ny <= 0 || header.Nz <= 0)
            throw new CryoMergeInputException(path,
                $"header sizes must be positive: NX={header.Nx}, NY={header.Ny}, NZ={header.Nz}");
        int[] axes = [header.MapC, header.MapR, header.MapS];
        if (!axes.Order().SequenceEqual([1, 2, 3]))
        {
            if (axes.All(a => a == 0))
            {
                findings.Add("MAPC/MAPR/MAPS are 0; standard order 1, 2, 3 assumed");
                header = header with { MapC = 1, MapR = 2, MapS = 3 };
            }
            else
            {
                throw new CryoMergeInputException(path,
                    $"invalid axis order MAPC/MAPR/MAPS = {header.MapC}, {header.MapR}, {header.MapS} (must be 1, 2, " +
                    $"3 in some order)");
            }
        }
        if (header.NSymBt < 0) throw new CryoMergeInputException(path,
            $"negative extended header size NSYMBT={header.NSymBt}");
        if (PixelSizeProblem(header) is { } pixelProblem) throw new CryoMergeInputException(path, pixelProblem);

        // All arithmetic in long/decimal: a header claiming 10^15 voxels must not overflow or allocate.
        int bpv = MrcModes.BytesPerVoxel((MrcMode)header.Mode);
        decimal expected = MrcConstants.HeaderSize + (decimal)header.NSymBt + (decimal)header.Nx * header.Ny
            * header.Nz * bpv;
        if (expected > length)
            throw new CryoMergeInputException(path,
                $"file is truncated or its header is wrong: {header.Nx} x {header.Ny} x {header.Nz} voxels of mode " +
                $"{header.Mode} need {expected:0} bytes but the file has {length}");
        if (expected < length)
        {
            if (!options.AllowTrailingBytes)
                throw new CryoMergeInputException(path,
                    $"header sizes do not match the file length: {header.Nx} x {header.Ny} x {header.Nz} voxels of " +
                    $"mode {header.Mode} need {expected:0} bytes but the file has {length}");
            findings.Add($"{length - (long)expected} bytes after the data block are ignored");
        }
        if ((long)header.Nx * header.Ny > int.MaxValue / 4)
            throw new CryoMergeInputException(path,
                $"sections of {header.Nx} x {header.Ny} voxels are too large to process");

        var kind = KindOf(path, header, options);
        return new MrcFile(path, handle, header, bigEndian, kind, findings);
    }

    /// <summary>
    /// Why the header's pixel size (CELLA / MX, MY, MZ) is unusable: a NaN, infinite or negative cell, or a negative
    /// sampling; null when every axis is positive or 0 (0 means "not set", as many programs write).
    /// </summary>
    internal static string? PixelSizeProblem(in MrcHeader h)
    {
        var c = System.Globalization.CultureInfo.InvariantCulture;
        var axes = new[] { ("X", h.CellA.X, h.Mx), ("Y", h.CellA.Y, h.My), ("Z", h.CellA.Z, h.Mz) };
        foreach (var (axis, cell, m) in axes)
        {
            if (double.IsNaN(cell)) return $"pixel size NaN in the header (CELLA {axis} is not a number)";
            if (double.IsInfinity(cell))
                return $"infinite pixel size in the header (CELLA {axis} is {(cell > 0 ? "+" : "-")}inf)";
            if (m < 0)
                return string.Create(c, $"negative sampling M{axis} = {m} in the header: no pixel size can be derived");
            if (cell < 0)
                return m > 0
                    ? string.Create(c, $"negative pixel size {cell / m:0.######} in the header ")
                      + string.Create(c, $"(CELLA {axis} = {cell:0.###} A over M{axis} = {m})")
                    : string.Create(c, $"negative cell size CELLA {axis} = {cell:0.###} A in the header");
        }
        return null;
    }

    private static MrcKind KindOf(string path, MrcHeader h, MrcReadOptions options)
    {
        if (options.ForceStack == true || path.EndsWith(".mrcs",
            StringComparison.OrdinalIgnoreCase)) return h.Nz == 1 ? MrcKind.Image : MrcKind.ImageStack;
        if (h.Nz == 1) return MrcKind.Image;
        if (h.Ispg >= MrcConstants.VolumeStackSpaceGroup && h.Ispg <= 630 && h.Mz > 0 && h.Mz < h.Nz && h.Nz % h.Mz
            == 0) return MrcKind.VolumeStack;
        if (h.Ispg == MrcConstants.ImageStackSpaceGroup && h.Mz == 1) return MrcKind.ImageStack;
        return MrcKind.Volume;
    }

    /// <summary>Reads Z section <paramref name="z"/> (an image of a stack or a slice of a volume) in X, Y
    /// order.</summary>
    public void ReadSection(int z, Span<float> destination) => ReadSections(z, 1, destination);

    /// <summary>Reads Z section <paramref name="z"/> into a new array.</summary>
    public float[] ReadSection(int z)
    {
        var data = new float[Shape.SectionCount];
        ReadSection(z, data);
        return data;
    }

    /// <summary>Reads <paramref name="count"/> consecutive sections starting at <paramref name="z"/>.</summary>
    public void ReadSections(int z, int count, Span<float> destination)
    {
        if (z < 0 || count < 0 || z + count > Shape.Z)
            throw new ArgumentOutOfRangeException(nameof(z),
                $"sections {z}..{z + count - 1} are outside 0..{Shape.Z - 1}");
        long n = (long)Shape.SectionCount * count;
        if (destination.Length != n) throw new ArgumentException($"destination must hold {n} values");
        if (!Header.HasStandardAxisOrder)
        {
            Permuted().AsSpan(checked((int)((long)z * Shape.SectionCount)), (int)n).CopyTo(destination);
            return;
        }
        ReadRaw(_dataOffset + (long)z * Shape.SectionCount * _bytesPerVoxel, destination);
    }

    /// <summary>Reads the whole data block in X, Y, Z order. Use sections for anything that may not fit in
    /// memory.</summary>
    public float[] ReadAll()
    {
        if (Shape.Count > Array.MaxLength)
            throw new CryoMergeInputException(Path,
                $"{Shape} voxels do not fit in one array; process it section by section");
        if (!Header.HasStandardAxisOrder) return (float[])Permuted().Clone();
        var data = new float[Shape.Count];
        ReadRaw(_dataOffset, data);
        return data;
    }

    private void ReadRaw(long offset, Span<float> destination)
    {
        if (Mode == MrcMode.Float32 && IsBigEndian == !BitConverter.IsLittleEndian)
        {
            // Native float32: read straight into the destination, chunked below 2 GiB per call.
            var bytes = MemoryMarshal.AsBytes(destination);
            ReadExactly(_handle, bytes, offset, Path);
            return;
        }
        const int chunkVoxels = 1 << 20;
        byte[] buffer = ArrayPool<byte>.Shared.Rent(chunkVoxels * _bytesPerVoxel);
        try
        {
            for (int done = 0; done < destination.Length; done += chunkVoxels)
            {
                int count = Math.Min(chunkVoxels, destination.Length - done);
                var span = buffer.AsSpan(0, count * _bytesPerVoxel);
                ReadExactly(_handle, span, offset + (long)done * _bytesPerVoxel, Path);
                MrcData.ToFloat(span, destination.Slice(done, count), Mode, IsBigEndian);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Reads a non-standard-order file once and permutes it to X, Y, Z (such files are small crystallographic
    /// maps).</summary>
    private float[] Permuted()
    {
        lock (_permuteLock)
        {
            if (_permuted is not null) return _permuted;
            if (Shape.Count > Array.MaxLength)
                throw new CryoMergeInputException(Path, "files with a non-standard axis order must fit in memory");
            var file = new float[Shape.Count];
            ReadRaw(_dataOffset, file);
            int[] n = [Header.Nx, Header.Ny, Header.Nz];
            int[] stride = [1, Shape.X, Shape.X * Shape.Y];   // stride in the presented array of each presented axis
            long sc = stride[_axisOfFileDim[0]], sr = stride[_axisOfFileDim[1]], ss = stride[_axisOfFileDim[2]];
            var result = new float[file.Length];
            long i = 0;
            for (int s = 0; s < n[2]; s++)
                for (int r = 0; r < n[1]; r++)
                    for (int c = 0; c < n[0]; c++)
                        result[c * sc + r * sr + s * ss] = file[i++];
            _permuted = result;
            return result;
        }
    }

    private static void ReadExactly(SafeFileHandle handle, Span<byte> buffer, long offset, string path)
    {
        while (!buffer.IsEmpty)
        {
            int chunk = Math.Min(buffer.Length, 1 << 30);
            int read = RandomAccess.Read(handle, buffer[..chunk], offset);
            if (read <= 0) throw new CryoMergeInputException(path, $"unexpected end of file at byte {offset}");
            buffer = buffer[read..];
            offset += read;
        }
    }

    public void Dispose() => _handle.Dispose();
}
