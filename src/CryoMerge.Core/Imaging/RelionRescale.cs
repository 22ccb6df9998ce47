using System.Globalization;

namespace CryoMerge.Core.Imaging;

/// <summary>The box sizes and pixel size that relion_image_handler --rescale_angpix will use.</summary>
/// <param name="OldSize">Side of the square (or cube) that is resized: max(X, Y) for a non-square image.</param>
/// <param name="NewSize">ROUND(OldSize x angpix / requested), reduced by one when odd.</param>
/// <param name="RealPixelSize">OldSize x angpix / NewSize: the pixel size really reached, written to the
/// header.</param>
/// <param name="OutputShape">Shape of the result (a non-square image is windowed back to its aspect).</param>
public sealed record RescalePlan(int OldSize, int NewSize, double PixelSize, double RequestedPixelSize,
    double RealPixelSize, Shape3 InputShape, Shape3 OutputShape)
{
    /// <summary>Relative difference between the real and the requested pixel size.</summary>
    public double RelativeError => (RealPixelSize - RequestedPixelSize) / RequestedPixelSize;

    /// <summary>RELION warns above 0.1 %.</summary>
    public bool DiffersFromRequest => Math.Abs(RelativeError) > 0.001;
}

/// <summary>
/// relion_image_handler --rescale_angpix (RELION 3.1.3 <c>src/apps/image_handler.cpp</c>): box rule, Fourier
/// resize, and the square padding of non-square images.
/// </summary>
public static class RelionRescale
{
    /// <summary>RELION's ROUND for positive values: (int)(x + 0.5).</summary>
    public static int Round(double x) => (int)(x + 0.5);

    /// <summary>The box and pixel sizes that rescaling an image or map of <paramref name="shape"/> will give.</summary>
    public static RescalePlan Plan(Shape3 shape, double pixelSize, double requestedPixelSize)
    {
        if (pixelSize <= 0) throw new ArgumentOutOfRangeException(nameof(pixelSize), pixelSize,
            "the input pixel size must be positive");
        if (requestedPixelSize <= 0) throw new ArgumentOutOfRangeException(nameof(requestedPixelSize),
            requestedPixelSize, "the requested pixel size must be positive");
        bool nonSquare2D = shape.Z == 1 && shape.X != shape.Y;
        if (shape.Z > 1 && (shape.X != shape.Y || shape.Y != shape.Z))
            throw new ArgumentException($"RELION rescales cubic volumes only, not {shape}");
        int old = nonSquare2D ? Math.Max(shape.X, shape.Y) : shape.X;
        int newSize = Round(old * (pixelSize / requestedPixelSize));
        newSize -= newSize % 2;
        double real = old * pixelSize / newSize;
        Shape3 output;
        if (nonSquare2D)
        {
            int nx = Round(shape.X * (pixelSize / real)), ny = Round(shape.Y * (pixelSize / real));
            output = new Shape3(nx - nx % 2, ny - ny % 2, 1);
        }
        else
        {
            output = shape.Z > 1 ? new Shape3(newSize, newSize, newSize) : new Shape3(newSize, newSize, 1);
        }
        return new RescalePlan(old, newSize, pixelSize, requestedPixelSize, real, shape, output);
    }

    /// <summary>Rescales one image or map as <paramref name="plan"/> says.</summary>
    public static Grid Apply(IFftBackend fft, Grid input, RescalePlan plan, int threads = 0)
    {
        if (input.Shape
            != plan.InputShape) throw new ArgumentException(
            $"the plan is for {plan.InputShape}, the grid is {input.Shape}");
        if (plan.NewSize
            < 2) throw new ArgumentException($"the new box would be {plan.NewSize} pixels; at least 2 are needed");
        var square = input.Shape.Z == 1 && input.Shape.X != input.Shape.Y
            ? RealSpaceWindow.Window(input, new Shape3(plan.OldSize, plan.OldSize, 1))
            : input;
        var resized = FourierResize.Resize(fft, square, plan.NewSize, threads);
        return resized.Shape == plan.OutputShape ? resized : RealSpaceWindow.Window(resized, plan.OutputShape);
    }

    /// <summary>
    /// Even boxes near the requested one whose real pixel size is closer to the request, for the warning:
    /// "a box of 442 (pixel 1.0005) or 440 (0.9996) would be closer".
    /// </summary>
    public static IReadOnlyList<(int OldSize, int NewSize, double RealPixelSize)> BetterBoxes(RescalePlan plan,
        int count = 3)
    {
        // Padding or cropping the input to another even box changes the ratio; look at input boxes near OldSize.
        var candidates = new List<(int, int, double)>();
        for (int oldSize = Math.Max(2,
            plan.OldSize - 64 - plan.OldSize % 2); oldSize <= plan.OldSize + 64; oldSize += 2)
        {
            int n = Round(oldSize * (plan.PixelSize / plan.RequestedPixelSize));
            n -= n % 2;
            if (n < 2) continue;
            double real = oldSize * plan.PixelSize / n;
            candidates.Add((oldSize, n, real));
        }
        return candidates
            .Where(c => Math.Abs(c.Item3 - plan.RequestedPixelSize) < Math.Abs(plan.RealPixelSize
                - plan.RequestedPixelSize))
            .OrderBy(c => Math.Abs(c.Item3 - plan.RequestedPixelSize)).ThenBy(c => Math.Abs(c.Item1 - plan.OldSize))
            .Take(count).ToList();
    }

    /// <summary>RELION's warning text when the real pixel differs from the request by more than 0.1 %.</summary>
    public static string Describe(RescalePlan plan) => string.Create(CultureInfo.InvariantCulture,
        $"requested {plan.RequestedPixelSize:0.######} A/px, reached {plan.RealPixelSize:0.######} A/px " +
        $"({plan.RelativeError * 100:+0.000;-0.000} %) with box {plan.OldSize} -> {plan.NewSize}");
}
