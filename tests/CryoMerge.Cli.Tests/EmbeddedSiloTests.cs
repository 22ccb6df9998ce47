using System.Text.Json;
using CryoMerge.Core;
using CryoMerge.Core.Formats;
using CryoMerge.Grains;
using CryoMerge.Grains.Workers;
using CryoMerge.Hosting;
using CryoMerge.Tests;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace CryoMerge.Cli.Tests;

/// <summary>
/// The embedded silo of 'merge' skips what only a cluster needs (the resume reminders, a large grain directory cache)
/// and still resumes a job that was killed, when its plan is run again; 'serve' keeps both.
/// </summary>
public sealed class EmbeddedSiloTests
{
    private static string Dll => Path.Combine(AppContext.BaseDirectory, "cryomerge.dll");

    private static readonly TimeSpan Generous = TimeSpan.FromMinutes(5);

    [Fact]
    public async Task TheEmbeddedSiloHasNoReminderServiceWhileALoneServeSiloKeepsIt()
    {
        using var state = new TempDir();
        var settings = new CryoMergeHostSettings { StateDirectory = state.Path };
        var cancel = TestContext.Current.CancellationToken;
        await using (var embedded = await CryoMergeConnection.StartEmbeddedAsync(settings, cancel))
        {
            Assert.False(embedded.Services.GetRequiredService<IOptions<WorkerOptions>>().Value.ResumeReminders);
            Assert.Null(embedded.Services.GetService<Orleans.IReminderTable>());
            Assert.Equal(EmbeddedSiloExtensions.DirectoryCacheSize, DirectoryCacheSize(embedded.Services));
        }
        using var serve = SiloHost.Build(settings);
        Assert.True(serve.Services.GetRequiredService<IOptions<WorkerOptions>>().Value.ResumeReminders);
        Assert.NotNull(serve.Services.GetService<Orleans.IReminderTable>());
        // A cluster's silos keep Orleans' directory cache: they look up each other's grains.
        Assert.True(DirectoryCacheSize(serve.Services) > EmbeddedSiloExtensions.DirectoryCacheSize);
    }

    private static int DirectoryCacheSize(IServiceProvider services) =>
        services.GetRequiredService<IOptions<Orleans.Configuration.GrainDirectoryOptions>>().Value.CacheSize;

    [Fact]
    public async Task AnEmbeddedMergeKilledDuringItsExtractionResumesWhenRunAgain()
    {
        using var dir = new TempDir();
        var killed = await KillMergeDuringExtractionAsync(dir);
        Assert.Equal(JobState.Running, killed.Cut.State);

        var (code, again) = await RunAgainAsync(killed);
        Assert.True(code == 0, again);
        var result = JsonDocument.Parse(again).RootElement;
        Assert.Equal("Completed", result.GetProperty("state").GetString());
        var job = JobStoreReader.Read(killed.StateDirectory).Single();
        Assert.Equal(2, job.State.Activations);   // the second run resumed the job; it did not start it again
        string output = Path.Combine(killed.Folder, "merged");
        Assert.Empty(Directory.GetFiles(output, "*" + OutputFiles.TemporarySuffix + "*", SearchOption.AllDirectories));
        var particles = StarFile.Read(Path.Combine(output, "particles.star")).Block("particles").Table!;
        var images = Enumerable.Range(0, particles.RowCount)
            .Select(r => particles.GetString(r, "rlnImageName")).ToList();
        Assert.Equal(2 * 16 * 30, images.Count);
        Assert.Equal(images.Count, images.Distinct().Count());
    }

    [Fact]
    public async Task AKilledMergeWhoseInputChangedStartsOverInsteadOfResuming()
    {
        using var dir = new TempDir();
        var killed = await KillMergeDuringExtractionAsync(dir);
        // DS2's particles edited while the job was down: its finished stacks were cut from the old coordinates.
        File.AppendAllText(Path.Combine(killed.Folder, "DS2", "particles_truth.star"), "# edited\n");

        var (code, again) = await RunAgainAsync(killed);
        Assert.True(code == 0, again);
        var job = JobStoreReader.Read(killed.StateDirectory).Single();
        Assert.Equal(JobState.Completed, job.State.State);
        Assert.NotEqual(killed.Cut.RunId, job.State.RunId);   // a new run from the first stage, not the old one resumed
        Assert.Equal(1, job.State.Activations);
    }

    /// <summary>A demo merge started in a process of its own and killed in the middle of its extraction.</summary>
    private sealed record KilledMerge(string Folder, string Plan, string StateDirectory,
        Dictionary<string, string> Environment, CryoMerge.Grains.Jobs.MergeJobState Cut);

    private static async Task<KilledMerge> KillMergeDuringExtractionAsync(TempDir dir)
    {
        string folder = dir.File("demo"), stateDirectory = dir.File("state");
        var simulated = CliRunner.Run("demo", "--o", folder, "--micrographs", "16", "--particles", "30",
            "--no-assess", "--simulate-only");
        Assert.True(simulated.ExitCode == 0, simulated.Error);
        string plan = Path.Combine(folder, "plan.yaml");
        // One item at a time, one micrograph per item: the extraction is long enough to be cut in the middle.
        var environment = new Dictionary<string, string>
        {
            ["CRYOMERGE_MAX_CONCURRENT_ITEMS"] = "1", ["CRYOMERGE_EXTRACT_BATCHING"] = "off",
        };
        using var first = new ServerProcess("dotnet", [Dll, "merge", plan, "--state-dir", stateDirectory],
            environment, folder);
        var cut = await WaitForExtractionAsync(first, stateDirectory, minimumDone: 3,
            TestContext.Current.CancellationToken);
        first.Kill();
        return new KilledMerge(folder, plan, stateDirectory, environment, cut.State);
    }

    /// <summary>Runs the killed merge's plan again, to its end; its standard output (the --json result).</summary>
    private static async Task<(int Code, string Output)> RunAgainAsync(KilledMerge killed)
    {
        using var again = new ServerProcess("dotnet",
            [Dll, "merge", killed.Plan, "--state-dir", killed.StateDirectory, "--json"], killed.Environment,
            killed.Folder);
        int code = await again.WaitForExitAsync(Generous);
        return (code, code == 0 ? again.StandardOutput : again.Output);
    }

    /// <summary>Waits, reading only the job store, until the extraction has this many items done (not all).</summary>
    private static async Task<StoredJob> WaitForExtractionAsync(ServerProcess merge, string stateDirectory,
        int minimumDone, CancellationToken cancel)
    {
        for (var deadline = DateTime.UtcNow + Generous; DateTime.UtcNow < deadline; await Task.Delay(50, cancel))
        {
            if (merge.HasExited) throw new InvalidOperationException($"the merge ended early:\n{merge.Output}");
            if (JobStoreReader.Read(stateDirectory).SingleOrDefault() is not { } job) continue;
            if (job.State.StageName != "extract" || job.ItemsDone < minimumDone) continue;
            Assert.True(job.ItemsDone < job.State.StageItemsTotal, "the extraction ended before it could be cut");
            return job;
        }
        throw new TimeoutException($"the merge did not reach its extraction:\n{merge.Output}");
    }
}
