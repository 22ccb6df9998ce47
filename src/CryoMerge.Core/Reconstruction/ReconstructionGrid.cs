using System.Globalization;

namespace CryoMerge.Core.Reconstruction;

/// <summary>
/// The padded Fourier grid a reconstruction accumulates into, as RELION's <c>BackProjector</c> lays it out
/// (R 3.1.3 <c>src/projector.cpp</c> initialiseData): the map is <see cref="MapSize"/> voxels of
/// <see cref="PixelSize"/> Angstrom; Fourier components up to radius <see cref="MaxRadius"/> (map voxels; N/2 unless
/// --maxres limits it) are sampled <see cref="Padding"/> times more finely, on an odd cube of side
/// <see cref="PaddedSize"/> = 2 (R + 1) + 1 with R = ROUND(padding x MaxRadius), of which the half X &gt;= 0 is
/// stored. Logical index 0 of Y and Z sits at array index <see cref="Origin"/>; X starts at 0.
/// </summary>
/// <param name="MapSize">Side of the output map in voxels (N, even).</param>
/// <param name="PixelSize">Pixel size of the output map in Angstrom.</param>
/// <param name="Padding">Oversampling of Fourier space (RELION's --pad, default 2).</param>
/// <param name="MaxRadius">Largest Fourier radius kept, in map voxels (RELION's r_max).</param>
public sealed record ReconstructionGrid(int MapSize, double PixelSize, double Padding, int MaxRadius)
{
    /// <summary>RELION's default padding factor.</summary>
    public const double DefaultPadding = 2;

    /// <summary>
    /// The grid relion_reconstruct uses for a map of <paramref name="mapSize"/> voxels: r_max = N/2, or with
    /// <paramref name="maxResolution"/> (Angstrom) CEIL(N x pixel / maxres), never beyond N/2.
    /// </summary>
    public static ReconstructionGrid For(int mapSize, double pixelSize, double? maxResolution = null,
        double padding = DefaultPadding)
    {
        if (mapSize < 4 || mapSize % 2 != 0)
            throw new CryoMergeInputException("--box",
                $"the map must be an even number of at least 4 voxels, not {mapSize}");
        if (!(pixelSize > 0)) throw new CryoMergeInputException("--angpix",
            $"must be positive, not {Format(pixelSize)}");
        if (!(padding >= 1)) throw new CryoMergeInputException("--pad", $"must be at least 1, not {Format(padding)}");
        int rMax = mapSize / 2;
        if (maxResolution is { } maxres)
        {
            if (!(maxres > 0)) throw new CryoMergeInputException("--maxres", $"must be positive, not {Format(maxres)}");
            rMax = Math.Min(rMax, (int)Math.Ceiling(mapSize * pixelSize / maxres));
        }
        return new ReconstructionGrid(mapSize, pixelSize, padding, Math.Max(1, rMax));
    }

    /// <summary>R = ROUND(padding x MaxRadius): the largest kept radius on the padded grid.</summary>
    public int PaddedRadius => RelionRound(Padding * MaxRadius);

    /// <summary>Side of the padded cube: 2 (R + 1) + 1 (odd).</summary>
    public int PaddedSize => 2 * (PaddedRadius + 1) + 1;

    /// <summary>Stored X extent: PaddedSize / 2 + 1.</summary>
    public int HalfX => PaddedSize / 2 + 1;

    /// <summary>Array index of logical Y = 0 and Z = 0.</summary>
    public int Origin => PaddedSize / 2;

    /// <summary>Squared cut-off radius on the padded grid, R^2 (components with r^2 &gt; R^2 are not
    /// inserted).</summary>
    public int MaxRadius2 => PaddedRadius * PaddedRadius;

    /// <summary>Number of stored components (and weights): HalfX x PaddedSize^2.</summary>
    public long Count => (long)HalfX * PaddedSize * PaddedSize;

    /// <summary>Side of the real-space grid the map is cut from: ROUND(padding x N), made even.</summary>
    public int PaddedMapSize
    {
        get
        {
            int size = RelionRound(Padding * MapSize);
            return size + size % 2;
        }
    }

    /// <summary>RELION's ROUND: half away from zero, through an int cast.</summary>
    internal static int RelionRound(double x) => x > 0 ? (int)(x + 0.5) : (int)(x - 0.5);

    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"{MapSize}^3 map at {PixelSize:0.####} A, padding {Padding:0.##}, r_max {MaxRadius} ({PaddedSize}^3 padded " +
        $"grid)");

    private static string Format(double v) => v.ToString("0.####", CultureInfo.InvariantCulture);
}
