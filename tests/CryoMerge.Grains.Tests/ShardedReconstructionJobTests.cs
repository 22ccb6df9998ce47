using CryoMerge.Core;
using CryoMerge.Core.Imaging;
using CryoMerge.Core.Merging.Pipeline;
using CryoMerge.Core.Reconstruction;
using CryoMerge.Tests;

namespace CryoMerge.Grains.Tests;

/// <summary>
/// A reconstruction job's particle shards spread over in-process clusters of 1, 2 and 3 silos: the partial sums are
/// added in shard order whichever silo made them, so every cluster writes the same bytes.
/// </summary>
public sealed class ShardedReconstructionJobTests
{
    [Fact]
    public async Task OneTwoAndThreeSilosWriteBitIdenticalMapsAndRemoveTheirShardFiles()
    {
        using var dir = new TempDir();
        string star = ReconstructionTestData.WriteParticles(dir);
        var maps = new Dictionary<short, (byte[] Half1, byte[] Group2)>();
        for (short silos = 1; silos <= 3; silos++)
        {
            string output = dir.File($"out{silos}");
            var plan = ReconstructionTestData.Plan(star, output);
            await using var fixture = await ClusterFixture.StartAsync(TimeSpan.Zero, silos);
            var job = fixture.Client.GetGrain<IMergeJobGrain>($"reconstruct-{silos}");
            await job.StartAsync(new MergeJobRequest(MergeTestData.Json(plan), "reconstruct", false));
            var done = await JobWaiter.FinishedAsync(job, TimeSpan.FromMinutes(5));
            Assert.True(done.State == JobState.Completed, done.Message);
            Assert.Equal(4 + 4 + 2, done.WorkBySilo.Values.Sum());   // two maps of four shards, and their solves
            if (silos > 1) Assert.True(done.WorkBySilo.Count > 1, $"all items ran on one of {silos} silos");
            var summary = MergeState.FromJson(done.Summary!);
            Assert.Equal(["half1", "group2"], summary.Maps.Select(m => m.Name));
            Assert.Equal([150L, 150L], summary.Maps.Select(m => m.Particles));
            Assert.All(summary.Maps, m => Assert.Equal(4, m.Shards));
            Assert.False(Directory.Exists(plan.Output), "the shard files' work folder is left");
            string pattern = "*" + OutputFiles.TemporarySuffix + "*";
            Assert.Empty(Directory.EnumerateFiles(output, pattern, SearchOption.AllDirectories));
            maps[silos] = (File.ReadAllBytes(Path.Combine(output, "half1.mrc")),
                File.ReadAllBytes(Path.Combine(output, "group2.mrc")));
        }
        Assert.Equal(maps[1].Half1, maps[2].Half1);
        Assert.Equal(maps[1].Half1, maps[3].Half1);
        Assert.Equal(maps[1].Group2, maps[2].Group2);
        Assert.Equal(maps[1].Group2, maps[3].Group2);
        Assert.NotEqual(maps[1].Half1, maps[1].Group2);

        // The same maps as one accumulator of all the rows, to float rounding (the sums are added in another order).
        var whole = MapReconstruction.Run(FftBackends.Create(), new ReconstructionRequest
        {
            Input = star, Output = dir.File("half1-whole.mrc"), Ctf = true,
            Selection = new ParticleSelection { RandomSubset = 1 },
        }, cancel: TestContext.Current.CancellationToken);
        Assert.Equal(150, whole.Particles);
        var sharded = ReconstructionTestData.Read(dir.File("out3/half1.mrc"));
        var reference = ReconstructionTestData.Read(whole.Output);
        double sd = ImageStatistics.Of(reference).StdDev, worst = 0;
        for (int i = 0; i < reference.Length; i++) worst = Math.Max(worst, Math.Abs(sharded[i] - reference[i]));
        Assert.True(worst > 0 || sd > 0, "empty maps");
        Assert.True(worst < 1e-4 * sd, $"sharded and whole maps differ by {worst} (SD {sd})");
    }

    [Fact]
    public async Task KillingASiloMidBackProjectionGivesTheSameMapAndNoLeftovers()
    {
        // Items wait a second first, so that the silo dies with shards running and shards still to come.
        await using var fixture = await ClusterFixture.StartAsync(TimeSpan.FromSeconds(1));
        using var dir = new TempDir();
        string star = ReconstructionTestData.WriteParticles(dir);
        var reference = ReconstructionTestData.Plan(star, dir.File("reference"));
        var first = fixture.Client.GetGrain<IMergeJobGrain>("reconstruct-reference");
        await first.StartAsync(new MergeJobRequest(MergeTestData.Json(reference), "reconstruct", false));
        Assert.Equal(JobState.Completed, (await JobWaiter.FinishedAsync(first, TimeSpan.FromMinutes(5))).State);

        var plan = ReconstructionTestData.Plan(star, dir.File("killed"));
        var job = fixture.Client.GetGrain<IMergeJobGrain>("reconstruct-killed");
        await job.StartAsync(new MergeJobRequest(MergeTestData.Json(plan), "reconstruct", false));
        var midway = await JobWaiter.WaitAsync(job, s => s is { Stage: "backproject", ItemsDone: >= 2 },
            TimeSpan.FromMinutes(2));
        Assert.True(midway is { Stage: "backproject", ItemsDone: < 8 }, "the shards were done before a silo died");
        var victim = fixture.Cluster.Silos.First(s => !midway.CoordinatorSilo!.EndsWith(s.Name));
        await fixture.Cluster.KillSiloAsync(victim, TestContext.Current.CancellationToken);
        // A partial sum as the killed silo would leave it mid-write: removed when the job ends.
        string writer = Workers.SiloWriters.Token(victim.SiloAddress);
        string planted = Path.Combine(plan.Output, "half1",
            $".shard-0003.cmfacc.{Guid.NewGuid():N}.{writer}{OutputFiles.TemporarySuffix}");
        Directory.CreateDirectory(Path.GetDirectoryName(planted)!);
        File.WriteAllText(planted, "partial");

        var done = await JobWaiter.FinishedAsync(job, TimeSpan.FromMinutes(5));
        Assert.True(done.State == JobState.Completed, done.Message);
        Assert.Equal([150L, 150L], MergeState.FromJson(done.Summary!).Maps.Select(m => m.Particles));
        foreach (string map in new[] { "half1.mrc", "group2.mrc" })
            Assert.Equal(File.ReadAllBytes(Path.Combine(reference.Output, "..", map)),
                File.ReadAllBytes(Path.Combine(plan.Output, "..", map)));
        Assert.False(File.Exists(planted), "the dead silo's temporary file is left");
        Assert.Empty(Directory.Exists(plan.Output)
            ? Directory.EnumerateFiles(plan.Output, "*", SearchOption.AllDirectories) : []);
    }
}
