using System.Text.Json;
using CryoMerge.Grains.Tests;
using CryoMerge.Tests;

namespace CryoMerge.Cli.Tests;

/// <summary>
/// A real multi-process cluster on loopback: redis-server for membership, two 'cryomerge serve' silos, and a
/// 'cryomerge merge --cluster' client. Everything binds to 127.0.0.1 and is stopped by the test.
/// </summary>
public sealed class ClusterIntegrationTests
{
    private static string Dll => Path.Combine(AppContext.BaseDirectory, "cryomerge.dll");

    [Fact]
    public async Task TwoServeSilosOnRedisMembershipBothDoWorkOfOneMerge()
    {
        Requires.Program("redis-server", "redis-server");
        using var dir = new TempDir();
        int redisPort = ServerProcess.FreePort();
        using var redis = new ServerProcess("redis-server", ["--bind", "127.0.0.1", "--port", redisPort.ToString(),
            "--save", "", "--appendonly", "no"]);
        await redis.WaitForAsync("Ready to accept connections", TimeSpan.FromMinutes(5));
        string cluster = $"redis://127.0.0.1:{redisPort}";
        string state = Directory.CreateDirectory(dir.File("state")).FullName;
        string serviceId = "test-" + Guid.NewGuid().ToString("N")[..8];
        var env = new Dictionary<string, string> { ["ORLEANS_SERVICE_ID"] = serviceId,
            ["ORLEANS_CLUSTER_ID"] = serviceId, ["CRYOMERGE_MAX_CONCURRENT_ITEMS"] = "1" };
        ServerProcess Silo(string name) => new("dotnet", [Dll, "serve", "--cluster", cluster, "--name", name,
            "--silo-port", ServerProcess.FreePort().ToString(), "--gateway-port", ServerProcess.FreePort().ToString(),
            "--state-dir", state], env);
        using var a = Silo("silo-a");
        using var b = Silo("silo-b");
        await a.WaitForAsync("joined", TimeSpan.FromMinutes(5));
        await b.WaitForAsync("joined", TimeSpan.FromMinutes(5));

        var plan = MergeTestData.WritePlan(dir, "out", micrographs: 16, size: 512);
        var merge = Tool.Run("env", [$"ORLEANS_SERVICE_ID={serviceId}", $"ORLEANS_CLUSTER_ID={serviceId}",
            "dotnet", Dll, "merge", dir.File("plan.yaml"), "--cluster", cluster, "--state-dir", state, "--json"],
            timeoutSeconds: 900);
        Assert.True(merge.ExitCode == 0, $"merge failed:\n{merge.Stderr}\nsilo a:\n{a.Output}\nsilo b:\n{b.Output}");
        var json = JsonDocument.Parse(merge.Stdout).RootElement;
        Assert.Equal("Completed", json.GetProperty("state").GetString());
        var bySilo = json.GetProperty("workBySilo").EnumerateObject().ToDictionary(p => p.Name,
            p => p.Value.GetInt64());
        Assert.Equal(["silo-a", "silo-b"], bySilo.Keys.Order());
        Assert.True(bySilo.Values.Sum() > 16);   // the micrographs and the data-set steps
        Assert.All(bySilo.Values, n => Assert.True(n > 0));
        Assert.Equal(16, Directory.GetFiles(Path.Combine(plan.Output, "DS2", "Micrographs")).Length);

        // 'status --cluster' asks the running cluster.
        string jobId = json.GetProperty("jobId").GetString()!;
        var status = Tool.Run("env", [$"ORLEANS_SERVICE_ID={serviceId}", $"ORLEANS_CLUSTER_ID={serviceId}",
            "dotnet", Dll, "status", jobId, "--cluster", cluster, "--json"], timeoutSeconds: 600);
        Assert.True(status.ExitCode == 0, status.Stderr);
        Assert.Equal("Completed", JsonDocument.Parse(status.Stdout).RootElement.GetProperty("state").GetString());

        // The README's main job on the same two silos: pixel-size fit, re-extraction and join spread over both.
        var demo = Tool.Run("env", [$"ORLEANS_SERVICE_ID={serviceId}", $"ORLEANS_CLUSTER_ID={serviceId}",
            "dotnet", Dll, "demo", "--o", dir.File("demo"), "--micrographs", "4", "--particles", "10",
            "--cluster", cluster, "--state-dir", state, "--json"], timeoutSeconds: 900);
        Assert.True(demo.ExitCode == 0, $"demo failed:\n{demo.Stderr}\nsilo a:\n{a.Output}\nsilo b:\n{b.Output}");
        var report = JsonDocument.Parse(demo.Stdout).RootElement;
        Assert.Equal("Completed", report.GetProperty("state").GetString());
        Assert.True(Math.Abs(report.GetProperty("errorPercent").GetDouble()) < 0.1, demo.Stdout);
        var demoBySilo = report.GetProperty("workBySilo").EnumerateObject().ToDictionary(p => p.Name,
            p => p.Value.GetInt64());
        Assert.Equal(["silo-a", "silo-b"], demoBySilo.Keys.Order());
        Assert.All(demoBySilo.Values, n => Assert.True(n > 0));
    }

    [Fact]
    public async Task ARedisWithoutSilosIsAClearErrorAndASiloThatIsStartingIsWaitedFor()
    {
        Requires.Program("redis-server", "redis-server");
        using var dir = new TempDir();
        MergeTestData.WritePlan(dir, "out", micrographs: 2);
        int redisPort = ServerProcess.FreePort();
        using var redis = new ServerProcess("redis-server", ["--bind", "127.0.0.1", "--port", redisPort.ToString(),
            "--save", "", "--appendonly", "no"]);
        await redis.WaitForAsync("Ready to accept connections", TimeSpan.FromMinutes(5));
        string cluster = $"redis://127.0.0.1:{redisPort}";
        string serviceId = "test-" + Guid.NewGuid().ToString("N")[..8];
        var env = new Dictionary<string, string> { ["ORLEANS_SERVICE_ID"] = serviceId,
            ["ORLEANS_CLUSTER_ID"] = serviceId };
        string[] identity = [.. env.Select(p => $"{p.Key}={p.Value}")];

        // Redis answers, no silo has joined: one line naming the membership store and what to start.
        var merge = Tool.Run("env", [.. identity, "dotnet", Dll, "merge", dir.File("plan.yaml"), "--cluster", cluster,
            "--state-dir", dir.File("state"), "--silo-wait", "1"], timeoutSeconds: 600);
        Assert.True(merge.ExitCode == 1, $"exit code {merge.ExitCode}:\n{merge.Stderr}");
        Assert.Equal($"cryomerge: --cluster: no silo has joined the cluster at {cluster}: its membership store lists " +
            $"none (waited 1 s, --silo-wait); start one with 'cryomerge serve --cluster {cluster}'",
            merge.Stderr.Trim().Split('\n')[^1]);
        Assert.DoesNotContain("   at ", merge.Stderr);
        Assert.False(Directory.Exists(Path.Combine(dir.Path, "out", "DS2")));
        var status = Tool.Run("env", [.. identity, "dotnet", Dll, "status", "some-job", "--cluster", cluster],
            timeoutSeconds: 600);
        Assert.Equal(1, status.ExitCode);
        string line = Assert.Single(status.Stderr.Trim().Split('\n'));
        Assert.Contains($"no silo has joined the cluster at {cluster}", line);

        // A client started before its silo waits for it (within --silo-wait) and then talks to it.
        using var client = new ServerProcess("dotnet",
            [Dll, "status", "some-job", "--cluster", cluster, "--silo-wait", "600"], env);
        using var silo = new ServerProcess("dotnet", [Dll, "serve", "--cluster", cluster, "--name", "silo-late",
            "--silo-port", ServerProcess.FreePort().ToString(), "--gateway-port", ServerProcess.FreePort().ToString(),
            "--state-dir", dir.File("state")], env);
        await silo.WaitForAsync("joined", TimeSpan.FromMinutes(5));
        Assert.Equal(1, await client.WaitForExitAsync(TimeSpan.FromMinutes(10)));
        Assert.Contains($"some-job: no such job on the cluster at {cluster}", client.Output);
    }

    [Fact]
    public void AnUnreachableClusterIsAClearErrorBeforeAnyWork()
    {
        using var dir = new TempDir();
        MergeTestData.WritePlan(dir, "out", micrographs: 2);
        int closed = ServerProcess.FreePort();
        var merge = Tool.Run("dotnet", [Dll, "merge", dir.File("plan.yaml"), "--cluster",
            $"redis://127.0.0.1:{closed}"], timeoutSeconds: 600);
        Assert.Equal(1, merge.ExitCode);
        // One line naming the address, no stack trace (Redis is asked for 3 s before Orleans would retry for 20).
        string address = $"redis://127.0.0.1:{closed}";
        string expected = $"cryomerge: --cluster: cannot reach the cluster at {address}: " +
            "no Redis server answered within 3 s";
        Assert.Equal(expected, merge.Stderr.Trim().Split('\n')[^1]);
        Assert.DoesNotContain("   at ", merge.Stderr);
        Assert.False(Directory.Exists(Path.Combine(dir.Path, "out", "DS2")));
        var status = Tool.Run("dotnet", [Dll, "status", "some-job", "--cluster", address], timeoutSeconds: 600);
        Assert.Equal(1, status.ExitCode);
        Assert.Single(status.Stderr.Trim().Split('\n'));
        Assert.Contains($"cannot reach the cluster at {address}", status.Stderr);
    }
}
