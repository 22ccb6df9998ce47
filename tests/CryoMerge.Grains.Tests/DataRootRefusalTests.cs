using CryoMerge.Hosting;
using CryoMerge.Tests;
using Orleans.TestingHost;

namespace CryoMerge.Grains.Tests;

/// <summary>The coordinator's own check of a plan against the silo's --data-root folders.</summary>
public sealed class DataRootRefusalTests
{
    [Fact]
    public async Task APlanOutsideTheDataRootsIsRefusedBeforeAnythingIsStoredAndOneInsideRuns()
    {
        using var dir = new TempDir();
        using var state = new TempDir();
        var plan = MergeTestData.WritePlan(dir, Path.Combine(dir.Path, "out"), micrographs: 2, size: 128);
        // The data sets are under dir, so is the output: the root is dir. An output elsewhere must be refused.
        using var elsewhere = new TempDir();
        var outside = plan with { Output = Path.Combine(elsewhere.Path, "merged") };

        var builder = new InProcessTestClusterBuilder(1);
        builder.ConfigureSilo((_, silo) =>
            silo.AddCryoMergeGrains(state.Path, maxConcurrentItems: 1, o => o.DataRoots = [dir.Path]));
        await using var cluster = builder.Build();
        await cluster.DeployAsync(TestContext.Current.CancellationToken);
        try
        {
            var refused = cluster.Client.GetGrain<IMergeJobGrain>("outside");
            // The exception crosses the wire as itself: the command line prints its message as one line.
            var request = new MergeJobRequest(MergeTestData.Json(outside), "plan.yaml", false);
            var e = await Assert.ThrowsAsync<JobRefusedException>(() => refused.StartAsync(request));
            Assert.StartsWith($"{outside.Output}: the output folder is outside the data roots", e.Message);
            Assert.DoesNotContain('\n', e.Message);
            Assert.False(Directory.Exists(outside.Output));
            Assert.Empty(Directory.GetFiles(state.Path, "*", SearchOption.AllDirectories));
            Assert.Equal(JobState.Pending, (await refused.GetStatusAsync()).State);

            var accepted = cluster.Client.GetGrain<IMergeJobGrain>("inside");
            await accepted.StartAsync(new MergeJobRequest(MergeTestData.Json(plan), "plan.yaml", false));
            Assert.Equal(JobState.Completed, (await JobWaiter.FinishedAsync(accepted, TimeSpan.FromMinutes(10))).State);
        }
        finally
        {
            await cluster.StopAllSilosAsync(TestContext.Current.CancellationToken);
        }
    }
}
