using System.Runtime.InteropServices;
using CryoMerge.Core.Imaging;
using CryoMerge.Core.Reconstruction;
using CryoMerge.Tests;
using MathNet.Numerics;

namespace CryoMerge.Core.Tests.Reconstruction;

/// <summary>Partial sums: independent of thread count, additive over shards, saved and loaded unchanged.</summary>
public sealed class FourierAccumulatorTests
{
    private static readonly IFftBackend Fft = FftBackends.Create();

    [Fact]
    public void SumsAreIdenticalWhateverTheThreadCount()
    {
        using var dir = new TempDir();
        var set = ParticleSet.Read(SimulatedParticles.Write(Fft, dir.Path, [new SimulatedGroup(2.0, 48,
            120)], seed: 5));
        var grid = ReconstructionGrid.For(48, 2.0);
        var one = ParticleBackProjection.Run(Fft, set, set.Particles, grid, new BackProjectionOptions { Ctf = true,
            Threads = 1 }, cancel: TestContext.Current.CancellationToken);
        var three = ParticleBackProjection.Run(Fft, set, set.Particles, grid, new BackProjectionOptions { Ctf = true,
            Threads = 3 }, cancel: TestContext.Current.CancellationToken);
        Assert.Equal(120, one.ParticleCount);
        Assert.Contains(one.Weights, w => w > 0);
        Assert.True(Bytes(one.Data).SequenceEqual(Bytes(three.Data)), "data differ between 1 and 3 threads");
        Assert.True(MemoryMarshal.AsBytes(one.Weights.AsSpan())
            .SequenceEqual(MemoryMarshal.AsBytes(three.Weights.AsSpan())), "weights differ");
    }

    [Fact]
    public void ShardSumsAddedInOrderGiveTheWholeSumAndTheSameMap()
    {
        using var dir = new TempDir();
        var set = ParticleSet.Read(SimulatedParticles.Write(Fft, dir.Path, [new SimulatedGroup(2.0, 48,
            150)], seed: 6));
        var grid = ReconstructionGrid.For(48, 2.0);
        var options = new BackProjectionOptions { Ctf = true, Threads = 2 };
        var whole = ParticleBackProjection.Run(Fft, set, set.Particles, grid, options,
            cancel: TestContext.Current.CancellationToken);
        var total = new FourierAccumulator(grid);
        foreach (var (start, count) in new[] { (0, 40), (40, 70), (110, 40) })
        {
            var shard = ParticleBackProjection.Run(Fft, set, set.Particles.Skip(start).Take(count).ToArray(), grid,
                options, cancel: TestContext.Current.CancellationToken);
            string path = dir.File($"shard{start}.cmacc");
            FourierAccumulatorFile.Save(shard, path);
            FourierAccumulatorFile.AddInto(path, total);
        }
        Assert.Equal(150, total.ParticleCount);
        double scale = whole.Weights.Max();
        for (int i = 0; i < whole.Weights.Length; i++)
        {
            Assert.True(Math.Abs(whole.Weights[i] - total.Weights[i]) <= 1e-5 * scale,
                $"weight {i}: {whole.Weights[i]} vs {total.Weights[i]}");
            Assert.True((whole.Data[i] - total.Data[i]).Magnitude <= 1e-5 * scale,
                $"data {i}: {whole.Data[i]} vs {total.Data[i]}");
        }
        var a = ReconstructionSolver.Solve(Fft, whole);
        var b = ReconstructionSolver.Solve(Fft, total);
        double sd = ImageStatistics.Of(a.Data).StdDev;
        var (difference, at) = Imaging.ImagingTestData.MaxDifference(a.Data, b.Data);
        Assert.True(difference <= 1e-4 * sd, $"maps differ by {difference:G3} at voxel {at} (sd {sd:G3})");
    }

    [Fact]
    public void SavedAccumulatorLoadsBitForBit()
    {
        using var dir = new TempDir();
        var grid = ReconstructionGrid.For(16, 1.5);
        var sums = new FourierAccumulator(grid) { ParticleCount = 7 };
        var rng = new Random(3);
        for (int i = 0; i < sums.Weights.Length; i++)
        {
            sums.Data[i] = new Complex32((float)rng.NextDouble(), (float)-rng.NextDouble());
            sums.Weights[i] = (float)rng.NextDouble();
        }
        string path = dir.File("sums.cmacc");
        FourierAccumulatorFile.Save(sums, path);
        Assert.Equal(FourierAccumulatorFile.HeaderSize + grid.Count * 12, new FileInfo(path).Length);
        Assert.Empty(Directory.GetFiles(dir.Path, "*" + OutputFiles.TemporarySuffix, SearchOption.AllDirectories));
        var loaded = FourierAccumulatorFile.Load(path);
        Assert.Equal(grid, loaded.Grid);
        Assert.Equal(7, loaded.ParticleCount);
        Assert.True(Bytes(sums.Data).SequenceEqual(Bytes(loaded.Data)));
        Assert.True(MemoryMarshal.AsBytes(sums.Weights.AsSpan())
            .SequenceEqual(MemoryMarshal.AsBytes(loaded.Weights.AsSpan())));
        // Adding from the file a chunk at a time is Add, bit for bit.
        var twice = FourierAccumulatorFile.Load(path);
        twice.Add(loaded);
        var streamed = FourierAccumulatorFile.Load(path);
        FourierAccumulatorFile.AddInto(path, streamed);
        Assert.Equal(14, streamed.ParticleCount);
        Assert.True(Bytes(twice.Data).SequenceEqual(Bytes(streamed.Data)));
        Assert.True(MemoryMarshal.AsBytes(twice.Weights.AsSpan())
            .SequenceEqual(MemoryMarshal.AsBytes(streamed.Weights.AsSpan())));
        Assert.Throws<CryoMergeInputException>(() => FourierAccumulatorFile.AddInto(path,
            new FourierAccumulator(ReconstructionGrid.For(18, 1.5))));
    }

    [Fact]
    public void TruncatedOrForeignFileIsBadInput()
    {
        using var dir = new TempDir();
        var sums = new FourierAccumulator(ReconstructionGrid.For(16, 1.5));
        string path = dir.File("sums.cmacc");
        FourierAccumulatorFile.Save(sums, path);
        var bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(dir.File("short.cmacc"), bytes[..^4]);
        Assert.Contains("bytes",
            Assert.Throws<CryoMergeInputException>(() => FourierAccumulatorFile.Load(dir.File("short.cmacc"))).Problem);
        File.WriteAllText(dir.File("text.cmacc"),
            "not an accumulator at all, just some text that is long enough to have a header");
        Assert.Contains("not a CryoMerge",
            Assert.Throws<CryoMergeInputException>(() => FourierAccumulatorFile.Load(dir.File("text.cmacc"))).Problem);
    }

    [Fact]
    public void AddingSumsOfAnotherGridIsRefused()
    {
        var a = new FourierAccumulator(ReconstructionGrid.For(16, 1.5));
        var b = new FourierAccumulator(ReconstructionGrid.For(16, 1.6));
        Assert.Throws<ArgumentException>(() => a.Add(b));
    }

    private static ReadOnlySpan<byte> Bytes(Complex32[] values) => MemoryMarshal.AsBytes(values.AsSpan());
}
