using System.Globalization;
using CryoMerge.Core.Imaging;

namespace CryoMerge.Core.Rescaling;

/// <summary>What an MRC file holds, as far as rescaling is concerned.</summary>
public enum ImageFileKind
{
    /// <summary>One 3-D map, rescaled as a whole.</summary>
    Map,
    /// <summary>One 2-D image (a micrograph).</summary>
    Image,
    /// <summary>A stack of 2-D images (particles, movie frames), each rescaled on its own.</summary>
    Stack,
}

/// <summary>An input box that would reach the requested pixel size more closely (pad or crop the input to it
/// first).</summary>
public sealed record BetterBox(int InputBox, int OutputBox, double PixelSize);

/// <summary>The outcome of rescaling one file: shapes, the pixel size really reached, and how memory was
/// used.</summary>
/// <param name="PixelSize">Pixel size written to the output header, in A.</param>
/// <param name="Workers">Images processed at once (each with its own buffers).</param>
/// <param name="PeakImagesInFlight">Most images that were being processed at the same moment (at most <paramref
/// name="Workers"/>).</param>
/// <param name="BufferBytes">Bytes of image buffers allocated for the whole file, over all workers.</param>
public sealed record RescaleResult(string Input, string Output, ImageFileKind Kind, RescaleMethod Method,
    Shape3 InputShape, Shape3 OutputShape, int Images, double InputPixelSize, string PixelSizeSource,
    double? RequestedPixelSize, double PixelSize, int? NewBox, IReadOnlyList<BetterBox> BetterBoxes,
    IReadOnlyList<string> Notes,
    int Workers, int PeakImagesInFlight, long BufferBytes)
{
    /// <summary>(reached - requested) / requested; 0 when no pixel size was requested.</summary>
    public double RelativeError => RequestedPixelSize is double r ? (PixelSize - r) / r : 0;

    /// <summary>More than 0.1 % off the request (RELION's threshold for its warning).</summary>
    public bool DiffersFromRequest => Math.Abs(RelativeError) > 0.001;

    /// <summary>The warning to show when the pixel size reached differs from the request by more than 0.1 %, else
    /// null.</summary>
    public string? Warning
    {
        get
        {
            if (!DiffersFromRequest || RequestedPixelSize is not double requested) return null;
            var c = CultureInfo.InvariantCulture;
            string text = string.Create(c,
                $"{Input}: requested {requested:0.######} A/px but reached {PixelSize:0.######} A/px " +
                $"({RelativeError * 100:+0.000;-0.000} %), because the new box is rounded to an even size " +
                $"({Math.Max(InputShape.X, InputShape.Y)} -> {Math.Max(OutputShape.X, OutputShape.Y)} px)");
            if (BetterBoxes.Count > 0)
                text += "; input boxes that would do better (window the input to one first): "
                        + string.Join(", ", BetterBoxes.Select(b => string.Create(c,
                            $"{b.InputBox} -> {b.OutputBox} px at {b.PixelSize:0.######} A/px")));
            return text + "; or use the spline method, which reaches the request exactly";
        }
    }
}
