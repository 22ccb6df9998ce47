using System.Globalization;

namespace CryoMerge.Core.Imaging;

/// <summary>How images are brought to a new pixel size.</summary>
public enum RescaleMethod
{
    /// <summary>
    /// RELION's relion_image_handler --rescale_angpix: Fourier crop or zero-pad to an even box,
    /// newsize = ROUND(N x p / p'), minus one if odd; the pixel size reached is N x p / newsize.
    /// </summary>
    Fourier,

    /// <summary>
    /// Cubic B-spline resampling in real space to exactly the requested pixel size: box ROUND(N x p / p')
    /// per axis (odd allowed) about the centre N/2, after a crop-style low-pass at the new Nyquist
    /// frequency when shrinking. Any box shape, including non-cubic maps.
    /// </summary>
    Spline,
}

/// <summary>
/// What happens to every image of a file (or to its one map): rescaling by <see cref="Method"/> when a pixel
/// size is requested, then RELION's --new_box re-window, and the pixel size that goes into the header.
/// </summary>
/// <param name="InputShape">One image (Z = 1) or the map.</param>
/// <param name="ResampledShape">After rescaling, before the new box.</param>
/// <param name="OutputShape">The image or map written.</param>
/// <param name="OutputPixelSize">Pixel size of the output in A: the real one (Fourier), the requested one (spline), or
/// the input's when not rescaling.</param>
/// <param name="Relion">RELION's box plan (Fourier only).</param>
/// <param name="Problem">Why this cannot be done (box below 2, non-cubic map for the Fourier method), or null.</param>
public sealed record ImageRescalePlan(Shape3 InputShape, Shape3 ResampledShape, Shape3 OutputShape,
    RescaleMethod Method,
    double InputPixelSize, double? RequestedPixelSize, double OutputPixelSize, RescalePlan? Relion, int? NewBox,
    string? Problem)
{
    /// <summary>Whether a new pixel size was requested (otherwise only the box changes).</summary>
    public bool Rescales => RequestedPixelSize is not null;

    public bool IsVolume => InputShape.Z > 1;

    /// <summary>(reached - requested) / requested; 0 when not rescaling.</summary>
    public double RelativeError => RequestedPixelSize is double r ? (OutputPixelSize - r) / r : 0;

    /// <summary>Whether the pixel size reached differs from the request by more than 0.1 % (RELION's warning
    /// threshold).</summary>
    public bool DiffersFromRequest => Math.Abs(RelativeError) > 0.001;

    /// <summary>
    /// Largest edge of a rescaled 2-D image in pixels (K3 super-resolution frames doubled: 23040); an image also has
    /// at most <see cref="MaxImageVoxels"/> pixels, the most one section of an MRC file holds here.
    /// </summary>
    public const int MaxImageEdge = 65536;

    /// <summary>Most pixels of one rescaled 2-D image (sections are written as one span of bytes: 2 GiB).</summary>
    public const long MaxImageVoxels = int.MaxValue / 4;

    /// <summary>Largest edge of a rescaled map, in pixels (2048^3 floats are 32 GiB).</summary>
    public const int MaxVolumeEdge = 2048;

    /// <summary>
    /// Largest enlargement: a Fourier pad adds no information, and no cryo-EM step upsamples more than a few times, so
    /// a
    /// larger factor means a wrong pixel size (a damaged header) and would only fill the disk and the memory.
    /// </summary>
    public const double MaxEnlargement = 16;

    /// <summary>Plans one image or map. Invalid user requests are reported in <see cref="Problem"/>, not
    /// thrown.</summary>
    public static ImageRescalePlan Create(Shape3 image, double pixelSize, double? requestedPixelSize, int? newBox,
        RescaleMethod method)
    {
        if (!(pixelSize > 0)) throw new ArgumentOutOfRangeException(nameof(pixelSize), pixelSize,
            "the input pixel size must be positive");
        if (requestedPixelSize is double q && !(q
            > 0)) throw new ArgumentOutOfRangeException(nameof(requestedPixelSize), q,
            "the requested pixel size must be positive");
        if (newBox is int b && b < 1) throw new ArgumentOutOfRangeException(nameof(newBox), b,
            "the new box must be positive");
        bool volume = image.Z > 1;
        string? problem = null;
        var resampled = image;
        double outPixel = pixelSize;
        RescalePlan? relion = null;
        if (requestedPixelSize is double requested)
        {
            double f = pixelSize / requested;
            double largest = Math.Max(image.X, Math.Max(image.Y, image.Z)) * f;
            bool tooMany = !volume && (double)image.X * image.Y * f * f > MaxImageVoxels;
            if (f > MaxEnlargement || tooMany || largest > (volume ? MaxVolumeEdge : MaxImageEdge))
            {
                string tooLarge = string.Create(CultureInfo.InvariantCulture,
                    $"rescaling from {pixelSize:0.######} A to {requested:0.######} A would give a box of {largest:0}");
                return new ImageRescalePlan(image, image, image, method, pixelSize, requestedPixelSize, requested, null,
                    newBox, tooLarge + " pixels, too large to process; check both pixel sizes");
            }
            if (method == RescaleMethod.Fourier)
            {
                if (volume && (image.X != image.Y || image.Y != image.Z))
                {
                    problem = $"RELION's Fourier rescale needs a cubic map, not {Describe(image)}; use the spline " +
                        $"method for other shapes";
                }
                else
                {
                    relion = RelionRescale.Plan(image, pixelSize, requested);
                    resampled = relion.OutputShape;
                    outPixel = relion.RealPixelSize;
                    // The short side of a non-square image can vanish even when the long one does not.
                    int shortest = Math.Min(resampled.X, resampled.Y);
                    if (relion.NewSize < 2 || shortest < 2)
                        problem = BoxTooSmall(relion.OldSize, Math.Min(relion.NewSize, shortest), pixelSize, requested);
                }
            }
            else
            {
                resampled = new Shape3(RelionRescale.Round(image.X * f), RelionRescale.Round(image.Y * f),
                    volume ? RelionRescale.Round(image.Z * f) : 1);
                outPixel = requested;
                int smallest = Math.Min(resampled.X, Math.Min(resampled.Y, volume ? resampled.Z : int.MaxValue));
                if (smallest < 2) problem = BoxTooSmall(Math.Max(image.X, image.Y), smallest, pixelSize, requested);
            }
        }
        var output = resampled;
        // RELION re-windows only when X differs from the new box; 2-D images become square, maps cubic.
        if (newBox is int box && resampled.X != box)
            output = volume ? new Shape3(box, box, box) : new Shape3(box, box, 1);
        if (newBox is < 2
            && problem is null) problem = $"a new box of {newBox} pixels is too small; at least 2 are needed";
        if (newBox > (volume ? MaxVolumeEdge : MaxImageEdge) && problem is null)
            problem = $"a new box of {newBox} pixels is too large to process";
        return new ImageRescalePlan(image, resampled, output, method, pixelSize, requestedPixelSize, outPixel, relion,
            newBox, problem);
    }

    private static string BoxTooSmall(int size, int newSize, double pixel,
        double requested) => string.Create(CultureInfo.InvariantCulture,
        $"rescaling {size} pixels of {pixel:0.######} A to {requested:0.######} A would leave a box of {newSize} " +
        $"pixels; at least 2 are needed");

    private static string Describe(Shape3 s) => $"{s.X} x {s.Y} x {s.Z}";
}
