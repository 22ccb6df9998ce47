using System.Text.Json;
using CryoMerge.Core;
using CryoMerge.Tests;

namespace CryoMerge.Cli.Tests;

/// <summary>
/// A facility-shaped merge on a real cluster: redis-server and three 'cryomerge serve' processes on loopback, four
/// data sets (two microscopes) merged with method 2 by 'merge --cluster'. Every output must equal, byte for byte,
/// that of the same plan merged on an embedded silo.
/// </summary>
public sealed class ThreeSiloMergeTests
{
    private static readonly TimeSpan Generous = TimeSpan.FromMinutes(5);

    [Fact]
    public async Task FourDataSetsMergedOnThreeServeSilosGiveTheEmbeddedRunsBytes()
    {
        Requires.Program("redis-server", "redis-server");
        using var dir = new TempDir();
        string demo = dir.File("demo");
        string output = Path.Combine(demo, "merged"), reference = Path.Combine(demo, "embedded");
        var embedded = CliRunner.Run("demo", "--o", demo, "--datasets", "4", "--micrographs", "6", "--particles", "8",
            "--mic-size", "256", "--box", "32", "--state-dir", dir.File("embedded-state"));
        Assert.True(embedded.ExitCode == 0, $"the embedded demo failed: {embedded.Error}");
        Directory.Move(output, reference);

        using var cluster = await LoopbackCluster.StartAsync(demo);
        using var a = cluster.StartSilo("silo-a");
        using var b = cluster.StartSilo("silo-b");
        using var c = cluster.StartSilo("silo-c");
        foreach (var silo in new[] { a, b, c }) await silo.WaitForAsync("joined", Generous);
        using var client = cluster.Merge(Path.Combine(demo, "plan.yaml"));
        int code = await client.WaitForExitAsync(Generous);
        Assert.True(code == 0, $"client exited {code}:\n{client.Output}\nsilo a:\n{a.Output}\nsilo b:\n{b.Output}");

        var result = JsonDocument.Parse(client.StandardOutput).RootElement;
        Assert.Equal("Completed", result.GetProperty("state").GetString());
        var bySilo = result.GetProperty("workBySilo").EnumerateObject()
            .ToDictionary(p => p.Name, p => p.Value.GetInt64());
        Assert.Equal(["silo-a", "silo-b", "silo-c"], bySilo.Keys.Order());
        Assert.All(bySilo, p => Assert.True(p.Value > 0, $"{p.Key} ran no work item: {client.StandardOutput}"));

        Assert.Empty(Directory.GetFiles(output, "*" + OutputFiles.TemporarySuffix + "*", SearchOption.AllDirectories));
        var expected = Files(reference);
        var actual = Files(output);
        Assert.Equal(expected.Keys, actual.Keys);
        Assert.Contains(Path.Combine("DS4", "Extract", "particles.star"), actual.Keys);
        foreach (var (name, hash) in expected)
            Assert.True(hash == actual[name], $"{name} differs from the embedded run's");
    }

    private static SortedDictionary<string, string> Files(string folder) =>
        new(Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories)
            .ToDictionary(f => Path.GetRelativePath(folder, f), FileHash.Content), StringComparer.Ordinal);
}
