using System.Text.Json;
using CryoMerge.Grains.Tests;
using CryoMerge.Tests;

namespace CryoMerge.Cli.Tests;

/// <summary>
/// 'cryomerge reconstruct --shards' on three real 'cryomerge serve' silos (redis-server membership on loopback) writes
/// the same bytes as on the embedded silo: the shards' partial sums travel through shared storage and are added in
/// shard order, wherever they were made.
/// </summary>
public sealed class ReconstructClusterTests
{
    private static string Dll => Path.Combine(AppContext.BaseDirectory, "cryomerge.dll");

    [Fact]
    public async Task ThreeServeSilosWriteTheSameMapAsTheEmbeddedSilo()
    {
        Requires.Program("redis-server", "redis-server");
        using var dir = new TempDir();
        string star = ReconstructionTestData.WriteParticles(dir);
        string[] common = ["reconstruct", "--i", star, "--ctf", "--shards", "6", "--json"];

        var embedded = Tool.Run("dotnet",
            [Dll, .. common, "--o", dir.File("embedded.mrc"), "--state-dir", dir.File("state-embedded")],
            timeoutSeconds: 300);
        Assert.True(embedded.ExitCode == 0, embedded.Stderr);
        var local = JsonDocument.Parse(embedded.Stdout).RootElement;
        Assert.Equal(300, local.GetProperty("particles").GetInt32());
        Assert.Equal(6, local.GetProperty("shards").GetInt32());

        int redisPort = ServerProcess.FreePort();
        using var redis = new ServerProcess("redis-server",
            ["--bind", "127.0.0.1", "--port", redisPort.ToString(), "--save", "", "--appendonly", "no"]);
        await redis.WaitForAsync("Ready to accept connections", TimeSpan.FromSeconds(20));
        string cluster = $"redis://127.0.0.1:{redisPort}";
        string state = Directory.CreateDirectory(dir.File("state")).FullName;
        string serviceId = "test-" + Guid.NewGuid().ToString("N")[..8];
        var env = new Dictionary<string, string>
        {
            ["ORLEANS_SERVICE_ID"] = serviceId,
            ["ORLEANS_CLUSTER_ID"] = serviceId,
            ["CRYOMERGE_MAX_CONCURRENT_ITEMS"] = "1",
        };
        ServerProcess Silo(string name) => new("dotnet", [Dll, "serve", "--cluster", cluster, "--name", name,
            "--silo-port", ServerProcess.FreePort().ToString(), "--gateway-port", ServerProcess.FreePort().ToString(),
            "--state-dir", state], env);
        using var a = Silo("silo-a");
        using var b = Silo("silo-b");
        using var c = Silo("silo-c");
        foreach (var silo in new[] { a, b, c }) await silo.WaitForAsync("joined", TimeSpan.FromSeconds(60));

        var run = Tool.Run("env", [$"ORLEANS_SERVICE_ID={serviceId}", $"ORLEANS_CLUSTER_ID={serviceId}", "dotnet",
            Dll, .. common, "--o", dir.File("cluster.mrc"), "--cluster", cluster, "--state-dir", state],
            timeoutSeconds: 300);
        Assert.True(run.ExitCode == 0, $"reconstruct failed:\n{run.Stderr}\nsilo a:\n{a.Output}\nsilo b:\n{b.Output}");
        var json = JsonDocument.Parse(run.Stdout).RootElement;
        var bySilo = json.GetProperty("workBySilo").EnumerateObject()
            .ToDictionary(p => p.Name, p => p.Value.GetInt64());
        Assert.Equal(6 + 1, bySilo.Values.Sum());   // six shards and the solve
        Assert.True(bySilo.Count >= 2, $"the shards ran on {string.Join(", ", bySilo.Keys)} only");
        Assert.All(bySilo.Keys, name => Assert.StartsWith("silo-", name));

        Assert.Equal(File.ReadAllBytes(dir.File("embedded.mrc")), File.ReadAllBytes(dir.File("cluster.mrc")));
        Assert.False(Directory.Exists(dir.File(".cluster.mrc.shards")), "the shard files are left");
        Assert.Empty(Directory.EnumerateFiles(dir.Path, "*.cryomerge-tmp*", SearchOption.AllDirectories));
    }
}
