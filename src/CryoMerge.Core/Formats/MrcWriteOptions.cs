namespace CryoMerge.Core.Formats;

/// <summary>What to put in the header of an MRC file being written.</summary>
public sealed record MrcWriteOptions
{
    /// <summary>Mode 2 (float32) by default; mode 12 (float16) halves the size at about 3 significant digits.</summary>
    public MrcMode Mode { get; init; } = MrcMode.Float32;

    /// <summary>Pixel size in Angstrom along X, Y, Z; stored as CELLA = pixel x (MX, MY, MZ).</summary>
    public Vector3d PixelSize { get; init; } = Vector3d.All(1.0);

    /// <summary>ORIGIN in Angstrom.</summary>
    public Vector3d Origin { get; init; }

    /// <summary>NXSTART, NYSTART, NZSTART.</summary>
    public (int X, int Y, int Z) Start { get; init; }

    /// <summary>Image stack (ISPG 0, MZ 1) rather than a volume (ISPG 1, MZ = NZ); ignored for a single
    /// image.</summary>
    public bool IsStack { get; init; }

    /// <summary>Space group to write for a volume; 1 (P1) unless a source map says otherwise.</summary>
    public int? SpaceGroup { get; init; }

    /// <summary>Text labels (at most ten of 80 characters); a CryoMerge label is added after them if there is
    /// room.</summary>
    public IReadOnlyList<string> Labels { get; init; } = [];

    /// <summary>Whether an existing file (that is not an input) may be replaced.</summary>
    public bool Overwrite { get; init; } = true;

    public static MrcWriteOptions Like(MrcFile source) => new()
    {
        PixelSize = source.PixelSize,
        Origin = source.Origin,
        Start = source.Start,
        IsStack = source.Kind == MrcKind.ImageStack,
        SpaceGroup = source.Kind == MrcKind.Volume && source.Header.Ispg > 0 ? source.Header.Ispg : null,
        Labels = source.Header.UsedLabels.ToArray(),
    };
}
