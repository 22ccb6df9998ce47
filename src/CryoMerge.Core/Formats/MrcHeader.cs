namespace CryoMerge.Core.Formats;

/// <summary>
/// The 1024-byte MRC2014 header, one property per header word in file order, named as in the specification.
/// Values are as stored in the file (column/row/section order for the N and start fields); derived values such
/// as the pixel size are computed properties, never stored copies.
/// </summary>
public readonly record struct MrcHeader
{
    /// <summary>NX: number of columns (fastest-changing axis in the file).</summary>
    public int Nx { get; init; }
    /// <summary>NY: number of rows.</summary>
    public int Ny { get; init; }
    /// <summary>NZ: number of sections (images in a stack).</summary>
    public int Nz { get; init; }
    /// <summary>MODE: type of the values in the data block.</summary>
    public int Mode { get; init; }
    /// <summary>NXSTART: location of the first column in the unit cell.</summary>
    public int NxStart { get; init; }
    /// <summary>NYSTART: location of the first row in the unit cell.</summary>
    public int NyStart { get; init; }
    /// <summary>NZSTART: location of the first section in the unit cell.</summary>
    public int NzStart { get; init; }
    /// <summary>MX: sampling along X of the unit cell.</summary>
    public int Mx { get; init; }
    /// <summary>MY: sampling along Y of the unit cell.</summary>
    public int My { get; init; }
    /// <summary>MZ: sampling along Z of the unit cell (1 for an image stack, sections per volume for a volume
    /// stack).</summary>
    public int Mz { get; init; }
    /// <summary>CELLA: cell dimensions in Angstrom along X, Y, Z.</summary>
    public Vector3d CellA { get; init; }
    /// <summary>CELLB: cell angles in degrees.</summary>
    public Vector3d CellB { get; init; }
    /// <summary>MAPC: axis (1, 2, 3 = X, Y, Z) that corresponds to columns.</summary>
    public int MapC { get; init; }
    /// <summary>MAPR: axis that corresponds to rows.</summary>
    public int MapR { get; init; }
    /// <summary>MAPS: axis that corresponds to sections.</summary>
    public int MapS { get; init; }
    /// <summary>DMIN: minimum density value.</summary>
    public float DMin { get; init; }
    /// <summary>DMAX: maximum density value.</summary>
    public float DMax { get; init; }
    /// <summary>DMEAN: mean density value.</summary>
    public float DMean { get; init; }
    /// <summary>ISPG: space group (0 image stack, 1 volume, 401+ volume stack).</summary>
    public int Ispg { get; init; }
    /// <summary>NSYMBT: size of the extended header in bytes.</summary>
    public int NSymBt { get; init; }
    /// <summary>EXTTYP: four-character code of the extended header type (CCP4, MRCO, SERI, AGAR, FEI1, FEI2,
    /// HDF5).</summary>
    public string ExtTyp { get; init; }
    /// <summary>NVERSION: 20140 for MRC2014 files, 0 in older ones.</summary>
    public int NVersion { get; init; }
    /// <summary>ORIGIN: phase origin or image origin in Angstrom (X, Y, Z).</summary>
    public Vector3d Origin { get; init; }
    /// <summary>MAP: the identifier "MAP " (empty or garbage in pre-2000 files).</summary>
    public string Map { get; init; }
    /// <summary>MACHST: machine stamp, byte order of the file.</summary>
    public uint MachSt { get; init; }
    /// <summary>RMS: RMS deviation of the densities from the mean (-1 or 0 when unknown).</summary>
    public float Rms { get; init; }
    /// <summary>NLABL: number of labels in use.</summary>
    public int NLabl { get; init; }
    /// <summary>LABEL: the ten 80-character text labels, trailing blanks removed.</summary>
    public IReadOnlyList<string> Labels { get; init; }

    /// <summary>Pixel (voxel) size in Angstrom along X, Y, Z: CELLA / (MX, MY, MZ); 0 along an axis whose sampling is
    /// 0.</summary>
    public Vector3d PixelSize => new(
        Mx > 0 ? CellA.X / Mx : 0,
        My > 0 ? CellA.Y / My : 0,
        Mz > 0 ? CellA.Z / Mz : 0);

    /// <summary>True when the three axis words are the standard 1, 2, 3.</summary>
    public bool HasStandardAxisOrder => MapC == 1 && MapR == 2 && MapS == 3;

    /// <summary>True when MAP holds the identifier (three bytes are checked, as mrcfile does, to accept
    /// "MAP\0").</summary>
    public bool HasMapId => Map is { Length: >= 3 } && Map.StartsWith("MAP", StringComparison.Ordinal);

    /// <summary>Labels that contain text, in order.</summary>
    public IEnumerable<string> UsedLabels => (Labels ?? []).Where(l => !string.IsNullOrWhiteSpace(l));
}
