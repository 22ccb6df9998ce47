using System.Runtime.InteropServices;
using CryoMerge.Core.Imaging;
using MathNet.Numerics;

namespace CryoMerge.Core.Reconstruction;

/// <summary>
/// Where one image's Fourier components land on the padded grid: for every component inside the cut-off sphere, the
/// lower corner of its trilinear cell, the fractions along X, Y and Z, the (conjugated where needed) value and its
/// weight, grouped by the Z plane of the lower corner. Computing this is the part of a back-projection that needs
/// only the image, so it runs in parallel over images; adding the points to the grid then runs in parallel over Z
/// slabs (<see cref="FourierBackProjector"/>). Instances are reused from image to image.
/// </summary>
public sealed class CentralSlice
{
    [StructLayout(LayoutKind.Sequential)]
    internal struct Point
    {
        public int Corner;      // x0 + HalfX (y0 + P z0), array indices
        public float Fx, Fy, Fz;
        public Complex32 Value;
        public float Weight;
    }

    /// <summary>Memory a slice keeps per spectrum component (two point arrays and the plane index).</summary>
    internal const int BytesPerComponent = 2 * 28 + 4;

    private Point[] _unsorted = [];
    private int[] _planeOf = [];

    /// <summary>
    /// Components exactly on the cut-off sphere (the Nyquist components on the image axes at padding 2) are kept.
    /// RELION keeps or drops each of them depending on the last bit of its SVD-based inverse of A, so its maps and
    /// ours differ by them alone, in the outermost shell or two.
    /// </summary>
    private const double Tie = 1e-9;

    internal Point[] Points { get; private set; } = [];

    /// <summary>Start of each Z plane's points in <see cref="Points"/> (length P + 1).</summary>
    internal int[] PlaneStart { get; private set; } = [];

    /// <summary>Number of points.</summary>
    public int Count { get; private set; }

    /// <summary>
    /// The points of one image's half spectrum as RELION's backproject2Dto3D visits them (R 3.1.3
    /// <c>src/backprojector.cpp</c>): rows i of the (size/2 + 1) x size spectrum are frequencies y = i, or i - size
    /// past the middle, whose x = 0 component is skipped (it is the conjugate of one already inserted); each (x, y) is
    /// mapped to padding x A^-1 (x, y, 0), kept only inside the ellipse (and then the sphere) of radius R, reflected
    /// through the origin with its value conjugated when its X is negative, and dropped when its trilinear cell
    /// leaves the grid. Components with weight &lt;= 0 are skipped.
    /// </summary>
    /// <param name="projection">RELION's A for this image (Euler matrix, with anisotropic magnification and the
    /// scale between the image's and the map's sampling folded in).</param>
    public void Fill(ReconstructionGrid grid, ReadOnlySpan<Complex32> spectrum, ReadOnlySpan<float> weights, int size,
        Matrix3 projection)
    {
        int sh = size / 2 + 1;
        if (spectrum.Length != sh * size || weights.Length != spectrum.Length)
            throw new ArgumentException($"a {size}-pixel image has {sh * size} spectrum components");
        var ainv = Inverse(projection);
        double pad = grid.Padding;
        double a00 = ainv.M00 * pad, a01 = ainv.M01 * pad, a10 = ainv.M10 * pad;
        double a11 = ainv.M11 * pad, a20 = ainv.M20 * pad, a21 = ainv.M21 * pad;
        int maxR2 = grid.MaxRadius2;
        // The x range inside |Ainv (x, y)|^2 <= R^2 for each y, as RELION computes it.
        double ataXX = a00 * a00 + a10 * a10 + a20 * a20;
        double ataXY = a00 * a01 + a10 * a11 + a20 * a21;
        double ataYY = a01 * a01 + a11 * a11 + a21 * a21;
        double ataXY2 = ataXY * ataXY;
        int halfX = grid.HalfX, paddedSize = grid.PaddedSize, origin = grid.Origin;
        EnsureCapacity(sh * size, paddedSize);
        var unsorted = _unsorted;
        var planeOf = _planeOf;
        int count = 0;
        for (int i = 0; i < size; i++)
        {
            int y = i < sh ? i : i - size;
            int firstAllowedX = i < sh ? 0 : 1;
            double discriminant = ataXY2 * y * y - ataXX * (ataYY * y * y - maxR2);
            if (discriminant < 0) continue;
            double d = Math.Sqrt(discriminant) / ataXX, q = -ataXY * y / ataXX;
            int firstX = Math.Max((int)Math.Ceiling(q - d - Tie), firstAllowedX);
            int lastX = Math.Min((int)Math.Floor(q + d + Tie), sh - 1);
            int row = i * sh;
            for (int x = firstX; x <= lastX; x++)
            {
                float weight = weights[row + x];
                if (weight <= 0) continue;
                double xp = a00 * x + a01 * y, yp = a10 * x + a11 * y, zp = a20 * x + a21 * y;
                if (xp * xp + yp * yp + zp * zp > maxR2 * (1 + Tie)) continue;
                var value = spectrum[row + x];
                if (xp < 0)
                {
                    xp = -xp;
                    yp = -yp;
                    zp = -zp;
                    value = new Complex32(value.Real, -value.Imaginary);
                }
                int x0 = (int)Math.Floor(xp), y0 = (int)Math.Floor(yp), z0 = (int)Math.Floor(zp);
                float fx = (float)(xp - x0), fy = (float)(yp - y0), fz = (float)(zp - z0);
                y0 += origin;
                z0 += origin;
                if (x0 < 0 || x0 + 1 >= halfX || y0 < 0 || y0 + 1 >= paddedSize || z0 < 0 || z0 + 1
                    >= paddedSize) continue;
                ref var p = ref unsorted[count];
                p.Corner = x0 + halfX * (y0 + paddedSize * z0);
                p.Fx = fx;
                p.Fy = fy;
                p.Fz = fz;
                p.Value = value;
                p.Weight = weight;
                planeOf[count] = z0;
                count++;
            }
        }
        SortByPlane(count, paddedSize);
    }

    /// <summary>Counting sort by plane; stable, so each plane keeps RELION's visiting order.</summary>
    private void SortByPlane(int count, int planes)
    {
        var start = PlaneStart;
        Array.Clear(start);
        for (int k = 0; k < count; k++) start[_planeOf[k] + 1]++;
        for (int z = 0; z < planes; z++) start[z + 1] += start[z];
        var next = System.Buffers.ArrayPool<int>.Shared.Rent(planes);
        try
        {
            Array.Copy(start, next, planes);
            var points = Points;
            for (int k = 0; k < count; k++) points[next[_planeOf[k]]++] = _unsorted[k];
        }
        finally
        {
            System.Buffers.ArrayPool<int>.Shared.Return(next);
        }
        Count = count;
    }

    private void EnsureCapacity(int components, int planes)
    {
        if (_unsorted.Length < components)
        {
            _unsorted = new Point[components];
            _planeOf = new int[components];
            Points = new Point[components];
        }
        if (PlaneStart.Length != planes + 1) PlaneStart = new int[planes + 1];
    }

    /// <summary>The inverse of a 3 x 3 matrix (RELION inverts A, which need not be a rotation once magnification is
    /// in).</summary>
    internal static Matrix3 Inverse(Matrix3 m)
    {
        double c00 = m.M11 * m.M22 - m.M12 * m.M21, c01 = m.M12 * m.M20 - m.M10 * m.M22,
            c02 = m.M10 * m.M21 - m.M11 * m.M20;
        double det = m.M00 * c00 + m.M01 * c01 + m.M02 * c02;
        if (det == 0 || !double.IsFinite(det)) throw new ArgumentException("the projection matrix is singular");
        double f = 1 / det;
        return new Matrix3(
            c00 * f, (m.M02 * m.M21 - m.M01 * m.M22) * f, (m.M01 * m.M12 - m.M02 * m.M11) * f,
            c01 * f, (m.M00 * m.M22 - m.M02 * m.M20) * f, (m.M02 * m.M10 - m.M00 * m.M12) * f,
            c02 * f, (m.M01 * m.M20 - m.M00 * m.M21) * f, (m.M00 * m.M11 - m.M01 * m.M10) * f);
    }
}
