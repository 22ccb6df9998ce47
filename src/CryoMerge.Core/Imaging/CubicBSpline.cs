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

    /// <summary>Value returned for points outside the grid (by more than half a voxel); null extends by mirroring.</summary>
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
                FilterAcross(c, (long)(item / blocks) * s.X + x0, (long)s.X * s.Y, s.Z, Math.Min(Block, s.X - x0), buffer);
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
    private static void FilterLine(float[] data, long start, long stride, int n, double[] line)
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
    /// values <paramref name="stride"/> apart): the same operations in the same order for each line, so the same result.
    /// </summary>
    private static void FilterAcross(float[] data, long start, long stride, int n, int width, double[] rows)
    {
        for (int i = 0; i < n; i++)
        {
            long from = start + i * stride;
            int to = i * width;
            for (int x = 0; x < width; x++) rows[to + x] = data[from + x] * 6.0;
        }
        double z = Pole;
        int horizon = Math.Min(n, 30);
        if (horizon < n)
        {
            for (int x = 0; x < width; x++)
            {
                double sum = rows[x], zn = z;
                for (int k = 1; k < horizon; k++) { sum += zn * rows[k * width + x]; zn *= z; }
                rows[x] = sum;
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
        for (int k = 1; k < n; k++)
        {
            int row = k * width, previous = row - width;
            for (int x = 0; x < width; x++) rows[row + x] += z * rows[previous + x];
        }
        double end = z / (z * z - 1);
        int last = (n - 1) * width, beforeLast = last - width;
        for (int x = 0; x < width; x++) rows[last + x] = end * (z * rows[beforeLast + x] + rows[last + x]);
        for (int k = n - 2; k >= 0; k--)
        {
            int row = k * width, next = row + width;
            for (int x = 0; x < width; x++) rows[row + x] = z * (rows[next + x] - rows[row + x]);
        }
        for (int i = 0; i < n; i++)
        {
            long to = start + i * stride;
            int from = i * width;
            for (int x = 0; x < width; x++) data[to + x] = (float)rows[from + x];
        }
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
        if (Outside is float outside && (x < -0.5 || y < -0.5 || z < -0.5 || x > _nx - 0.5 || y > _ny - 0.5 || z > _nz - 0.5))
            return outside;
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
                planeSum += wy[b] * (wx[0] * _c[row + jx[0]] + wx[1] * _c[row + jx[1]] + wx[2] * _c[row + jx[2]] + wx[3] * _c[row + jx[3]]);
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
        if (Outside is float outside && (x < -0.5 || y < -0.5 || z < -0.5 || x > _nx - 0.5 || y > _ny - 0.5 || z > _nz - 0.5))
            return outside;
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

    /// <summary>Isotropic scaling about the centres: output pixel = input pixel x <paramref name="inputPerOutput"/>.</summary>
    public Grid Rescale(Shape3 outputShape, double inputPerOutput) =>
        Resample(outputShape, [inputPerOutput, 0, 0, 0, inputPerOutput, 0, 0, 0, outputShape.Z > 1 ? inputPerOutput : 1]);
}
