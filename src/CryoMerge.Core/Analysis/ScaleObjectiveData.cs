using CryoMerge.Core.Imaging;

namespace CryoMerge.Core.Analysis;

/// <summary>
/// The reference side of the objective: the filtered map 1 at the points where the score is evaluated (inside the
/// mask, on a lattice as coarse as the band limit allows), with positions in A from map 1's centre, mask weights,
/// and a block number per point for the cluster-robust variance.
/// </summary>
internal sealed class EvaluationPoints
{
    public required float[] X { get; init; }
    public required float[] Y { get; init; }
    public required float[] Z { get; init; }
    public required float[] Value { get; init; }
    public required float[] Weight { get; init; }
    public required int[] Block { get; init; }
    public required int BlockCount { get; init; }
    public int Count => Value.Length;

    /// <summary>
    /// Samples the filtered reference on a lattice of about <paramref name="spacing"/> A (Fourier resampling, exact for
    /// a
    /// band-limited map) and keeps points whose mask weight exceeds 1e-3.
    /// </summary>
    /// <param name="extraWeight">A further weight per point from its position (A from map 1's centre), or null.</param>
    public static EvaluationPoints Create(IFftBackend fft, MapVolume reference, Grid mask, Func<double, double> gain,
        double spacing, double blockLength,
        Func<Vector3d, double>? extraWeight = null)
    {
        var n = reference.Shape;
        double p = reference.PixelSize;
        var m = SpectralFilter.ShapeForPixel(n, p, spacing);
        var filtered = SpectralFilter.Resample(fft, reference.Grid, Vector3d.All(p), m, gain);
        double rx = (double)n.X / m.X, ry = (double)n.Y / m.Y, rz = (double)n.Z / m.Z;
        var c = reference.Centre;
        var x = new List<float>();
        var y = new List<float>();
        var z = new List<float>();
        var v = new List<float>();
        var w = new List<float>();
        var block = new List<int>();
        int bx = Math.Max(1, (int)Math.Ceiling(n.X * p / blockLength)), by = Math.Max(1,
            (int)Math.Ceiling(n.Y * p / blockLength));
        int bz = Math.Max(1, (int)Math.Ceiling(n.Z * p / blockLength));
        for (int k = 0; k < m.Z; k++)
            for (int j = 0; j < m.Y; j++)
                for (int i = 0; i < m.X; i++)
                {
                    double ix = i * rx, iy = j * ry, iz = k * rz;
                    float weight = Trilinear(mask, ix, iy, iz);
                    if (weight > 1e-3f && extraWeight is not null)
                        weight *= (float)extraWeight(new Vector3d((ix - c.X) * p, (iy - c.Y) * p, (iz - c.Z) * p));
                    if (weight <= 1e-3f) continue;
                    x.Add((float)((ix - c.X) * p));
                    y.Add((float)((iy - c.Y) * p));
                    z.Add((float)((iz - c.Z) * p));
                    v.Add(filtered[i, j, k]);
                    w.Add(weight);
                    int b0 = Math.Min(bx - 1, (int)(ix * p / blockLength)), b1 = Math.Min(by - 1,
                        (int)(iy * p / blockLength)), b2 = Math.Min(bz - 1, (int)(iz * p / blockLength));
                    block.Add(b0 + bx * (b1 + by * b2));
                }
        // Renumber the blocks that hold points densely.
        var ids = new Dictionary<int, int>();
        var dense = block.Select(b => ids.TryGetValue(b, out int d) ? d : ids[b] = ids.Count).ToArray();
        return new EvaluationPoints
        {
            X = x.ToArray(), Y = y.ToArray(), Z = z.ToArray(), Value = v.ToArray(), Weight = w.ToArray(),
            Block = dense, BlockCount = ids.Count,
        };
    }

    /// <summary>The same points with <paramref name="sign"/> x another set's values added (built at the same level from
    /// other maps).</summary>
    public EvaluationPoints Plus(EvaluationPoints other, float sign)
    {
        if (other.Count != Count) throw new ArgumentException($"point sets differ: {Count} and {other.Count} points");
        var v = new float[Count];
        for (int i = 0; i < v.Length; i++) v[i] = Value[i] + sign * other.Value[i];
        return new EvaluationPoints { X = X, Y = Y, Z = Z, Value = v, Weight = Weight, Block = Block,
            BlockCount = BlockCount };
    }

    /// <summary>Trilinear interpolation with clamping at the edges (for masks).</summary>
    internal static float Trilinear(Grid g, double x, double y, double z)
    {
        var s = g.Shape;
        x = Math.Clamp(x, 0, s.X - 1);
        y = Math.Clamp(y, 0, s.Y - 1);
        z = Math.Clamp(z, 0, s.Z - 1);
        int x0 = Math.Min((int)x, s.X - 2 < 0 ? 0 : s.X - 2), y0 = Math.Min((int)y, Math.Max(0, s.Y - 2)),
            z0 = Math.Min((int)z, Math.Max(0, s.Z - 2));
        int x1 = Math.Min(x0 + 1, s.X - 1), y1 = Math.Min(y0 + 1, s.Y - 1), z1 = Math.Min(z0 + 1, s.Z - 1);
        double fx = x - x0, fy = y - y0, fz = z - z0;
        double c00 = g[x0, y0, z0] * (1 - fx) + g[x1, y0, z0] * fx, c10 = g[x0, y1, z0] * (1 - fx) + g[x1, y1, z0] * fx;
        double c01 = g[x0, y0, z1] * (1 - fx) + g[x1, y0, z1] * fx, c11 = g[x0, y1, z1] * (1 - fx) + g[x1, y1, z1] * fx;
        return (float)((c00 * (1 - fy) + c10 * fy) * (1 - fz) + (c01 * (1 - fy) + c11 * fy) * fz);
    }
}

/// <summary>
/// The moving side: map 2 filtered in its own frame (frequencies in A^-1 computed with its pixel size at the
/// current scale estimate), resampled to a spacing that keeps the spline accurate, as cubic B-spline coefficients.
/// </summary>
internal sealed class MovingMap
{
    public required CubicBSpline Spline { get; init; }
    /// <summary>Nominal A per spline voxel along X, Y, Z.</summary>
    public required Vector3d Voxel { get; init; }
    /// <summary>Map 2's box centre N/2 in spline-grid index units.</summary>
    public required Vector3d Centre { get; init; }

    public static MovingMap Create(IFftBackend fft, MapVolume map, double scale, Func<double, double>? gain,
        double spacing)
    {
        var n = map.Shape;
        double p = map.PixelSize;
        // Finer than the map when the band needs it (up to twice): a cubic spline is accurate to about 1 % up to a
        // quarter of its sampling frequency, and loses accuracy fast beyond.
        var m = spacing >= p ? SpectralFilter.ShapeForPixel(n, p, spacing) : SpectralFilter.ShapeForPixel(n, p,
            Math.Max(spacing, p / 2), allowFiner: true);
        var filtered = SpectralFilter.Resample(fft, map.Grid, Vector3d.All(p * scale), m, gain,
            splineCompensation: true);
        var c = map.Centre;
        return new MovingMap
        {
            Spline = CubicBSpline.Fit(filtered, 0f),
            Voxel = new Vector3d(n.X * p / m.X, n.Y * p / m.Y, n.Z * p / m.Z),
            Centre = new Vector3d(c.X * m.X / n.X, c.Y * m.Y / n.Y, c.Z * m.Z / n.Z),
        };
    }

    /// <summary>
    /// 1 well inside map 2's box, falling smoothly to 0 over <paramref name="margin"/> voxels towards the tapered
    /// border
    /// (nominal A from map 2's centre, in map 2's original voxels <paramref name="shape"/> of <paramref name="pixel"/>
    /// A).
    /// Points out there would see map 2's noise fade with the taper, and a noise level that changes with the pose
    /// biases the fit.
    /// </summary>
    public static double Interior(Vector3d v, Shape3 shape, double pixel, double taper, double margin)
    {
        double Axis(double offset, int n)
        {
            double i = offset / pixel + n / 2;
            double d = Math.Min(i, n - 1 - i) - taper;   // voxels from the inner edge of the taper
            if (d >= margin) return 1;
            if (d <= 0) return 0;
            return 0.5 - 0.5 * Math.Cos(Math.PI * d / margin);
        }
        return Axis(v.X, shape.X) * Axis(v.Y, shape.Y) * Axis(v.Z, shape.Z);
    }

    /// <summary>This map plus <paramref name="sign"/> x another resampled on the same grid (same level, other
    /// data).</summary>
    public MovingMap Plus(MovingMap other, float sign) => new() { Spline = Spline.Plus(other.Spline, sign),
        Voxel = Voxel, Centre = Centre };

    /// <summary>Whether a nominal-A position (from map 2's centre) falls inside the box.</summary>
    public bool Contains(Vector3d v)
    {
        var s = Spline.Shape;
        double x = Centre.X + v.X / Voxel.X, y = Centre.Y + v.Y / Voxel.Y, z = Centre.Z + v.Z / Voxel.Z;
        return x >= 0 && y >= 0 && z >= 0 && x <= s.X - 1 && y <= s.Y - 1 && z <= s.Z - 1;
    }
}
