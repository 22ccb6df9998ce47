namespace CryoMerge.Core.Imaging;

/// <summary>
/// Crops or zero-pads a grid about its centre, RELION's way (<c>MultidimArray::window</c> after
/// <c>setXmippOrigin</c>): voxel N/2 of the input (integer division) becomes voxel M/2 of the output, so
/// output index o reads input index o - M/2 + N/2 along each axis.
/// </summary>
public static class RealSpaceWindow
{
    /// <summary>A new grid of <paramref name="shape"/>; voxels that fall outside the input get <paramref
    /// name="fill"/>.</summary>
    public static Grid Window(Grid input, Shape3 shape, float fill = 0)
    {
        var output = new Grid(shape);
        Window(input, output, fill);
        return output;
    }

    /// <summary>Windows <paramref name="input"/> into <paramref name="output"/> (whose shape gives the
    /// window).</summary>
    public static void Window(Grid input, Grid output, float fill = 0) => Window(input.Data, input.Shape, output.Data,
        output.Shape, fill);

    /// <summary>
    /// The same on raw buffers (X fastest), for callers that reuse buffers longer than one image; the spans
    /// must not overlap.
    /// </summary>
    public static void Window(ReadOnlySpan<float> src, Shape3 n, Span<float> dst, Shape3 m, float fill = 0)
    {
        if (src.Length < n.Count) throw new ArgumentException($"the input must hold {n.Count} values");
        if (dst.Length < m.Count) throw new ArgumentException($"the output must hold {m.Count} values");
        int dx = n.X / 2 - m.X / 2, dy = n.Y / 2 - m.Y / 2, dz = n.Z / 2 - m.Z / 2;
        // The range of output X that reads inside the input, per row.
        int x0 = Math.Max(0, -dx), x1 = Math.Min(m.X, n.X - dx);
        for (int z = 0; z < m.Z; z++)
        {
            int iz = z + dz;
            for (int y = 0; y < m.Y; y++)
            {
                int iy = y + dy;
                long o = (long)m.X * (y + (long)m.Y * z);
                var row = dst.Slice(checked((int)o), m.X);
                if (iz < 0 || iz >= n.Z || iy < 0 || iy >= n.Y || x1 <= x0)
                {
                    row.Fill(fill);
                    continue;
                }
                if (x0 > 0) row[..x0].Fill(fill);
                if (x1 < m.X) row[x1..].Fill(fill);
                long i = (long)n.X * (iy + (long)n.Y * iz) + x0 + dx;
                src.Slice(checked((int)i), x1 - x0).CopyTo(row[x0..x1]);
            }
        }
    }
}
