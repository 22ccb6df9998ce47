using System.Numerics;
using System.Runtime.InteropServices;
using MathNet.Numerics;

namespace CryoMerge.Core.Reconstruction;

/// <summary>
/// A partial Fourier sum of a reconstruction: the back-projected data (CTF x image transforms) and the summed weights
/// (CTF^2), on the half of the padded grid that <see cref="ReconstructionGrid"/> describes, in single precision. Sums
/// from disjoint sets of particles (shards, silos) add up with <see cref="Add"/>; adding them in a fixed order gives
/// the same result every time. Memory: 12 bytes per component, about 12 x (2N + 3)^3 / 2 bytes (800 MB for N = 256).
/// </summary>
public sealed class FourierAccumulator
{
    public FourierAccumulator(ReconstructionGrid grid)
    {
        Grid = grid;
        long count = grid.Count;
        if (count > Array.MaxLength)
            throw new CryoMergeInputException("--box",
                $"a {grid.MapSize}-voxel map needs {count} Fourier components, more than one array holds");
        Data = new Complex32[count];
        Weights = new float[count];
    }

    internal FourierAccumulator(ReconstructionGrid grid, Complex32[] data, float[] weights, long particleCount)
    {
        if (data.LongLength != grid.Count || weights.LongLength != grid.Count)
            throw new ArgumentException($"a {grid} accumulator holds {grid.Count} components");
        Grid = grid;
        Data = data;
        Weights = weights;
        ParticleCount = particleCount;
    }

    public ReconstructionGrid Grid { get; }

    /// <summary>
    /// Sum of weighted image components; index x + HalfX (y + P z), Y and Z offset by
    /// <see cref="ReconstructionGrid.Origin"/>.
    /// </summary>
    public Complex32[] Data { get; }

    /// <summary>Sum of weights (CTF^2 with --ctf, else 1) at the same indices.</summary>
    public float[] Weights { get; }

    /// <summary>Number of particle images inserted (summed by <see cref="Add"/>).</summary>
    public long ParticleCount { get; internal set; }

    /// <summary>Adds <paramref name="other"/>'s sums to these, component by component.</summary>
    public void Add(FourierAccumulator other)
    {
        if (other.Grid != Grid) throw new ArgumentException($"cannot add a {other.Grid} accumulator to a {Grid} one");
        AddInPlace(MemoryMarshal.Cast<Complex32, float>(Data.AsSpan()), MemoryMarshal.Cast<Complex32,
            float>(other.Data.AsSpan()));
        AddInPlace(Weights, other.Weights);
        ParticleCount += other.ParticleCount;
    }

    /// <summary>Sets every sum to zero.</summary>
    public void Clear()
    {
        Array.Clear(Data);
        Array.Clear(Weights);
        ParticleCount = 0;
    }

    internal static void AddInPlace(Span<float> target, ReadOnlySpan<float> source)
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var t = MemoryMarshal.Cast<float, Vector<float>>(target);
            var s = MemoryMarshal.Cast<float, Vector<float>>(source);
            for (int v = 0; v < t.Length; v++) t[v] += s[v];
            i = t.Length * Vector<float>.Count;
        }
        for (; i < target.Length; i++) target[i] += source[i];
    }
}
