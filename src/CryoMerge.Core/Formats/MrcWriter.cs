using System.Buffers;
using System.Runtime.InteropServices;
using CryoMerge.Core.Imaging;
using Microsoft.Win32.SafeHandles;

namespace CryoMerge.Core.Formats;

/// <summary>
/// Writes an MRC2014 file section by section (in any order, from several threads for distinct sections) under
/// a temporary name, then on <see cref="Commit"/> writes the header with exact statistics of the stored values
/// and renames the file into place. Disposing without committing deletes the temporary file, so a failure
/// half-way (disk full, cancellation) never leaves a partial file under the output name.
/// </summary>
public sealed class MrcWriter : IDisposable
{
    /// <summary>Label written into every file we make (no timestamp, so reruns give identical bytes).</summary>
    public const string CryoMergeLabel = "CryoMerge.Distributed";

    private readonly SafeFileHandle _handle;
    private readonly string _temporaryPath;
    private readonly MrcWriteOptions _options;
    private readonly int _bytesPerVoxel;
    private readonly ImageStatistics[] _sectionStatistics;
    private readonly bool[] _written;
    private bool _committed;
    private bool _disposed;

    private MrcWriter(string path, string temporaryPath, SafeFileHandle handle, Shape3 shape, MrcWriteOptions options)
    {
        Path = path;
        _temporaryPath = temporaryPath;
        _handle = handle;
        Shape = shape;
        _options = options;
        _bytesPerVoxel = MrcModes.BytesPerVoxel(options.Mode);
        _sectionStatistics = new ImageStatistics[shape.Z];
        _written = new bool[shape.Z];
    }

    public string Path { get; }

    public Shape3 Shape { get; }

    /// <summary>Statistics of all stored values; valid after <see cref="Commit"/>.</summary>
    public ImageStatistics Statistics { get; private set; } = ImageStatistics.Empty;

    public static MrcWriter Create(string path, Shape3 shape, MrcWriteOptions? options = null)
    {
        options ??= new MrcWriteOptions();
        if (shape.X <= 0 || shape.Y <= 0 || shape.Z <= 0) throw new ArgumentOutOfRangeException(nameof(shape), shape,
            "sizes must be positive");
        if (options.Mode is not (MrcMode.Float32 or MrcMode.Float16))
            throw new NotSupportedException(
                $"writing MRC mode {(int)options.Mode} is not supported; write mode 2 (float32) or 12 (float16)");
        if (!options.Overwrite && File.Exists(path))
            throw new CryoMergeInputException(path, "output file exists already; remove it or allow overwriting");
        if (Directory.Exists(path)) throw new CryoMergeInputException(path, "output is a directory");
        string tmp = OutputFiles.TemporaryPathFor(path);
        var handle = File.OpenHandle(tmp, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, FileOptions.None,
            preallocationSize: 0);
        try
        {
            long total = MrcConstants.HeaderSize + shape.Count * MrcModes.BytesPerVoxel(options.Mode);
            RandomAccess.SetLength(handle, total);
        }
        catch
        {
            handle.Dispose();
            OutputFiles.Discard(tmp);
            throw;
        }
        return new MrcWriter(path, tmp, handle, shape, options);
    }

    /// <summary>Writes Z section <paramref name="z"/> (X fastest). Safe to call concurrently for different
    /// sections.</summary>
    public void WriteSection(int z, ReadOnlySpan<float> data) => WriteSections(z, data);

    /// <summary>Writes consecutive sections starting at <paramref name="z"/>; the data length fixes how many.</summary>
    public void WriteSections(int z, ReadOnlySpan<float> data)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        int perSection = Shape.SectionCount;
        if (data.Length % perSection
            != 0) throw new ArgumentException($"data must be whole sections of {perSection} values");
        int count = data.Length / perSection;
        if (z < 0 || z + count > Shape.Z) throw new ArgumentOutOfRangeException(nameof(z),
            $"sections {z}..{z + count - 1} are outside 0..{Shape.Z - 1}");
        if (_options.Mode == MrcMode.Float32 && BitConverter.IsLittleEndian)
        {
            // Native float32: write straight from the caller's span (no copy, no rented buffer per section).
            for (int s = 0; s < count; s++)
            {
                var section = data.Slice(s * perSection, perSection);
                _sectionStatistics[z + s] = ImageStatistics.Of(section);
                RandomAccess.Write(_handle, MemoryMarshal.AsBytes(section),
                    MrcConstants.HeaderSize + (long)(z + s) * perSection * _bytesPerVoxel);
                _written[z + s] = true;
            }
            return;
        }
        byte[] bytes = ArrayPool<byte>.Shared.Rent(perSection * _bytesPerVoxel);
        float[]? stored = _options.Mode == MrcMode.Float16 ? ArrayPool<float>.Shared.Rent(perSection) : null;
        try
        {
            for (int s = 0; s < count; s++)
            {
                var section = data.Slice(s * perSection, perSection);
                var span = bytes.AsSpan(0, perSection * _bytesPerVoxel);
                if (stored is null)
                {
                    MrcData.FromFloat(section, span, _options.Mode);
                    _sectionStatistics[z + s] = ImageStatistics.Of(section);
                }
                else
                {
                    var storedSpan = stored.AsSpan(0, perSection);
                    MrcData.FromFloat(section, span, _options.Mode, storedSpan);
                    _sectionStatistics[z + s] = ImageStatistics.Of(storedSpan);
                }
                RandomAccess.Write(_handle, span,
                    MrcConstants.HeaderSize + (long)(z + s) * perSection * _bytesPerVoxel);
                _written[z + s] = true;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(bytes);
            if (stored is not null) ArrayPool<float>.Shared.Return(stored);
        }
    }

    /// <summary>Writes the whole data block (X, Y, Z order).</summary>
    public void WriteAll(ReadOnlySpan<float> data)
    {
        if (data.Length != Shape.Count) throw new ArgumentException($"data must hold {Shape.Count} values");
        WriteSections(0, data);
    }

    /// <summary>Writes the header and renames the file into place. Every section must have been written.</summary>
    public void Commit()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_committed) return;
        int missing = Array.IndexOf(_written, false);
        if (missing >= 0) throw new InvalidOperationException($"{Path}: section {missing} was never written");
        var stats = ImageStatistics.Empty;
        foreach (var s in _sectionStatistics) stats = stats.Combine(s);
        Statistics = stats;
        Span<byte> header = stackalloc byte[MrcConstants.HeaderSize];
        MrcHeaderCodec.Write(BuildHeader(stats), header);
        RandomAccess.Write(_handle, header, 0);
        _handle.Dispose();
        OutputFiles.Commit(_temporaryPath, Path);
        _committed = true;
    }

    private MrcHeader BuildHeader(in ImageStatistics stats)
    {
        var o = _options;
        bool stack = o.IsStack && Shape.Z > 1;
        int mz = stack ? 1 : Shape.Z;
        var labels = o.Labels.Where(l => !string.IsNullOrWhiteSpace(l)).Take(MrcConstants.LabelCount).ToList();
        if (labels.Count < MrcConstants.LabelCount && !labels.Contains(CryoMergeLabel)) labels.Add(CryoMergeLabel);
        return new MrcHeader
        {
            Nx = Shape.X, Ny = Shape.Y, Nz = Shape.Z,
            Mode = (int)o.Mode,
            NxStart = o.Start.X, NyStart = o.Start.Y, NzStart = o.Start.Z,
            Mx = Shape.X, My = Shape.Y, Mz = mz,
            CellA = new Vector3d(o.PixelSize.X * Shape.X, o.PixelSize.Y * Shape.Y, o.PixelSize.Z * mz),
            CellB = Vector3d.All(90),
            MapC = 1, MapR = 2, MapS = 3,
            DMin = stats.Min, DMax = stats.Max, DMean = (float)stats.Mean,
            Ispg = Shape.Z == 1 || stack ? MrcConstants.ImageStackSpaceGroup : o.SpaceGroup
            ?? MrcConstants.VolumeSpaceGroup,
            NSymBt = 0,
            ExtTyp = "",
            NVersion = MrcConstants.FormatVersion,
            Origin = o.Origin,
            Map = MrcConstants.MapId,
            Rms = (float)stats.StdDev,
            Labels = labels,
        };
    }

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        if (!_committed)
        {
            _handle.Dispose();
            OutputFiles.Discard(_temporaryPath);
        }
    }

    /// <summary>Writes a whole map, image or stack in one call.</summary>
    public static ImageStatistics WriteFile(string path, Shape3 shape, ReadOnlySpan<float> data,
        MrcWriteOptions? options = null)
    {
        using var writer = Create(path, shape, options);
        writer.WriteAll(data);
        writer.Commit();
        return writer.Statistics;
    }
}
