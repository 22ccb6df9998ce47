using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace CryoMerge.Core.Analysis;

/// <summary>The score of one pose: weighted correlation about the mean, and the fitted amplitude and offset.</summary>
/// <param name="Overlap">Fraction of the mask weight whose points fall inside map 2's box.</param>
public sealed record PoseScore(double Correlation, double Amplitude, double Offset, double Overlap);

/// <summary>
/// The objective of the fit: the masked correlation between the filtered reference at its evaluation points and map 2
/// sampled continuously (cubic B-spline) at the points a pose maps them to. Equivalently, the weighted least squares
/// a - (alpha g + beta), which <see cref="Refine"/> minimises by Levenberg-Marquardt over log-scale, rotation and
/// translation with analytic spline gradients. Sums run over fixed chunks and are added in a fixed order, so results do
/// not depend on thread timing.
/// </summary>
internal sealed partial class ScaleObjective
{
    private const int Chunk = 2048;
    private readonly EvaluationPoints _points;
    private readonly MovingMap _map;

    private readonly double _noise;

    /// <param name="mapNoiseVariance">
    /// Variance per point of map 2's filtered noise. It is taken out of map 2's variance in the normalisation: the
    /// noise variance of the points does not change with scale while the signal's grows as s^3 (map 2 is sampled more
    /// densely), so left in, it would tip the maximum towards a larger scale by about 0.75 (1 - signal fraction) over
    /// the curvature of the score.
    /// </param>
    public ScaleObjective(EvaluationPoints points, MovingMap map, double minLogScale, double maxLogScale,
        double mapNoiseVariance = 0)
    {
        _points = points;
        _map = map;
        MinLogScale = minLogScale;
        MaxLogScale = maxLogScale;
        _noise = Math.Max(0, mapNoiseVariance);
    }

    /// <summary>
    /// The objective of the maps plus <paramref name="sign"/> x the maps behind <paramref name="other"/> (built at the
    /// same level), with another noise variance. Building is linear in the maps, so this equals building from the
    /// summed
    /// maps, at the cost of two array additions.
    /// </summary>
    public ScaleObjective Plus(ScaleObjective other, float sign, double mapNoiseVariance) =>
        new(_points.Plus(other._points, sign), _map.Plus(other._map, sign), MinLogScale, MaxLogScale, mapNoiseVariance);

    public double MinLogScale { get; }
    public double MaxLogScale { get; }
    public int PointCount => _points.Count;

    /// <summary>Parameter order: log-scale, rotation vector (3), translation (3), then amplitude and offset.</summary>
    public const int PoseParameters = 7;

    /// <summary>Moments and, when asked, gradient sums of one pass over the points.</summary>
    private sealed class Sums
    {
        public double W, Wa, Wg, Waa, Wgg, Wag, Inside;
        /// <summary>Sums of w d_r d_c, row r at r x <see cref="Stride"/> (the upper triangle is what counts).</summary>
        public readonly double[] DD = new double[PoseParameters * Stride];
        public readonly double[] Da = new double[PoseParameters], Dg = new double[PoseParameters],
            D = new double[PoseParameters];

        public void Add(Sums o)
        {
            W += o.W; Wa += o.Wa; Wg += o.Wg; Waa += o.Waa; Wgg += o.Wgg; Wag += o.Wag; Inside += o.Inside;
            for (int i = 0; i < DD.Length; i++) DD[i] += o.DD[i];
            for (int i = 0; i < PoseParameters; i++) { Da[i] += o.Da[i]; Dg[i] += o.Dg[i]; D[i] += o.D[i]; }
        }

        public PoseScore Score(double noise)
        {
            if (W <= 0) return new PoseScore(double.NaN, 0, 0, 0);
            double ma = Wa / W, mg = Wg / W;
            double caa = Waa - W * ma * ma, cgg = Wgg - W * mg * mg, cag = Wag - W * ma * mg;
            // Map 2's signal variance: its noise taken out, but never below a twentieth of the total.
            cgg = Math.Max(cgg - noise * W, 0.05 * cgg);
            double rho = caa > 0 && cgg > 0 ? cag / Math.Sqrt(caa * cgg) : 0;
            double alpha = cgg > 0 ? cag / cgg : 0;
            return new PoseScore(rho, alpha, ma - alpha * mg, Inside / W);
        }
    }

    /// <summary>Fraction of map 2's variance at the points that its estimated noise accounts for.</summary>
    public double NoiseFraction(ScalePose pose)
    {
        var sums = Pass(pose, gradient: false, perBlock: null);
        double mg = sums.Wg / sums.W, cgg = sums.Wgg - sums.W * mg * mg;
        return cgg > 0 ? _noise * sums.W / cgg : 0;
    }

    /// <summary>The score of a pose (values only).</summary>
    public PoseScore Evaluate(ScalePose pose) => Pass(pose, gradient: false, perBlock: null).Score(_noise);

    /// <summary>
    /// One pass: samples map 2 at every point (with gradients when asked) and accumulates the moments in fixed
    /// chunks; with <paramref name="perBlock"/> the same sums per cluster block (for the sandwich variance).
    /// </summary>
    private Sums Pass(ScalePose pose, bool gradient, Sums[]? perBlock)
    {
        int chunks = (_points.Count + Chunk - 1) / Chunk;
        var partial = new Sums[chunks];
        // Per-block sums of each chunk, added into perBlock in chunk order afterwards (no locks, a fixed order).
        var partialBlocks = perBlock is null ? null : new Dictionary<int, Sums>[chunks];
        var lin = pose.Linear;
        var linT = lin.Transpose();
        double s = pose.Scale, invS = 1 / s;
        var t = pose.Translation;
        var voxel = _map.Voxel;
        var centre = _map.Centre;
        var spline = _map.Spline;
        var shape = spline.Shape;
        Parallel.For(0, chunks, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, chunk =>
        {
            var sums = new Sums();
            var blocks = partialBlocks is null ? null : new Dictionary<int, Sums>();
            int end = Math.Min(_points.Count, (chunk + 1) * Chunk);
            Span<double> d = stackalloc double[Stride];
            d[PoseParameters] = 0;   // the padding
            for (int i = chunk * Chunk; i < end; i++)
            {
                double w = _points.Weight[i], a = _points.Value[i];
                double ux = _points.X[i] - t.X, uy = _points.Y[i] - t.Y, uz = _points.Z[i] - t.Z;
                // Nominal A in map 2's frame, then spline index.
                double vx = (linT.M00 * ux + linT.M01 * uy + linT.M02 * uz) * invS;
                double vy = (linT.M10 * ux + linT.M11 * uy + linT.M12 * uz) * invS;
                double vz = (linT.M20 * ux + linT.M21 * uy + linT.M22 * uz) * invS;
                double sx = centre.X + vx / voxel.X, sy = centre.Y + vy / voxel.Y, sz = centre.Z + vz / voxel.Z;
                double g;
                bool inside = sx >= 0 && sy >= 0 && sz >= 0 && sx <= shape.X - 1 && sy <= shape.Y - 1 && sz
                    <= shape.Z - 1;
                if (gradient)
                {
                    g = spline.SampleWithGradient(sx, sy, sz, out double gx, out double gy, out double gz);
                    // Gradient per nominal A in map 2's frame, then per A in map 1's frame: q = L G / s.
                    gx /= voxel.X; gy /= voxel.Y; gz /= voxel.Z;
                    double qx = (lin.M00 * gx + lin.M01 * gy + lin.M02 * gz) * invS;
                    double qy = (lin.M10 * gx + lin.M11 * gy + lin.M12 * gz) * invS;
                    double qz = (lin.M20 * gx + lin.M21 * gy + lin.M22 * gz) * invS;
                    d[0] = -(qx * ux + qy * uy + qz * uz);
                    d[1] = qy * uz - qz * uy;
                    d[2] = qz * ux - qx * uz;
                    d[3] = qx * uy - qy * ux;
                    d[4] = -qx;
                    d[5] = -qy;
                    d[6] = -qz;
                    Accumulate(sums, d, w, a, g);
                    if (blocks is not null) Accumulate(BlockSums(blocks, _points.Block[i]), d, w, a, g);
                }
                else
                {
                    g = spline.Sample(sx, sy, sz);
                }
                sums.W += w;
                sums.Wa += w * a;
                sums.Wg += w * g;
                sums.Waa += w * a * a;
                sums.Wgg += w * g * g;
                sums.Wag += w * a * g;
                if (inside) sums.Inside += w;
                if (blocks is not null)
                {
                    var b = BlockSums(blocks, _points.Block[i]);
                    b.W += w; b.Wa += w * a; b.Wg += w * g; b.Waa += w * a * a; b.Wgg += w * g * g; b.Wag += w * a * g;
                }
            }
            partial[chunk] = sums;
            if (partialBlocks is not null) partialBlocks[chunk] = blocks!;
        });
        var total = new Sums();
        foreach (var p in partial) total.Add(p);
        if (partialBlocks is not null)
            foreach (var blocks in partialBlocks)
                foreach (var (block, sums) in blocks.OrderBy(b => b.Key)) perBlock![block].Add(sums);
        return total;
    }

    private static Sums BlockSums(Dictionary<int, Sums> blocks, int block)
    {
        if (!blocks.TryGetValue(block, out var sums)) blocks[block] = sums = new Sums();
        return sums;
    }

    /// <summary>Row length of <see cref="Sums.DD"/> and of the derivative vector: the 7 pose parameters padded to 8,
    /// two vectors of 4.</summary>
    private const int Stride = 8;

    private static void Accumulate(Sums sums, ReadOnlySpan<double> d, double w, double a, double g)
    {
        if (Vector256.IsHardwareAccelerated)
        {
            // Whole rows at a time: each sum gets the same product added as one at a time (no fused multiply-add),
            // so the same bits; the lower triangle is filled too and never read.
            var d0 = Vector256.Create<double>(d);
            var d1 = Vector256.Create<double>(d[4..]);
            ref double dd = ref MemoryMarshal.GetArrayDataReference(sums.DD);
            for (int r = 0; r < PoseParameters; r++)
            {
                double wd = w * d[r];
                sums.Da[r] += wd * a;
                sums.Dg[r] += wd * g;
                sums.D[r] += wd;
                nuint row = (nuint)(r * Stride);
                (Vector256.LoadUnsafe(ref dd, row) + wd * d0).StoreUnsafe(ref dd, row);
                (Vector256.LoadUnsafe(ref dd, row + 4) + wd * d1).StoreUnsafe(ref dd, row + 4);
            }
            return;
        }
        for (int r = 0; r < PoseParameters; r++)
        {
            double wd = w * d[r];
            sums.Da[r] += wd * a;
            sums.Dg[r] += wd * g;
            sums.D[r] += wd;
            int row = r * Stride;
            for (int c = r; c < PoseParameters; c++) sums.DD[row + c] += wd * d[c];
        }
    }
}
