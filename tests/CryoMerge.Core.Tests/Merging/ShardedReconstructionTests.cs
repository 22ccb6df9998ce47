using System.Text.Json;
using CryoMerge.Core.Imaging;
using CryoMerge.Core.Merging;
using CryoMerge.Core.Merging.Pipeline;
using CryoMerge.Core.Merging.Stages;
using CryoMerge.Core.Reconstruction;
using CryoMerge.Core.Tests.Reconstruction;
using CryoMerge.Tests;

namespace CryoMerge.Core.Tests.Merging;

/// <summary>The shard plan of a sharded reconstruction, its row samples, and its maps run through Core alone.</summary>
public sealed class ShardedReconstructionTests
{
    [Fact]
    public void ShardsCoverEverySelectedRowOnceInNearlyEqualParts()
    {
        using var dir = new TempDir();
        string star = SimulatedParticles.Write(FftBackends.Create(), dir.Path,
            [new SimulatedGroup(2.0, 32, 23), new SimulatedGroup(2.0, 32, 20)], seed: 3);
        var maps = new[]
        {
            new MapRequest("all", star, dir.File("all.mrc")),
            new MapRequest("half2", star, dir.File("half2.mrc"), new ParticleSelection { RandomSubset = 2 }),
        };
        var byCount = ShardedReconstruction.Plan(maps, dir.File("work"), particlesPerShard: 10);
        Assert.Equal([5, 3], byCount.Maps.Select(m => m.Shards.Count));   // 43 rows in 10s, 21 rows (half 2) in 10s
        var byShards = ShardedReconstruction.Plan(maps, dir.File("work"), shardsPerMap: 4);
        foreach (var plan in new[] { byCount, byShards })
        {
            foreach (var map in plan.Maps)
            {
                Assert.Equal(Enumerable.Range(0, (int)map.Particles),
                    map.Shards.SelectMany(s => Enumerable.Range(s.Start, s.Count)));
                Assert.True(map.Shards.Max(s => s.Count) - map.Shards.Min(s => s.Count) <= 1 || plan == byCount);
                Assert.Equal(map.Shards.Count, map.Shards.Select(s => s.Sums).Distinct().Count());
                Assert.All(map.Shards, s => Assert.StartsWith(dir.File("work/" + map.Request.Name + "/"), s.Sums));
                Assert.Equal(new ReconstructionGrid(32, 2.0, 2, 16), map.Grid);
            }
        }
        Assert.Equal([43L, 21L], byShards.Maps.Select(m => m.Particles));
        var again = ShardedReconstruction.Plan(maps, dir.File("work"), shardsPerMap: 4);
        Assert.Equal(byShards, again, new PlanComparer());
        var ids = ShardedReconstruction.ShardItems(byShards, "backproject").Select(i => i.Id.ToString()).ToList();
        Assert.Equal("backproject/all/0000", ids[0]);
        Assert.Equal("backproject/half2/0003", ids[^1]);
        Assert.Equal(8, ids.Count);
    }

    [Fact]
    public void ASampleIsReproducibleInFileOrderAndDependsOnItsSeed()
    {
        using var dir = new TempDir();
        string star = SimulatedParticles.Write(FftBackends.Create(), dir.Path, [new SimulatedGroup(2.0, 32, 40)],
            seed: 5);
        var set = ParticleSet.Read(star);
        var request = new MapRequest("s", star, dir.File("s.mrc"), SampleSize: 15, SampleSeed: 1);
        var rows = ShardedReconstruction.SelectRows(set, request).Select(p => p.Row).ToList();
        Assert.Equal(15, rows.Count);
        Assert.Equal(rows.Order(), rows);
        Assert.Equal(rows, ShardedReconstruction.SelectRows(set, request).Select(p => p.Row));
        var other = ShardedReconstruction.SelectRows(set, request with { SampleSeed = 2 }).Select(p => p.Row);
        Assert.NotEqual(rows, other);
        Assert.Equal(40, ShardedReconstruction.SelectRows(set, request with { SampleSize = 400 }).Count);
        var noClass = new ParticleSelection { ClassNumber = 3 };
        var e = Assert.Throws<CryoMergeInputException>(() =>
            ShardedReconstruction.SelectRows(set, request with { Selection = noClass }));
        Assert.Contains("rlnClassNumber", e.Message);
    }

    [Fact]
    public void TheLocalRunnerWritesTheSameBytesWithOneOrManyItemsAtOnceAndRemovesTheShards()
    {
        using var dir = new TempDir();
        string star = SimulatedParticles.Write(FftBackends.Create(), dir.Path, [new SimulatedGroup(2.0, 32, 60)],
            seed: 9);
        byte[] Run(string name, int parallel)
        {
            var plan = new MergePlan("r", dir.File($"work-{name}"), MergeMethod.Relabel, "", [], ParticlesPerShard: 16,
                Maps: [new MapRequest("map", star, dir.File($"{name}.mrc"))]);
            var state = new LocalMergeRunner(new WorkEnvironment(FftBackends.Create()), maxParallelItems: parallel)
                .Run(plan, TestContext.Current.CancellationToken);
            var map = Assert.Single(state.Maps);
            Assert.Equal((60L, 4), (map.Particles, map.Shards));
            Assert.False(Directory.Exists(plan.Output), "shard files left");
            return File.ReadAllBytes(map.Output);
        }
        Assert.Equal(Run("serial", 1), Run("parallel", 2));
    }

    /// <summary>Plans are records of lists: equal when their JSON is.</summary>
    private sealed class PlanComparer : IEqualityComparer<ReconstructionPlan>
    {
        public bool Equals(ReconstructionPlan? x, ReconstructionPlan? y) =>
            JsonSerializer.Serialize(x, WorkJson.Options) == JsonSerializer.Serialize(y, WorkJson.Options);

        public int GetHashCode(ReconstructionPlan obj) => 0;
    }
}
