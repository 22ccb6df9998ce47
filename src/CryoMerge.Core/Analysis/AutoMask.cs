using CryoMerge.Core.Imaging;
using MathNet.Numerics;

namespace CryoMerge.Core.Analysis;

/// <summary>
/// A soft mask around the density of a map: low-pass to 15 A, threshold well above the solvent (median + 4 robust
/// standard deviations, and at least a tenth of the way to the maximum), dilate by 5 A, soft edge of 6 A.
/// Generous on purpose: the mask only says where the maps are compared.
/// </summary>
public static class AutoMask
{
    public static Grid Create(IFftBackend fft, MapVolume map, double lowPass = 15, double dilate = 5,
        double softEdge = 6)
    {
        double p = map.PixelSize;
        // Everything after the low-pass is smooth on a scale of several A: work on a grid of about 2 A (an eighth of
        // the 256^3 transforms for a 1 A map) and interpolate the finished mask back.
        var coarse = SpectralFilter.ShapeForPixel(map.Shape, p, Math.Min(2, lowPass / 6));
        double pc = Math.Max(map.Shape.X * p / coarse.X, Math.Max(map.Shape.Y * p / coarse.Y,
            map.Shape.Z * p / coarse.Z));
        var low = SpectralFilter.Resample(fft, map.Grid, Vector3d.All(p), coarse,
            SpectralFilter.LowPass(Math.Max(lowPass, 3 * p), 0.5));
        var (median, robustSigma, max) = RobustLevels(low.Data);
        double threshold = Math.Max(median + 4 * robustSigma, median + 0.1 * (max - median));
        var binary = new Grid(coarse);
        long count = 0;
        for (int i = 0; i < binary.Data.Length; i++)
            if (low.Data[i] > threshold) { binary.Data[i] = 1; count++; }
        if (count == 0) throw new CryoMergeInputException(map.Name,
            "no density stands out above the solvent (the automatic mask is empty); give a --mask");
        var dilated = BallConvolve(fft, binary, dilate / pc);
        for (int i = 0; i < dilated.Data.Length; i++) dilated.Data[i] = dilated.Data[i] > 1e-3f ? 1 : 0;
        var soft = BallConvolve(fft, dilated, softEdge / pc);
        for (int i = 0; i < soft.Data.Length; i++) soft.Data[i] = Math.Clamp(2 * soft.Data[i], 0f, 1f);
        return coarse == map.Shape ? soft : Upsample(soft, map.Shape);
    }

    /// <summary>
    /// A soft sphere: 1 within <paramref name="radius"/> (A) of <paramref name="centre"/> (A from the box centre N/2),
    /// falling to 0 along a raised cosine over <paramref name="softEdge"/> A.
    /// </summary>
    public static Grid Sphere(Shape3 shape, double pixelSize, Vector3d centre, double radius, double softEdge)
    {
        var g = new Grid(shape);
        Parallel.For(0, shape.Z, k =>
        {
            for (int j = 0; j < shape.Y; j++)
                for (int i = 0; i < shape.X; i++)
                {
                    double dx = (i - shape.X / 2) * pixelSize - centre.X, dy = (j - shape.Y / 2) * pixelSize - centre.Y;
                    double dz = (k - shape.Z / 2) * pixelSize - centre.Z;
                    double t = Math.Clamp((Math.Sqrt(dx * dx + dy * dy + dz * dz) - radius) / softEdge, 0, 1);
                    g[i, j, k] = (float)(0.5 + 0.5 * Math.Cos(Math.PI * t));
                }
        });
        return g;
    }

    /// <summary>Trilinear interpolation of a coarse grid onto a finer one of the same box (fine index i at coarse i x M
    /// / N).</summary>
    internal static Grid Upsample(Grid coarse, Shape3 fine)
    {
        var m = coarse.Shape;
        var g = new Grid(fine);
        double rx = (double)m.X / fine.X, ry = (double)m.Y / fine.Y, rz = (double)m.Z / fine.Z;
        Parallel.For(0, fine.Z, k =>
        {
            for (int j = 0; j < fine.Y; j++)
            {
                long row = ((long)k * fine.Y + j) * fine.X;
                for (int i = 0; i < fine.X; i++) g.Data[row + i] = EvaluationPoints.Trilinear(coarse, i * rx,
                    j * ry, k * rz);
            }
        });
        return g;
    }

    /// <summary>Weighted centroid (A from the box centre) and the radius (A) that holds every voxel above half
    /// weight.</summary>
    public static (Vector3d Centroid, double Radius) Extent(Grid mask, double pixelSize)
    {
        var s = mask.Shape;
        double sw = 0, sx = 0, sy = 0, sz = 0;
        int cx = s.X / 2, cy = s.Y / 2, cz = s.Z / 2;
        for (int k = 0; k < s.Z; k++)
            for (int j = 0; j < s.Y; j++)
                for (int i = 0; i < s.X; i++)
                {
                    double w = mask[i, j, k];
                    if (w <= 0) continue;
                    sw += w; sx += w * (i - cx); sy += w * (j - cy); sz += w * (k - cz);
                }
        if (sw <= 0) return (default, 0);
        var c = new Vector3d(sx / sw, sy / sw, sz / sw);
        double r2 = 0;
        for (int k = 0; k < s.Z; k++)
            for (int j = 0; j < s.Y; j++)
                for (int i = 0; i < s.X; i++)
                {
                    if (mask[i, j, k] < 0.5f) continue;
                    double dx = i - cx - c.X, dy = j - cy - c.Y, dz = k - cz - c.Z;
                    r2 = Math.Max(r2, dx * dx + dy * dy + dz * dz);
                }
        return (new Vector3d(c.X * pixelSize, c.Y * pixelSize, c.Z * pixelSize), (Math.Sqrt(r2) + 1) * pixelSize);
    }

    /// <summary>Median, 1.4826 x median absolute deviation and maximum, from at most ~200 000 values.</summary>
    internal static (double Median, double Sigma, double Max) RobustLevels(float[] data)
    {
        int stride = Math.Max(1, data.Length / 200_000);
        var sample = new float[(data.Length + stride - 1) / stride];
        float max = float.NegativeInfinity;
        for (int i = 0, j = 0; i < data.Length; i += stride, j++) sample[j] = data[i];
        foreach (float v in data) max = Math.Max(max, v);
        double median = Select(sample, sample.Length / 2);
        for (int i = 0; i < sample.Length; i++) sample[i] = (float)Math.Abs(sample[i] - median);
        return (median, 1.4826 * Select(sample, sample.Length / 2), max);
    }

    /// <summary>
    /// The k-th smallest value (what a sort would put at index k) by Hoare's selection: linear time, where sorting the
    /// 200 000 samples twice took a tenth of a small map's preparation. Reorders <paramref name="values"/>.
    /// </summary>
    internal static float Select(float[] values, int k)
    {
        int lo = 0, hi = values.Length - 1;
        while (lo < hi)
        {
            // Median of three as pivot: sorted or constant data stay linear.
            int mid = lo + (hi - lo) / 2;
            float a = values[lo], b = values[mid], c = values[hi];
            float pivot = Math.Max(Math.Min(a, b), Math.Min(Math.Max(a, b), c));
            int i = lo, j = hi;
            while (i <= j)
            {
                while (values[i] < pivot) i++;
                while (values[j] > pivot) j--;
                if (i <= j) { (values[i], values[j]) = (values[j], values[i]); i++; j--; }
            }
            if (k <= j) hi = j;
            else if (k >= i) lo = i;
            else return values[k];
        }
        return values[k];
    }

    /// <summary>Convolution with a solid ball of <paramref name="radius"/> voxels, normalised to the ball's volume
    /// (periodic).</summary>
    internal static Grid BallConvolve(IFftBackend fft, Grid g, double radius)
    {
        var s = g.Shape;
        var ball = new Grid(s);
        double r2 = radius * radius;
        int r = (int)Math.Ceiling(radius);
        double volume = 0;
        for (int k = -r; k <= r; k++)
            for (int j = -r; j <= r; j++)
                for (int i = -r; i <= r; i++)
                {
                    if (i * i + j * j + k * k > r2) continue;
                    ball[Wrap(i, s.X), Wrap(j, s.Y), Wrap(k, s.Z)] = 1;
                    volume++;
                }
        var fg = new Complex32[FftLayout.SpectrumLength(s)];
        var fb = new Complex32[fg.Length];
        fft.ForwardReal(s, g.Data, fg);
        fft.ForwardReal(s, ball.Data, fb);
        float scale = (float)(1.0 / (s.Count * volume));
        for (int i = 0; i < fg.Length; i++) fg[i] = fg[i] * fb[i] * scale;
        var result = new Grid(s);
        fft.InverseReal(s, fg, result.Data);
        return result;
    }

    private static int Wrap(int i, int n) => ((i % n) + n) % n;
}
