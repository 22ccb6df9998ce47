using CryoMerge.Core.Formats;
using CryoMerge.Core.Imaging;

namespace CryoMerge.Core.Rescaling;

/// <summary>What to do to one MRC file (map, micrograph, particle stack or movie); small enough to send to a
/// worker.</summary>
public sealed record RescaleOptions
{
    /// <summary>Pixel size of the input in A, overriding the header (from --angpix or a STAR file); null =
    /// header.</summary>
    public PixelSizeAnswer? PixelSize { get; init; }

    /// <summary>The pixel size wanted, in A (--rescale-angpix); null = no rescaling, only <see
    /// cref="NewBox"/>.</summary>
    public double? RescalePixelSize { get; init; }

    /// <summary>RELION's --new_box: re-window each image (or the map) about its centre to this box, in pixels, after
    /// rescaling.</summary>
    public int? NewBox { get; init; }

    public RescaleMethod Method { get; init; } = RescaleMethod.Fourier;

    /// <summary>Treat a 3-D file as a stack of 2-D images (a movie saved as a volume) whatever its header
    /// says.</summary>
    public bool AsStack { get; init; }

    /// <summary>Cores this file may use; 0 = all. Stacks and movies run this many images at once, one FFT thread
    /// each.</summary>
    public int Threads { get; init; }

    /// <summary>Most images of a stack or movie held in memory at once (one per worker); null = <see
    /// cref="Threads"/>.</summary>
    public int? MaxImagesInFlight { get; init; }

    /// <summary>
    /// Memory for the image buffers of all workers of one file, in bytes (null = <see cref="DefaultMaxBufferBytes"/>).
    /// Images run in parallel only as far as this allows; a single image that needs more still runs, alone, with
    /// all its threads. Large movie frames (4096 x 4096) thus go one at a time with multi-threaded FFTs (as fast
    /// on two cores, half the memory), particles many at a time.
    /// </summary>
    public long? MaxBufferBytes { get; init; }

    /// <summary>512 MiB.</summary>
    public const long DefaultMaxBufferBytes = 512L << 20;

    /// <summary>Checks the values a user typed; throws <see cref="CryoMergeInputException"/> naming the
    /// option.</summary>
    public void Validate()
    {
        if (PixelSize is { } p && !PixelSizes.IsPositive(p.Value))
            throw new CryoMergeInputException("--angpix", $"must be a positive pixel size in A, not {Text(p.Value)}");
        if (RescalePixelSize is double r && !PixelSizes.IsPositive(r))
            throw new CryoMergeInputException("--rescale-angpix", $"must be a positive pixel size in A, not {Text(r)}");
        if (NewBox is int b && b < 2) throw new CryoMergeInputException("--new-box",
            $"a box of {b} pixels is too small; at least 2 are needed");
        if (RescalePixelSize is null && NewBox is null) throw new CryoMergeInputException("--rescale-angpix",
            "nothing to do: give a new pixel size, a new box or both");
        if (Threads < 0) throw new ArgumentOutOfRangeException(nameof(Threads), Threads, "0 (all cores) or more");
        if (MaxBufferBytes is < 1) throw new ArgumentOutOfRangeException(nameof(MaxBufferBytes), MaxBufferBytes,
            "at least 1 byte");
        if (MaxImagesInFlight is < 1) throw new ArgumentOutOfRangeException(nameof(MaxImagesInFlight),
            MaxImagesInFlight, "at least 1");
    }

    private static string Text(double v) => v.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
