using System.Text.Json;
using CryoMerge.Core;
using CryoMerge.Core.Formats;
using CryoMerge.Grains;
using CryoMerge.Hosting;
using CryoMerge.Tests;

namespace CryoMerge.Cli.Tests;

/// <summary>
/// Failover with real processes on loopback: redis-server (or PostgreSQL), 'cryomerge serve' silos (fast failure
/// detection) and a 'merge --cluster' client. A silo is killed with SIGKILL in the middle of a method 2 extraction
/// and nobody does anything else: the client must end with the job's normal result, every output equal byte for
/// byte to an embedded run of the same plan, and no temporary file left behind.
/// </summary>
public sealed class FailoverTests(FailoverTests.DemoPlan demo) : IClassFixture<FailoverTests.DemoPlan>
{
    private static string Dll => Path.Combine(AppContext.BaseDirectory, "cryomerge.dll");

    private static readonly TimeSpan Generous = TimeSpan.FromMinutes(5);

    [Fact]
    public async Task KillingTheSiloThatRunsTheJobAndServesTheClientLeavesBothToCarryOnByThemselves()
    {
        Requires.Program("redis-server", "redis-server");
        using var cluster = await LoopbackCluster.StartAsync(demo.Folder);
        await KillTheCoordinatorMidExtractionAsync(cluster);
    }

    [Fact]
    public async Task OnPostgreSqlMembershipKillingTheJobsSiloLeavesTheOthersToFinishItByThemselves()
    {
        // PostgreSQL 15 as the membership and reminders store (Orleans' ADO.NET providers), otherwise as above.
        using var cluster = await LoopbackCluster.StartOnPostgreSqlAsync(demo.Folder);
        var database = cluster.PostgreSql!;
        await KillTheCoordinatorMidExtractionAsync(cluster,
            // The job's reminder, which moves it when its silo dies, is a row of Orleans' reminders table.
            beforeKill: async () =>
                Assert.NotEmpty(await database.QueryAsync("SELECT GrainId FROM OrleansRemindersTable")),
            // The membership table has the killed silo declared dead (Orleans' SiloStatus.Dead = 6), the others
            // active (3).
            afterEnd: async () =>
            {
                var silos = (await database.QueryAsync("SELECT SiloName, Status FROM OrleansMembershipTable"))
                    .ToDictionary(r => r[0]!, r => r[1]);
                Assert.Equal("6", silos["silo-a"]);
                Assert.Equal("3", silos["silo-b"]);
                Assert.Equal("3", silos["silo-c"]);
            });
    }

    [Fact]
    public async Task WhenTheOnlySiloIsKilledAndStartedAgainTheJobResumesByItself()
    {
        Requires.Program("redis-server", "redis-server");
        using var cluster = await LoopbackCluster.StartAsync(demo.Folder);
        var a = await cluster.StartSiloAsync("silo-a");
        using var client = cluster.Merge(demo.Plan);
        var before = await cluster.WaitForExtractionAsync(client, minimumDone: 3);
        a.Kill();
        a.Dispose();

        // No silo runs the job now: 'status' (reading the job store) says so, and its count did not go back.
        JsonElement shown = default;
        var cancel = TestContext.Current.CancellationToken;
        for (var deadline = DateTime.UtcNow + Generous; DateTime.UtcNow < deadline; await Task.Delay(500, cancel))
        {
            var status = cluster.Run(
                "status", before.State.JobId, "--state-dir", cluster.StateDirectory, "--json", "--cluster", "");
            Assert.True(status.ExitCode == 0, status.Stderr);
            shown = JsonDocument.Parse(status.Stdout).RootElement;
            if (shown.GetProperty("state").GetString() != "Running") break;
        }
        Assert.Equal("Resuming", shown.GetProperty("state").GetString());
        Assert.True(shown.GetProperty("itemsDone").GetInt64() >= before.ItemsDone);

        // The silo comes back on the same ports: the job's reminder resumes the job there, and the client follows it.
        using var again = await cluster.StartSiloAsync("silo-a");
        int code = await client.WaitForExitAsync(Generous);
        Assert.True(code == 0, $"client exited {code}:\n{client.Output}\nsilo:\n{again.Output}");
        Assert.DoesNotContain("internal error", client.Output);
        var result = JsonDocument.Parse(client.StandardOutput).RootElement;
        Assert.Equal("Completed", result.GetProperty("state").GetString());
        demo.AssertSameAsEmbeddedRun();
    }

    /// <summary>
    /// Silo A alone takes the job (its coordinator and the client's gateway), B and C join, A is killed with SIGKILL
    /// in the middle of the extraction: the client ends Completed by itself, B or C did work, the job was taken over,
    /// and the outputs equal the embedded run's.
    /// </summary>
    private async Task KillTheCoordinatorMidExtractionAsync(
        LoopbackCluster cluster, Func<Task>? beforeKill = null, Func<Task>? afterEnd = null)
    {
        // Silo A alone: the client's gateway is A and the job's coordinator is placed on A.
        using var a = await cluster.StartSiloAsync("silo-a");
        using var client = cluster.Merge(demo.Plan);
        await cluster.WaitForJobAsync(client);
        using var b = cluster.StartSilo("silo-b");
        using var c = cluster.StartSilo("silo-c");
        await b.WaitForAsync("joined", Generous);
        await c.WaitForAsync("joined", Generous);

        // 'status --cluster --json' names the coordinator's silo (and the items each silo runs; see the Grains tests).
        var jobId = JobStoreReader.Read(cluster.StateDirectory).Single().State.JobId;
        var status = cluster.Run("status", jobId, "--json");
        Assert.True(status.ExitCode == 0, status.Stderr);
        var json = JsonDocument.Parse(status.Stdout).RootElement;
        Assert.True(json.GetProperty("coordinatorSilo").GetString() == "silo-a", status.Stdout);
        if (json.TryGetProperty("runningItemsBySilo", out var running))
            Assert.All(running.EnumerateObject(), p => Assert.Contains(p.Name, new[] { "silo-a", "silo-b", "silo-c" }));

        var before = await cluster.WaitForExtractionAsync(client, minimumDone: 3);
        if (beforeKill is not null) await beforeKill();
        a.Kill();
        int code = await client.WaitForExitAsync(Generous);
        Assert.True(code == 0, $"client exited {code}:\n{client.Output}\nsilo b:\n{b.Output}\nsilo c:\n{c.Output}");
        Assert.DoesNotContain("internal error", client.Output);
        var result = JsonDocument.Parse(client.StandardOutput).RootElement;
        Assert.Equal("Completed", result.GetProperty("state").GetString());
        var bySilo = result.GetProperty("workBySilo").EnumerateObject()
            .ToDictionary(p => p.Name, p => p.Value.GetInt64());
        Assert.True(bySilo.GetValueOrDefault("silo-b") + bySilo.GetValueOrDefault("silo-c") > 0, client.StandardOutput);
        var after = JobStoreReader.Read(cluster.StateDirectory, before.State.JobId).Single();
        Assert.True(after.State.Activations >= 2, "the job was not taken over by another coordinator");
        if (afterEnd is not null) await afterEnd();
        demo.AssertSameAsEmbeddedRun();
    }

    /// <summary>
    /// The demo's data sets and method 2 plan, merged once on an embedded silo (the reference, moved to
    /// merged-embedded);
    /// each test merges the same plan into the same folder on a cluster and compares.
    /// </summary>
    public sealed class DemoPlan : IDisposable
    {
        private readonly TempDir _dir = new();

        public DemoPlan()
        {
            // Without a membership store the tests skip (or fail under CI) themselves.
            if (Requires.FindOnPath("redis-server") is null && PostgreSqlServer.Bin() is null) return;
            var run = CliRunner.Run("demo", "--o", Folder, "--micrographs", "16", "--particles", "30",
                "--state-dir", _dir.File("embedded-state"));
            if (run.ExitCode != 0) throw new InvalidOperationException($"the embedded demo failed: {run.Error}");
            Directory.Move(Output, Reference);
        }

        public string Folder => _dir.File("demo");

        public string Plan => Path.Combine(Folder, "plan.yaml");

        public string Output => Path.Combine(Folder, "merged");

        private string Reference => Path.Combine(Folder, "merged-embedded");

        /// <summary>
        /// Every file of the cluster's output equals the embedded run's, every particle is there once, no temporary
        /// file is left; then the output goes.
        /// </summary>
        public void AssertSameAsEmbeddedRun()
        {
            try
            {
                string temporary = "*" + OutputFiles.TemporarySuffix + "*";
                Assert.Empty(Directory.GetFiles(Output, temporary, SearchOption.AllDirectories));
                var expected = Files(Reference);
                var actual = Files(Output);
                Assert.Equal(expected.Keys, actual.Keys);
                foreach (var (name, hash) in expected)
                    Assert.True(hash == actual[name], $"{name} differs from the embedded run's");
                var particles = StarFile.Read(Path.Combine(Output, "particles.star")).Block("particles").Table!;
                var images = Enumerable.Range(0, particles.RowCount)
                    .Select(r => particles.GetString(r, "rlnImageName")).ToList();
                Assert.Equal(2 * 16 * 30, images.Count);
                Assert.Equal(images.Count, images.Distinct().Count());
            }
            finally
            {
                Directory.Delete(Output, recursive: true);
            }
        }

        private static SortedDictionary<string, string> Files(string folder) =>
            new(Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories)
                .ToDictionary(f => Path.GetRelativePath(folder, f), FileHash.Content), StringComparer.Ordinal);

        public void Dispose() => _dir.Dispose();
    }
}
