namespace CryoMerge.Core.Merging;

/// <summary>One pair of even boxes: extract at <paramref name="ExtractBox"/>, rescale (Fourier) to <paramref
/// name="RescaledBox"/>.</summary>
/// <param name="Factor">RescaledBox / ExtractBox, the scaling achieved.</param>
/// <param name="PixelSize">Pixel size reached: start pixel x ExtractBox / RescaledBox (A).</param>
/// <param name="ErrorPercent">boxscaler.py's error: (factor - wanted ratio) / wanted ratio x 100.</param>
/// <param name="PixelErrorPercent">(reached - wanted pixel) / wanted pixel x 100 (about minus the factor's
/// error).</param>
public sealed record BoxPair(int ExtractBox, int RescaledBox, double Factor, double PixelSize, double ErrorPercent,
    double PixelErrorPercent);

/// <summary>
/// What to do after rescaling to reach a final box (the paper's Method 2 steps ii-iii): window the rescaled
/// particles to <paramref name="FinalBox"/>, and give RELION's Extract job the background circle in pixels before
/// rescaling so that normalisation uses the same circle as a data set extracted at the final box.
/// </summary>
/// <param name="WindowPixels">RescaledBox - FinalBox: pixels cropped (negative: padded).</param>
/// <param name="BackgroundDiameter">"Diameter background circle (pix)" for the Extract job, pixels before rescaling:
/// floor(0.75 x final x extract / rescaled).</param>
/// <param name="BackgroundDiameterExact">0.75 x final x extract / rescaled before rounding down.</param>
/// <param name="BackgroundRadius">The --bg_radius RELION then passes to relion_preprocess (rescaled pixels,
/// truncated).</param>
/// <param name="NativeBackgroundRadius">The --bg_radius of a data set extracted directly at the final box (for
/// comparison).</param>
public sealed record WindowStep(int FinalBox, int WindowPixels, int BackgroundDiameter, double BackgroundDiameterExact,
    int BackgroundRadius, int NativeBackgroundRadius);

/// <summary>
/// boxscaler.py (the paper's Supplementary Script 4) in C#: all even boxes in [min, max) (an odd min is raised by
/// one), every ratio box_i / box_j, and repeatedly the pair closest to start pixel / final pixel; ties go to the
/// lowest flattened index (smallest rescaled box, then smallest extraction box), as numpy's argmin does.
/// 420-600 for 0.880 -> 1.120 A gives 560 -> 440 (0.000 %), 588 -> 462, 598 -> 470 (+0.03 %), 578 -> 454 (-0.031 %).
/// </summary>
public static class BoxScaler
{
    /// <summary>The range the original script searched when only the smallest box was given.</summary>
    public const int DefaultRange = 300;

    public static IReadOnlyList<BoxPair> Search(int minBox, int maxBox, double startPixel, double finalPixel,
        int answers = 1)
    {
        if (minBox < 2) throw new CryoMergeInputException("",
            $"the smallest box must be at least 2 pixels, not {minBox}");
        if (!(startPixel > 0) || !(finalPixel > 0)) throw new CryoMergeInputException("",
            "pixel sizes must be positive (A)");
        if (answers < 1) throw new CryoMergeInputException("", $"ask for at least one answer, not {answers}");
        if (minBox % 2 == 1) minBox++;
        var boxes = new List<int>();
        for (int b = minBox; b < maxBox; b += 2) boxes.Add(b);
        if (boxes.Count == 0) throw new CryoMergeInputException("",
            $"no even box lies in [{minBox}, {maxBox}); raise the largest box");
        int n = boxes.Count;
        double wanted = startPixel / finalPixel;
        var used = new bool[n * n];
        var pairs = new List<BoxPair>();
        for (int a = 0; a < Math.Min(answers, n * n); a++)
        {
            int best = -1;
            double bestDistance = double.PositiveInfinity;
            for (int index = 0; index < n * n; index++)
            {
                if (used[index]) continue;
                double distance = Math.Abs((double)boxes[index / n] / boxes[index % n] - wanted);
                if (distance < bestDistance) { bestDistance = distance; best = index; }
            }
            used[best] = true;
            int rescaled = boxes[best / n], extract = boxes[best % n];
            double factor = (double)rescaled / extract;
            double pixel = startPixel * extract / rescaled;
            pairs.Add(new BoxPair(extract, rescaled, factor, pixel, (factor - wanted) / wanted * 100,
                (pixel - finalPixel) / finalPixel * 100));
        }
        return pairs;
    }

    /// <summary>The window step and background circle for one pair and a final box (RELION's GUI rules,
    /// pipeline_jobs.cpp).</summary>
    public static WindowStep Window(BoxPair pair, int finalBox)
    {
        if (finalBox < 2 || finalBox % 2 == 1) throw new CryoMergeInputException("",
            $"the final box must be even and at least 2, not {finalBox}");
        double exact = 0.75 * finalBox * pair.ExtractBox / pair.RescaledBox;
        int diameter = (int)Math.Floor(exact + 1e-9);
        int radius = (int)(diameter / 2.0 * pair.RescaledBox / pair.ExtractBox);
        int native = (int)(0.75 * finalBox / 2.0);
        return new WindowStep(finalBox, pair.RescaledBox - finalBox, diameter, exact, radius, native);
    }
}
