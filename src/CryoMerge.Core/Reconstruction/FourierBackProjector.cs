using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using CryoMerge.Core.Imaging;
using MathNet.Numerics;

namespace CryoMerge.Core.Reconstruction;

/// <summary>
/// Adds central slices to a <see cref="FourierAccumulator"/> by trilinear interpolation, as RELION's
/// backproject2Dto3D does: each point spreads its value x the trilinear weights over the 8 corners of its cell in
/// the data, and its weight likewise in the weights.
/// <para>
/// Several threads add a batch of slices at once, each owning a slab of Z planes. Every grid value receives its
/// contributions in the same order whatever the number of threads, slabs or slices per batch (slice by slice; within
/// a slice, the points whose cell starts one plane below, then those whose cell starts on its plane, each in RELION's
/// visiting order), so the sums are identical for any thread count, and a particle set split into shards gives the
/// same sums per shard on any machine.
/// </para>
/// </summary>
public sealed class FourierBackProjector(FourierAccumulator target)
{
    public FourierAccumulator Target { get; } = target;

    public ReconstructionGrid Grid => Target.Grid;

    /// <summary>Adds one image's half spectrum and weights (see <see cref="CentralSlice.Fill"/>).</summary>
    public void Insert(ReadOnlySpan<Complex32> spectrum, ReadOnlySpan<float> weights, int size, Matrix3 projection)
    {
        var slice = new CentralSlice();
        slice.Fill(Grid, spectrum, weights, size, projection);
        Insert([slice], 1);
    }

    /// <summary>Adds prepared slices, in list order, on up to <paramref name="threads"/> threads; counts one particle
    /// each.</summary>
    public void Insert(IReadOnlyList<CentralSlice> slices, int threads)
    {
        if (slices.Count == 0) return;
        int planes = Grid.PaddedSize;
        foreach (var s in slices)
            if (s.PlaneStart.Length != planes + 1) throw new ArgumentException("a slice was prepared for another grid");
        threads = Math.Max(1, threads);
        if (threads == 1)
            AddSlab(slices, 0, planes);
        else
        {
            // Many thin slabs balance the load: most points lie near the middle planes.
            int slabs = Math.Min(planes, threads * 8);
            Parallel.For(0, slabs, new ParallelOptions { MaxDegreeOfParallelism = threads },
                s => AddSlab(slices, (int)((long)planes * s / slabs), (int)((long)planes * (s + 1) / slabs)));
        }
        Target.ParticleCount += slices.Count;
    }

    /// <summary>
    /// Adds the contributions that fall on planes [zFirst, zEnd), plane by plane: for each plane z and each slice in
    /// order, the upper corners of the points whose cell starts on plane z - 1, then the lower corners of those on
    /// plane z. A plane stays in cache while every slice of the batch adds to it.
    /// </summary>
    private void AddSlab(IReadOnlyList<CentralSlice> slices, int zFirst, int zEnd)
    {
        // Corners are within the grid: CentralSlice.Fill keeps only cells that are. Unchecked refs, then, so that the
        // 24 additions per point compile to plain loads and stores.
        ref float data = ref Unsafe.As<Complex32, float>(ref MemoryMarshal.GetArrayDataReference(Target.Data));
        ref float weights = ref MemoryMarshal.GetArrayDataReference(Target.Weights);
        int halfX = Grid.HalfX;
        int plane = halfX * Grid.PaddedSize;
        for (int z = zFirst; z < zEnd; z++)
        {
            foreach (var slice in slices)
            {
                var points = slice.Points;
                var start = slice.PlaneStart;
                if (z > 0)
                    for (int k = start[z - 1]; k < start[z]; k++)
                    {
                        ref readonly var p = ref points[k];
                        float fx = p.Fx, mfx = 1 - fx, d0 = p.Fz * (1 - p.Fy), d1 = p.Fz * p.Fy;
                        AddFour(ref data, ref weights, p.Corner + plane, halfX, d0 * mfx, d0 * fx, d1 * mfx, d1 * fx,
                            p.Value, p.Weight);
                    }
                for (int k = start[z]; k < start[z + 1]; k++)
                {
                    ref readonly var p = ref points[k];
                    float fx = p.Fx, mfx = 1 - fx, mfz = 1 - p.Fz, d0 = mfz * (1 - p.Fy), d1 = mfz * p.Fy;
                    AddFour(ref data, ref weights, p.Corner, halfX, d0 * mfx, d0 * fx, d1 * mfx, d1 * fx,
                        p.Value, p.Weight);
                }
            }
        }
    }

    /// <summary>Adds value and weight x f00, f01 at (x, y), (x + 1, y) and x f10, f11 at (x, y + 1), (x + 1, y +
    /// 1).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void AddFour(ref float data, ref float weights, int c, int row, float f00, float f01,
        float f10, float f11,
        Complex32 value, float weight)
    {
        float re = value.Real, im = value.Imaginary;
        ref float d = ref Unsafe.Add(ref data, 2 * c);
        d += f00 * re;
        Unsafe.Add(ref d, 1) += f00 * im;
        Unsafe.Add(ref d, 2) += f01 * re;
        Unsafe.Add(ref d, 3) += f01 * im;
        ref float e = ref Unsafe.Add(ref data, 2 * (c + row));
        e += f10 * re;
        Unsafe.Add(ref e, 1) += f10 * im;
        Unsafe.Add(ref e, 2) += f11 * re;
        Unsafe.Add(ref e, 3) += f11 * im;
        ref float w = ref Unsafe.Add(ref weights, c);
        w += f00 * weight;
        Unsafe.Add(ref w, 1) += f01 * weight;
        ref float v = ref Unsafe.Add(ref weights, c + row);
        v += f10 * weight;
        Unsafe.Add(ref v, 1) += f11 * weight;
    }
}
