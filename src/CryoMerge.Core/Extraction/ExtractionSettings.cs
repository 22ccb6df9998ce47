using System.Globalization;

namespace CryoMerge.Core.Extraction;

/// <summary>
/// What to do to every particle, in relion_preprocess's order: box of <see cref="Box"/> micrograph pixels,
/// Fourier rescale to <see cref="Scale"/>, real-space window to <see cref="Window"/>, normalise with a background
/// circle of integer radius <see cref="BackgroundRadius"/> (final pixels), invert contrast. All sizes are even.
/// </summary>
public sealed record ExtractionSettings
{
    public int Box { get; init; }

    public int? Scale { get; init; }

    public int? Window { get; init; }

    public bool Normalise { get; init; } = true;

    /// <summary>Background radius in pixels of the final image (relion_preprocess --bg_radius).</summary>
    public int BackgroundRadius { get; init; }

    public bool Ramp { get; init; } = true;

    public bool Invert { get; init; }

    /// <summary>Side after rescaling.</summary>
    public int ScaledSize => Scale ?? Box;

    /// <summary>Side of the images written (RELION's rlnImageSize: window, else scale, else box).</summary>
    public int OutputSize => Window ?? ScaledSize;

    /// <summary>Pixel size of the extracted images: micrograph pixel x box / scale (as relion_preprocess computes
    /// it).</summary>
    public double OutputPixelSize(double micrographPixelSize) => Scale is int s ? micrographPixelSize * ((double)Box
        / s) : micrographPixelSize;

    /// <summary>
    /// Settings from the command line's values, RELION's way: odd sizes become the next even size (with a warning;
    /// relion_preprocess does this for --scale and --window and refuses an odd --extract_size); the background is
    /// given as a diameter in micrograph pixels before rescaling (the GUI's "Diameter background circle"; null
    /// means 0.75 x box), halved, scaled by scale / box and truncated to an integer, exactly as the GUI builds
    /// --bg_radius; or directly as a radius in final pixels. A window larger than the scaled box is refused.
    /// </summary>
    public static ExtractionSettings Create(int box, int? scale, int? window, double? backgroundDiameter,
        int? backgroundRadius,
        bool normalise, bool ramp, bool invert, ICollection<string> warnings)
    {
        if (box < 2) throw new CryoMergeInputException("--box", $"must be at least 2 pixels, not {box}");
        if (scale is < 2) throw new CryoMergeInputException("--scale", $"must be at least 2 pixels, not {scale}");
        if (window is < 2) throw new CryoMergeInputException("--window", $"must be at least 2 pixels, not {window}");
        if (backgroundDiameter is not null && backgroundRadius is not null)
            throw new CryoMergeInputException("--bg-radius",
                "give the background as --bg-diameter (before scaling) or --bg-radius (after), not both");
        // The GUI converts the diameter with the sizes as typed.
        int radius;
        if (backgroundRadius is int r)
        {
            if (r < 0) throw new CryoMergeInputException("--bg-radius", $"cannot be negative ({r})");
            radius = r;
        }
        else
        {
            double diameter = backgroundDiameter is double d && d >= 0 ? d : 0.75 * box;
            double half = diameter / 2;
            if (scale is int s) half = half * s / box;
            radius = (int)half;
        }
        int evenBox = Even(box, "--box", warnings, "relion_preprocess refuses odd boxes");
        int? evenScale = scale is int sc ? Even(sc, "--scale", warnings, null) : null;
        int? evenWindow = window is int w ? Even(w, "--window", warnings, null) : null;
        var settings = new ExtractionSettings
        {
            Box = evenBox,
            Scale = evenScale,
            Window = evenWindow,
            Normalise = normalise,
            BackgroundRadius = radius,
            Ramp = ramp,
            Invert = invert,
        };
        settings.Validate();
        return settings;
    }

    /// <summary>Checks sizes and the background circle; problems name the option.</summary>
    public void Validate()
    {
        if (Box < 2 || Box % 2 != 0) throw new CryoMergeInputException("--box",
            $"must be even and at least 2, not {Box}");
        if (Scale is int s && (s < 2 || s % 2 != 0)) throw new CryoMergeInputException("--scale",
            $"must be even and at least 2, not {s}");
        if (Window is int w)
        {
            if (w < 2 || w % 2 != 0) throw new CryoMergeInputException("--window",
                $"must be even and at least 2, not {w}");
            if (w > ScaledSize)
                throw new CryoMergeInputException("--window",
                    $"{w} is larger than the {ScaledSize}-pixel box after " +
                    $"{(Scale is null ? "extraction" : "scaling")}; windowing only crops (pad with " +
                    $"relion_image_handler --new_box if you must)");
        }
        if (Normalise)
        {
            if (BackgroundRadius < 0) throw new CryoMergeInputException("--bg-radius",
                $"cannot be negative ({BackgroundRadius})");
            if (2 * BackgroundRadius > OutputSize)
                throw new CryoMergeInputException("--bg-diameter", string.Create(CultureInfo.InvariantCulture,
                    $"the background circle (radius {BackgroundRadius} px after scaling) does not fit in the " +
                    $"{OutputSize}-pixel images; give a smaller --bg-diameter"));
        }
    }

    private static int Even(int value, string option, ICollection<string> warnings, string? note)
    {
        if (value % 2 == 0) return value;
        warnings.Add(
            $"{option} {value} is odd; using {value + 1} (RELION works with even boxes " +
            $"only{(note is null ? "" : "; " + note)})");
        return value + 1;
    }
}
