using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace CryoMerge.Core.Imaging;

/// <summary>
/// Cubic B-spline interpolation (Unser, IEEE Signal Processing Magazine 16:22, 1999): the grid is first turned
/// into spline coefficients by a recursive filter along each axis (pole sqrt(3) - 2, mirror boundaries), after
/// which the interpolant passes exactly through every voxel and can be sampled anywhere with 4 x 4 x 4
/// coefficients. Continuous resampling, with no box quantisation: what Chimera does by hand in the paper.
/// </summary>
public sealed class CubicBSpline
{
    private static readonly double Pole = Math.Sqrt(3) - 2;
    private readonly float[] _c;
    private readonly int _nx, _ny, _nz;

    private CubicBSpline(Shape3 shape, float[] coefficients)
    {
        Shape = shape;
        _c = coefficients;
        (_nx, _ny, _nz) = (shape.X, shape.Y, shape.Z);
    }

    public Shape3 Shape { get; }

    /// <summary>The spline coefficients, X fastest (for tests).</summary>
    internal ReadOnlySpan<float> Coefficients => _c;

    /// <summary>Value returned for points outside the grid (by more than half a voxel); null extends by
    /// mirroring.</summary>
    public float? Outside { get; init; } = 0f;

    /// <summary>Lines filtered together in the Y and Z passes.</summary>
    private const int Block = 128;

    /// <summary>Computes the spline coefficients of a grid (the grid is not changed).</summary>
    public static CubicBSpline Fit(Grid grid, float? outside = 0f)
    {
        var c = (float[])grid.Data.Clone();
        var s = grid.Shape;
        // X lines
        Parallel.For(0, s.Y * s.Z, () => new double[s.X], (line, _, buffer) =>
        {
            FilterLine(c, (long)line * s.X, 1, s.X, buffer);
            return buffer;
        }, _ => { });
        // Y and Z lines a block of X at a time, so that memory is read in rows rather than one stride per value.
        int blocks = (s.X + Block - 1) / Block;
        if (s.Y > 1)
            Parallel.For(0, s.Z * blocks, () => new double[(long)s.Y * Block], (item, _, buffer) =>
            {
                int x0 = item % blocks * Block;
                FilterAcross(c, (long)(item / blocks) * s.X * s.Y + x0, s.X, s.Y, Math.Min(Block, s.X - x0), buffer);
                return buffer;
            }, _ => { });
        if (s.Z > 1)
            Parallel.For(0, s.Y * blocks, () => new double[(long)s.Z * Block], (item, _, buffer) =>
            {
                int x0 = item % blocks * Block;
                FilterAcross(c, (long)(item / blocks) * s.X + x0, (long)s.X * s.Y, s.Z, Math.Min(Block,
                    s.X - x0), buffer);
                return buffer;
            }, _ => { });
        return new CubicBSpline(s, c) { Outside = outside };
    }

    /// <summary>
    /// The spline of this grid plus <paramref name="sign"/> x another grid of the same shape, from the two splines'
    /// coefficients (the prefilter is linear, so no refit is needed).
    /// </summary>
    public CubicBSpline Plus(CubicBSpline other, float sign)
    {
        if (other.Shape != Shape) throw new ArgumentException($"spline shapes differ: {Shape} and {other.Shape}");
        var c = new float[_c.Length];
        for (int i = 0; i < c.Length; i++) c[i] = _c[i] + sign * other._c[i];
        return new CubicBSpline(Shape, c) { Outside = Outside };
    }

    /// <summary>In-place causal and anti-causal filtering of one line with mirror-symmetric boundaries.</summary>
    internal static void FilterLine(float[] data, long start, long stride, int n, double[] line)
    {
        if (n == 1) return;
        for (int i = 0; i < n; i++) line[i] = data[start + i * stride] * 6.0;   // gain (1 - z)(1 - 1/z) = 6
        double z = Pole;
        // Initial causal coefficient (mirror boundaries), truncated sum for long lines.
        int horizon = Math.Min(n, 30);
        double sum = line[0], zn = z;
        for (int k = 1; k < horizon; k++) { sum += zn * line[k]; zn *= z; }
        line[0] = horizon < n ? sum : ExactCausalStart(line, n, z);
        for (int k = 1; k < n; k++) line[k] += z * line[k - 1];
        line[n - 1] = z / (z * z - 1) * (z * line[n - 2] + line[n - 1]);
        for (int k = n - 2; k >= 0; k--) line[k] = z * (line[k + 1] - line[k]);
        for (int i = 0; i < n; i++) data[start + i * stride] = (float)line[i];
    }

    /// <summary>
    /// <see cref="FilterLine"/> on <paramref name="width"/> neighbouring lines at once (line x starts at start + x, its
    /// values <paramref name="stride"/> apart): the same operations in the same order for each line, so the same
    /// result.
    /// </summary>
    private static void FilterAcross(float[] data, long start, long stride, int n, int width, double[] rows)
    {
        for (int i = 0; i < n; i++) Widen(data.AsSpan((int)(start + i * stride), width), rows.AsSpan(i * width,
            width), 6.0);
        double z = Pole;
        int horizon = Math.Min(n, 30);
        if (horizon < n)
        {
            // Per line: sum = c[0] + z c[1] + z^2 c[2] + ..., added in that order.
            var sum = rows.AsSpan(0, width);
            double zn = z;
            for (int k = 1; k < horizon; k++)
            {
                AddScaled(sum, rows.AsSpan(k * width, width), zn);
                zn *= z;
            }
        }
        else
        {
            var line = new double[n];
            for (int x = 0; x < width; x++)
            {
                for (int k = 0; k < n; k++) line[k] = rows[k * width + x];
                rows[x] = ExactCausalStart(line, n, z);
            }
        }
        for (int k = 1; k < n; k++) AddScaled(rows.AsSpan(k * width, width), rows.AsSpan((k - 1) * width, width), z);
        double end = z / (z * z - 1);
        int last = (n - 1) * width, beforeLast = last - width;
        for (int x = 0; x < width; x++) rows[last + x] = end * (z * rows[beforeLast + x] + rows[last + x]);
        for (int k = n - 2; k >= 0; k--) ScaledDifference(rows.AsSpan(k * width, width), rows.AsSpan((k + 1) * width,
            width), z);
        for (int i = 0; i < n; i++) Narrow(rows.AsSpan(i * width, width),
            data.AsSpan((int)(start + i * stride), width));
    }

    // Element-wise loops of FilterAcross, a vector at a time: each element gets the same operations in the same
    // order as one at a time (no fused multiply-add), so the same bits.

    /// <summary>to[i] = from[i] x gain.</summary>
    private static void Widen(ReadOnlySpan<float> from, Span<double> to, double gain)
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated)
            for (; i <= from.Length - Vector<float>.Count; i += Vector<float>.Count)
            {
                Vector.Widen(new Vector<float>(from[i..]), out var low, out var high);
                (low * gain).CopyTo(to[i..]);
                (high * gain).CopyTo(to[(i + Vector<double>.Count)..]);
            }
        for (; i < from.Length; i++) to[i] = from[i] * gain;
    }

    /// <summary>to[i] = (float)from[i].</summary>
    private static void Narrow(ReadOnlySpan<double> from, Span<float> to)
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated)
            for (; i <= from.Length - Vector<float>.Count; i += Vector<float>.Count)
                Vector.Narrow(new Vector<double>(from[i..]),
                    new Vector<double>(from[(i + Vector<double>.Count)..])).CopyTo(to[i..]);
        for (; i < from.Length; i++) to[i] = (float)from[i];
    }

    /// <summary>target[i] += z x source[i].</summary>
    private static void AddScaled(Span<double> target, ReadOnlySpan<double> source, double z)
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated)
            for (; i <= target.Length - Vector<double>.Count; i += Vector<double>.Count)
                (new Vector<double>(target[i..]) + z * new Vector<double>(source[i..])).CopyTo(target[i..]);
        for (; i < target.Length; i++) target[i] += z * source[i];
    }

    /// <summary>target[i] = z x (next[i] - target[i]).</summary>
    private static void ScaledDifference(Span<double> target, ReadOnlySpan<double> next, double z)
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated)
            for (; i <= target.Length - Vector<double>.Count; i += Vector<double>.Count)
                (z * (new Vector<double>(next[i..]) - new Vector<double>(target[i..]))).CopyTo(target[i..]);
        for (; i < target.Length; i++) target[i] = z * (next[i] - target[i]);
    }

    private static double ExactCausalStart(double[] c, int n, double z)
    {
        double zn = z, iz = 1 / z, z2n = Math.Pow(z, n - 1), sum = c[0] + z2n * c[n - 1];
        z2n *= z2n * iz;
        for (int k = 1; k <= n - 2; k++)
        {
            sum += (zn + z2n) * c[k];
            zn *= z;
            z2n *= iz;
        }
        return sum / (1 - zn * zn);
    }

    /// <summary>The interpolated value at voxel coordinates (0 = first voxel centre).</summary>
    public float Sample(double x, double y, double z = 0)
    {
        if (Outside is float outside && (x < -0.5 || y < -0.5 || z < -0.5 || x > _nx - 0.5 || y > _ny - 0.5 || z
            > _nz - 0.5))
            return outside;
        int ix = (int)Math.Floor(x), iy = (int)Math.Floor(y), iz = (int)Math.Floor(z);
        if (IsInterior(ix, iy, iz)) return (float)SampleInterior(x - ix, y - iy, z - iz, Index(ix - 1, iy - 1, iz - 1));
        return SampleMirrored(x, y, z);
    }

    /// <summary><see cref="Sample"/> with every tap mirrored into the grid (any point; the only way near the
    /// edges).</summary>
    internal float SampleMirrored(double x, double y, double z)
    {
        int ix = (int)Math.Floor(x), iy = (int)Math.Floor(y), iz = (int)Math.Floor(z);
        Span<double> wx = stackalloc double[4], wy = stackalloc double[4], wz = stackalloc double[4];
        Span<int> jx = stackalloc int[4], jy = stackalloc int[4], jz = stackalloc int[4];
        Weights(x - ix, wx);
        Weights(y - iy, wy);
        for (int k = 0; k < 4; k++)
        {
            jx[k] = Mirror(ix - 1 + k, _nx);
            jy[k] = Mirror(iy - 1 + k, _ny);
        }
        int zTaps = _nz > 1 ? 4 : 1;
        if (_nz > 1)
        {
            Weights(z - iz, wz);
            for (int k = 0; k < 4; k++) jz[k] = Mirror(iz - 1 + k, _nz);
        }
        else
        {
            wz[0] = 1;
            jz[0] = 0;
        }
        double sum = 0;
        for (int c = 0; c < zTaps; c++)
        {
            long plane = (long)jz[c] * _nx * _ny;
            double planeSum = 0;
            for (int b = 0; b < 4; b++)
            {
                long row = plane + (long)jy[b] * _nx;
                planeSum += wy[b] * (wx[0] * _c[row + jx[0]] + wx[1] * _c[row + jx[1]] + wx[2] * _c[row + jx[2]] + wx[3]
                    * _c[row + jx[3]]);
            }
            sum += wz[c] * planeSum;
        }
        return (float)sum;
    }

    /// <summary>
    /// The interpolated value and its gradient (per voxel along X, Y, Z) at voxel coordinates, for optimisers that
    /// move sample points (pose and scale refinement). Outside the grid: the outside value and a zero gradient.
    /// </summary>
    public double SampleWithGradient(double x, double y, double z, out double gx, out double gy, out double gz)
    {
        gx = gy = gz = 0;
        if (Outside is float outside && (x < -0.5 || y < -0.5 || z < -0.5 || x > _nx - 0.5 || y > _ny - 0.5 || z
            > _nz - 0.5))
            return outside;
        int ix = (int)Math.Floor(x), iy = (int)Math.Floor(y), iz = (int)Math.Floor(z);
        if (IsInterior(ix, iy, iz)) return SampleInteriorWithGradient(x - ix, y - iy, z - iz, Index(ix - 1, iy - 1,
            iz - 1), out gx, out gy, out gz);
        return SampleMirroredWithGradient(x, y, z, out gx, out gy, out gz);
    }

    /// <summary><see cref="SampleWithGradient"/> with every tap mirrored into the grid.</summary>
    internal double SampleMirroredWithGradient(double x, double y, double z, out double gx, out double gy,
        out double gz)
    {
        int ix = (int)Math.Floor(x), iy = (int)Math.Floor(y), iz = (int)Math.Floor(z);
        Span<double> wx = stackalloc double[4], wy = stackalloc double[4], wz = stackalloc double[4];
        Span<double> dx = stackalloc double[4], dy = stackalloc double[4], dz = stackalloc double[4];
        Span<int> jx = stackalloc int[4], jy = stackalloc int[4], jz = stackalloc int[4];
        WeightsAndDerivatives(x - ix, wx, dx);
        WeightsAndDerivatives(y - iy, wy, dy);
        WeightsAndDerivatives(z - iz, wz, dz);
        for (int k = 0; k < 4; k++)
        {
            jx[k] = Mirror(ix - 1 + k, _nx);
            jy[k] = Mirror(iy - 1 + k, _ny);
            jz[k] = Mirror(iz - 1 + k, _nz);
        }
        double v = 0, sx = 0, sy = 0, sz = 0;
        for (int c = 0; c < 4; c++)
        {
            long plane = (long)jz[c] * _nx * _ny;
            double pv = 0, px = 0, py = 0;
            for (int b = 0; b < 4; b++)
            {
                long row = plane + (long)jy[b] * _nx;
                double c0 = _c[row + jx[0]], c1 = _c[row + jx[1]], c2 = _c[row + jx[2]], c3 = _c[row + jx[3]];
                double rv = wx[0] * c0 + wx[1] * c1 + wx[2] * c2 + wx[3] * c3;
                double rd = dx[0] * c0 + dx[1] * c1 + dx[2] * c2 + dx[3] * c3;
                pv += wy[b] * rv;
                px += wy[b] * rd;
                py += dy[b] * rv;
            }
            v += wz[c] * pv;
            sx += wz[c] * px;
            sy += wz[c] * py;
            sz += dz[c] * pv;
        }
        gx = sx;
        gy = sy;
        gz = sz;
        return v;
    }

    /// <summary>All 4 x 4 x 4 coefficients around voxel (ix, iy, iz) lie inside the grid: no mirroring
    /// needed.</summary>
    private bool IsInterior(int ix, int iy, int iz) => _nx >= 4 && _ny >= 4 && _nz >= 4 &&
        (uint)(ix - 1) <= (uint)(_nx - 4) && (uint)(iy - 1) <= (uint)(_ny - 4) && (uint)(iz - 1) <= (uint)(_nz - 4);

    private long Index(int x, int y, int z) => x + (long)_nx * (y + (long)_ny * z);

    /// <summary>
    /// <see cref="Sample"/> away from the edges, where the four X taps of a row are consecutive: the rows are weighted
    /// and summed four taps at a time (SIMD), then the X weights applied, without per-tap mirroring (an integer
    /// division each). The sum runs in another order than <see cref="SampleMirrored"/>, so the two can differ in the
    /// last bits.
    /// </summary>
    private double SampleInterior(double tx, double ty, double tz, long corner)
    {
        var (x0, x1, x2, x3) = Weights(tx);
        var (y0, y1, y2, y3) = Weights(ty);
        var (z0, z1, z2, z3) = Weights(tz);
        long plane = (long)_nx * _ny;
        ref float c = ref MemoryMarshal.GetArrayDataReference(_c);
        var acc = z0 * PlaneRows(ref c, corner, y0, y1, y2, y3)
            + z1 * PlaneRows(ref c, corner + plane, y0, y1, y2, y3)
            + z2 * PlaneRows(ref c, corner + 2 * plane, y0, y1, y2, y3)
            + z3 * PlaneRows(ref c, corner + 3 * plane, y0, y1, y2, y3);
        return Vector256.Sum(acc * Vector256.Create(x0, x1, x2, x3));
    }

    /// <summary>The four taps of row <paramref name="at"/>, widened to double.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<double> Row(ref float c, long at)
    {
        var v = Vector128.LoadUnsafe(ref c, (nuint)at);
        return Vector256.Create(Vector128.WidenLower(v), Vector128.WidenUpper(v));
    }

    /// <summary>The four rows of one plane weighted by the Y weights: a vector over the four X taps.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private Vector256<double> PlaneRows(ref float c, long corner, double y0, double y1, double y2, double y3) =>
        y0 * Row(ref c, corner) + y1 * Row(ref c, corner + _nx) + y2 * Row(ref c, corner + 2 * _nx) + y3 * Row(ref c,
        corner + 3 * _nx);

    /// <summary><see cref="SampleWithGradient"/> away from the edges, four X taps at a time (see <see
    /// cref="SampleInterior"/>).</summary>
    private double SampleInteriorWithGradient(double tx, double ty, double tz, long corner, out double gx,
        out double gy, out double gz)
    {
        var (wx0, wx1, wx2, wx3) = Weights(tx);
        var (dx0, dx1, dx2, dx3) = Derivatives(tx);
        var (wy0, wy1, wy2, wy3) = Weights(ty);
        var (dy0, dy1, dy2, dy3) = Derivatives(ty);
        var (wz0, wz1, wz2, wz3) = Weights(tz);
        var (dz0, dz1, dz2, dz3) = Derivatives(tz);
        ref float c = ref MemoryMarshal.GetArrayDataReference(_c);
        long plane = (long)_nx * _ny;
        // Per plane: rows weighted by the Y weights (value) and by their derivatives (Y gradient).
        Vector256<double> v = default, y = default, z = default;
        for (int k = 0; k < 4; k++)
        {
            long p = corner + k * plane;
            var r0 = Row(ref c, p);
            var r1 = Row(ref c, p + _nx);
            var r2 = Row(ref c, p + 2 * _nx);
            var r3 = Row(ref c, p + 3 * _nx);
            var pv = wy0 * r0 + wy1 * r1 + wy2 * r2 + wy3 * r3;
            var py = dy0 * r0 + dy1 * r1 + dy2 * r2 + dy3 * r3;
            double wz = k switch { 0 => wz0, 1 => wz1, 2 => wz2, _ => wz3 };
            double dz = k switch { 0 => dz0, 1 => dz1, 2 => dz2, _ => dz3 };
            v += wz * pv;
            y += wz * py;
            z += dz * pv;
        }
        var wx = Vector256.Create(wx0, wx1, wx2, wx3);
        gx = Vector256.Sum(v * Vector256.Create(dx0, dx1, dx2, dx3));
        gy = Vector256.Sum(y * wx);
        gz = Vector256.Sum(z * wx);
        return Vector256.Sum(v * wx);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (double, double, double, double) Weights(double t)
    {
        double u = 1 - t;
        return (u * u * u / 6, (4 - 6 * t * t + 3 * t * t * t) / 6, (4 - 6 * u * u + 3 * u * u * u) / 6, t * t * t / 6);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (double, double, double, double) Derivatives(double t)
    {
        double u = 1 - t;
        return (-u * u / 2, (-4 * t + 3 * t * t) / 2, (4 * u - 3 * u * u) / 2, t * t / 2);
    }

    private static void WeightsAndDerivatives(double t, Span<double> w, Span<double> d)
    {
        Weights(t, w);
        double u = 1 - t;
        d[0] = -u * u / 2;
        d[1] = (-4 * t + 3 * t * t) / 2;
        d[2] = (4 * u - 3 * u * u) / 2;
        d[3] = t * t / 2;
    }

    /// <summary>Cubic B-spline weights for the four coefficients around a point at fraction t in [0, 1).</summary>
    private static void Weights(double t, Span<double> w)
    {
        double u = 1 - t;
        w[0] = u * u * u / 6;
        w[1] = (4 - 6 * t * t + 3 * t * t * t) / 6;
        w[2] = (4 - 6 * u * u + 3 * u * u * u) / 6;
        w[3] = t * t * t / 6;
    }

    private static int Mirror(int i, int n)
    {
        if (n == 1) return 0;
        int period = 2 * n - 2;
        i %= period;
        if (i < 0) i += period;
        return i < n ? i : period - i;
    }

    /// <summary>
    /// Resamples onto a new grid: output voxel p maps to input position A (p - outputCentre) + inputCentre + shift,
    /// with centres at N/2 (RELION's convention) and A a 3 x 3 matrix in row-major order (scale, rotation or both).
    /// </summary>
    public Grid Resample(Shape3 outputShape, ReadOnlySpan<double> matrix, Vector3d shift = default)
    {
        if (matrix.Length != 9) throw new ArgumentException("the matrix needs 9 values (row-major 3 x 3)");
        var a = matrix.ToArray();
        var output = new Grid(outputShape);
        double cxi = _nx / 2, cyi = _ny / 2, czi = _nz / 2;
        double cxo = outputShape.X / 2, cyo = outputShape.Y / 2, czo = outputShape.Z / 2;
        var data = output.Data;
        Parallel.For(0, outputShape.Z, z =>
        {
            double dz = z - czo;
            for (int y = 0; y < outputShape.Y; y++)
            {
                double dy = y - cyo;
                long o = (long)outputShape.X * (y + (long)outputShape.Y * z);
                for (int x = 0; x < outputShape.X; x++)
                {
                    double dx = x - cxo;
                    double px = a[0] * dx + a[1] * dy + a[2] * dz + cxi + shift.X;
                    double py = a[3] * dx + a[4] * dy + a[5] * dz + cyi + shift.Y;
                    double pz = a[6] * dx + a[7] * dy + a[8] * dz + czi + shift.Z;
                    data[o + x] = Sample(px, py, pz);
                }
            }
        });
        return output;
    }

    /// <summary>Isotropic scaling about the centres: output pixel = input pixel x <paramref
    /// name="inputPerOutput"/>.</summary>
    public Grid Rescale(Shape3 outputShape, double inputPerOutput) =>
        Resample(outputShape, [inputPerOutput, 0, 0, 0, inputPerOutput, 0, 0, 0,
        outputShape.Z > 1 ? inputPerOutput : 1]);
}
