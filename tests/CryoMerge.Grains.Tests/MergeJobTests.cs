using System.Collections.Concurrent;
using System.Diagnostics;
using CryoMerge.Core.Merging.Pipeline;
using CryoMerge.Grains.Diagnostics;
using CryoMerge.Grains.Jobs;
using CryoMerge.Hosting;
using CryoMerge.Tests;

namespace CryoMerge.Grains.Tests;

/// <summary>The coordinator on a real (in-process) three-silo cluster: spread, failures, resume, cancellation, traces.</summary>
public sealed class MergeJobTests
{
    private static readonly TimeSpan Slow = TimeSpan.FromMilliseconds(150);

    [Fact]
    public async Task KillingAWorkerSiloMidJobGivesTheSameOutputsAsAnUninterruptedRun()
    {
        await using var fixture = await ClusterFixture.StartAsync(Slow);
        using var dir = new TempDir();
        var reference = MergeTestData.WritePlan(dir, "out-reference");
        var interrupted = reference with { Output = Path.Combine(dir.Path, "out-killed") };

        var first = fixture.Client.GetGrain<IMergeJobGrain>("reference-run");
        await first.StartAsync(new MergeJobRequest(MergeTestData.Json(reference), "plan.yaml", false));
        var done = await JobWaiter.FinishedAsync(first, TimeSpan.FromMinutes(2));
        Assert.Equal(JobState.Completed, done.State);
        Assert.Equal(3, done.WorkBySilo.Count);   // every silo did work
        Assert.True(done.WorkBySilo.Values.Sum() > 24);   // the micrographs and the data-set steps

        var job = fixture.Client.GetGrain<IMergeJobGrain>("killed-run");
        var started = await job.StartAsync(new MergeJobRequest(MergeTestData.Json(interrupted), "plan.yaml", false));
        var midway = await JobWaiter.WaitAsync(job, s => s.ItemsDone >= 4, TimeSpan.FromMinutes(1));
        Assert.True(midway.ItemsDone < 24, "the job finished before a silo could be killed");
        var victim = fixture.Cluster.Silos.First(s => !midway.CoordinatorSilo!.EndsWith(s.Name));
        await fixture.Cluster.KillSiloAsync(victim, TestContext.Current.CancellationToken);
        await fixture.Cluster.WaitForLivenessToStabilizeAsync(didKill: true);

        var after = await JobWaiter.FinishedAsync(job, TimeSpan.FromMinutes(2));
        Assert.Equal(JobState.Completed, after.State);
        Assert.Equal(done.WorkBySilo.Values.Sum(), after.WorkBySilo.Values.Sum());   // every item counted once, whatever was retried
        var expected = MergeTestData.Hashes(Path.Combine(reference.Output, "DS2"));
        var actual = MergeTestData.Hashes(Path.Combine(interrupted.Output, "DS2"));
        Assert.Equal(24 + 1, expected.Count);   // the rescaled micrographs and the CTF-scaled micrograph STAR file
        Assert.Equal(expected, actual);
    }

    [Fact]
    public async Task TheCoordinatorResumesOnAnotherSiloWithoutRedoingFinishedItems()
    {
        await using var fixture = await ClusterFixture.StartAsync(Slow);
        using var dir = new TempDir();
        var plan = MergeTestData.WritePlan(dir, "out");
        var job = fixture.Client.GetGrain<IMergeJobGrain>("resumed-run");
        await job.StartAsync(new MergeJobRequest(MergeTestData.Json(plan), "plan.yaml", false));
        await JobWaiter.WaitAsync(job, s => s.ItemsDone >= 2, TimeSpan.FromMinutes(1));

        // Wait for a checkpoint with some finished items (they are written every 2 s), and note when their outputs were written.
        var stateFile = Directory.GetFiles(fixture.State.Path, "*.json", SearchOption.AllDirectories).Single(f => f.Contains("resumed-run"));
        MergeJobState checkpoint;
        while ((checkpoint = FileGrainStorage.ReadFile<MergeJobState>(stateFile)!).DoneItems.Count < 4)
            await Task.Delay(50, TestContext.Current.CancellationToken);
        Assert.True(checkpoint.DoneItems.Count < 24, "the job finished before its coordinator could be killed");
        var finished = checkpoint.DoneItems.Values.SelectMany(r => r.Outputs).ToDictionary(o => o.Path, o => File.GetLastWriteTimeUtc(o.Path));
        Assert.NotEmpty(finished);
        var status = await job.GetStatusAsync();
        var coordinator = fixture.Cluster.Silos.Single(s => status.CoordinatorSilo!.EndsWith(s.Name));
        await fixture.Cluster.KillSiloAsync(coordinator, TestContext.Current.CancellationToken);
        await fixture.Cluster.WaitForLivenessToStabilizeAsync(didKill: true);

        var after = await JobWaiter.FinishedAsync(job, TimeSpan.FromMinutes(2));
        Assert.Equal(JobState.Completed, after.State);
        Assert.NotEqual(status.CoordinatorSilo, after.CoordinatorSilo);
        Assert.True(FileGrainStorage.ReadFile<MergeJobState>(stateFile)!.Activations >= 2, "the job did not resume from its checkpoint");
        foreach (var (path, written) in finished)
            Assert.Equal(written, File.GetLastWriteTimeUtc(path));   // checkpointed items were not run again
        Assert.Equal(24, Directory.GetFiles(Path.Combine(plan.Output, "DS2", "Micrographs")).Length);
    }

    [Fact]
    public async Task AFollowerIsToldOfEveryStepAsItHappensAndOfTheEnd()
    {
        await using var fixture = await ClusterFixture.StartAsync(Slow);
        using var dir = new TempDir();
        var plan = MergeTestData.WritePlan(dir, "out");
        var job = fixture.Client.GetGrain<IMergeJobGrain>("followed-run");
        var status = await job.StartAsync(new MergeJobRequest(MergeTestData.Json(plan), "plan.yaml", false));
        var seen = new List<JobStatus> { status };
        var watch = Stopwatch.StartNew();
        while (!status.IsFinished && watch.Elapsed < TimeSpan.FromMinutes(2))
        {
            // A long wait: the answer must come with the change, not at the end of the wait.
            status = await job.WaitForChangeAsync(status, TimeSpan.FromSeconds(10));
            seen.Add(status);
        }
        Assert.Equal(JobState.Completed, status.State);
        // Items take 150 ms each and a few run at once: a follower told only every 10 s would have seen a handful of states.
        var micrographs = seen.Where(s => s.Stage == "rescale-micrographs").Select(s => s.ItemsDone).Distinct().ToList();
        Assert.True(micrographs.Count >= 8, $"saw {micrographs.Count} counts of the 24 micrographs");
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(60), $"followed for {watch.Elapsed}");

        // Nothing changes any more: the call returns after its wait with the same status.
        var again = await job.WaitForChangeAsync(status, TimeSpan.FromMilliseconds(200));
        Assert.Equal(JobState.Completed, again.State);
        Assert.Equal(status.ItemsDone, again.ItemsDone);
    }

    [Fact]
    public async Task CancellingAJobStopsItsWorkAndLeavesNoPartialFiles()
    {
        await using var fixture = await ClusterFixture.StartAsync(TimeSpan.FromMilliseconds(400));
        using var dir = new TempDir();
        var plan = MergeTestData.WritePlan(dir, "out");
        var job = fixture.Client.GetGrain<IMergeJobGrain>("cancelled-run");
        await job.StartAsync(new MergeJobRequest(MergeTestData.Json(plan), "plan.yaml", false));
        await JobWaiter.WaitAsync(job, s => s.Stage == "rescale-micrographs" && s.ItemsDone >= 2, TimeSpan.FromMinutes(1));
        var cancelled = await job.CancelAsync();
        Assert.Equal(JobState.Cancelled, cancelled.State);
        await Task.Delay(1500, TestContext.Current.CancellationToken);   // items in flight see the cancellation
        var final = await job.GetStatusAsync();
        Assert.Equal(JobState.Cancelled, final.State);
        string outputs = Path.Combine(plan.Output, "DS2", "Micrographs");
        Assert.Empty(Directory.GetFiles(plan.Output, "*" + Core.OutputFiles.TemporarySuffix, SearchOption.AllDirectories));
        int written = Directory.GetFiles(outputs).Length;
        Assert.InRange(written, 2, 23);
        foreach (var f in Directory.GetFiles(outputs))
            using (var mrc = Core.Formats.MrcFile.Open(f)) Assert.Equal(1, mrc.Shape.Z);
        await Task.Delay(1000, TestContext.Current.CancellationToken);
        Assert.Equal(written, Directory.GetFiles(outputs).Length);   // nothing runs any more
    }

    [Fact]
    public async Task OneMergeGivesOneConnectedTraceWithItemSpansFromSeveralSilosAndCountsItsWork()
    {
        var measurements = new ConcurrentDictionary<string, long>();
        using var meters = new System.Diagnostics.Metrics.MeterListener
        {
            InstrumentPublished = (instrument, l) => { if (instrument.Meter.Name == CryoMergeTelemetry.Name) l.EnableMeasurementEvents(instrument); },
        };
        string? prefix = null;
        meters.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            // Count only this test's cluster: silos killed by earlier tests may still finish orphaned items.
            foreach (var tag in tags)
                if (tag.Key == CryoMergeTelemetry.SiloTag && prefix is not null && ((string?)tag.Value)?.StartsWith(prefix) == true)
                    measurements.AddOrUpdate(instrument.Name, value, (_, v) => v + value);
        });
        meters.Start();
        var spans = new ConcurrentBag<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = s => TelemetryExtensions.ActivitySources.Contains(s.Name),
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = spans.Add,
        };
        ActivitySource.AddActivityListener(listener);
        await using var fixture = await ClusterFixture.StartAsync(TimeSpan.FromMilliseconds(20));
        prefix = fixture.SiloPrefix;
        using var dir = new TempDir();
        var plan = MergeTestData.WritePlan(dir, "out", micrographs: 12);

        ActivityTraceId trace;
        using (var root = CryoMergeTelemetry.Source.StartActivity("merge test"))
        {
            trace = root!.TraceId;
            var job = fixture.Client.GetGrain<IMergeJobGrain>("traced-run");
            await job.StartAsync(new MergeJobRequest(MergeTestData.Json(plan), "plan.yaml", false));
            Assert.Equal(JobState.Completed, (await JobWaiter.FinishedAsync(job, TimeSpan.FromMinutes(1))).State);
        }
        var ours = spans.Where(a => a.Source.Name == CryoMergeTelemetry.Name && (string?)a.GetTagItem(CryoMergeTelemetry.JobIdTag) == "traced-run").ToList();
        Assert.All(ours, a => Assert.Equal(trace, a.TraceId));
        Assert.Single(ours, a => a.DisplayName == "merge job");
        Assert.Contains(ours, a => a.DisplayName == "stage rescale-micrographs");
        var items = ours.Where(a => a.DisplayName == "item rescale-micrograph").ToList();
        Assert.Equal(12, items.Count);
        Assert.True(items.Select(a => a.GetTagItem(CryoMergeTelemetry.SiloTag)).Distinct().Count() > 1, "all work-item spans came from one silo");
        // Connected: every span's parent is another span of the same trace, up to the root.
        var ids = spans.Where(a => a.TraceId == trace).Select(a => a.SpanId).ToHashSet();
        Assert.All(ours, a => Assert.Contains(a.ParentSpanId, ids.Append(default)));
        // Metrics: every item counted once, and the bytes of every micrograph read.
        Assert.True(ours.Count(a => a.DisplayName.StartsWith("item ")) == measurements.GetValueOrDefault("cryomerge.items.done"), $"prefix {prefix}, silos {string.Join(",", items.Select(a => a.GetTagItem(CryoMergeTelemetry.SiloTag)).Distinct())}");
        Assert.Equal(12L * 256 * 256 * 4, measurements.GetValueOrDefault("cryomerge.bytes.read"));
    }
}
