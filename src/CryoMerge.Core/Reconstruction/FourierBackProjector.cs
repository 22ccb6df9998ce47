using CryoMerge.Core.Imaging;
using MathNet.Numerics;

namespace CryoMerge.Core.Reconstruction;

/// <summary>
/// Adds central slices to a <see cref="FourierAccumulator"/> by trilinear interpolation, as RELION's
/// backproject2Dto3D does: each point spreads its value x the trilinear weights over the 8 corners of its cell in
/// the data, and its weight likewise in the weights.
/// <para>
/// Several threads add a batch of slices at once, each owning a slab of Z planes. Every grid value receives its
/// contributions in the same order whatever the number of threads or slabs (slice by slice; within a slice, the
/// points whose cell starts one plane below, then those whose cell starts on its plane, each in RELION's visiting
/// order), so the sums are identical for any thread count, and a particle set split into shards gives the same
/// sums per shard on any machine.
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

    /// <summary>Adds prepared slices, in list order, on up to <paramref name="threads"/> threads; counts one particle each.</summary>
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

    /// <summary>Adds the contributions that fall on planes [zFirst, zEnd).</summary>
    private void AddSlab(IReadOnlyList<CentralSlice> slices, int zFirst, int zEnd)
    {
        var data = Target.Data;
        var weights = Target.Weights;
        int halfX = Grid.HalfX;
        int plane = halfX * Grid.PaddedSize;
        foreach (var slice in slices)
        {
            var points = slice.Points;
            var start = slice.PlaneStart;
            for (int z = Math.Max(zFirst - 1, 0); z < zEnd; z++)
            {
                bool lower = z >= zFirst, upper = z + 1 < zEnd;
                for (int k = start[z]; k < start[z + 1]; k++)
                {
                    ref readonly var p = ref points[k];
                    float fx = p.Fx, fy = p.Fy, fz = p.Fz, mfx = 1 - fx, mfy = 1 - fy, mfz = 1 - fz;
                    var v = p.Value;
                    float w = p.Weight;
                    int c = p.Corner;
                    if (lower)
                    {
                        float d00 = mfz * mfy, d01 = mfz * fy;
                        Add(data, weights, c, d00 * mfx, v, w);
                        Add(data, weights, c + 1, d00 * fx, v, w);
                        Add(data, weights, c + halfX, d01 * mfx, v, w);
                        Add(data, weights, c + halfX + 1, d01 * fx, v, w);
                    }
                    if (upper)
                    {
                        int c1 = c + plane;
                        float d10 = fz * mfy, d11 = fz * fy;
                        Add(data, weights, c1, d10 * mfx, v, w);
                        Add(data, weights, c1 + 1, d10 * fx, v, w);
                        Add(data, weights, c1 + halfX, d11 * mfx, v, w);
                        Add(data, weights, c1 + halfX + 1, d11 * fx, v, w);
                    }
                }
            }
        }
    }

    private static void Add(Complex32[] data, float[] weights, int index, float f, Complex32 value, float weight)
    {
        ref var d = ref data[index];
        d = new Complex32(d.Real + f * value.Real, d.Imaginary + f * value.Imaginary);
        weights[index] += f * weight;
    }
}
