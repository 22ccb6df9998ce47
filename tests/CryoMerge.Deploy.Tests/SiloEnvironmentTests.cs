using System.Collections;
using CryoMerge.Hosting;
using CryoMerge.Tests;

namespace CryoMerge.Deploy.Tests;

/// <summary>
/// Every environment variable that the chart or compose file gives a silo or the merge client is read by
/// CryoMergeHostSettings.FromEnvironment (set alone, it changes the settings), or is a standard .NET variable
/// that README.md documents. A variable set but never read would be a setting that silently does nothing.
/// </summary>
public sealed class SiloEnvironmentTests
{
    /// <summary>Standard variables the deployment sets for the .NET runtime itself, not for our code.</summary>
    public static readonly IReadOnlyDictionary<string, string> StandardVariables = new Dictionary<string, string>
    {
        ["DOTNET_PROCESSOR_COUNT"] =
            "the processor count .NET uses (Environment.ProcessorCount, GC heaps, thread pool)",
    };

    /// <summary>A valid, distinctive value for each variable FromEnvironment reads.</summary>
    private static readonly Dictionary<string, string> Samples = new()
    {
        ["CRYOMERGE_CLUSTER"] = "redis://membership.test:6390",
        ["CRYOMERGE_CLUSTER_PASSWORD"] = "s3cret",
        ["CRYOMERGE_STATE_DIR"] = "/shared/state-test",
        ["CRYOMERGE_SILO_PORT"] = "12345",
        ["CRYOMERGE_GATEWAY_PORT"] = "23456",
        ["CRYOMERGE_MAX_CONCURRENT_ITEMS"] = "7",
        ["CRYOMERGE_KUBERNETES_HOSTING"] = "true",
        ["POD_IP"] = "10.1.2.3",
        ["POD_NAME"] = "silo-abc",
        ["POD_NAMESPACE"] = "cryo-ns",
        ["ORLEANS_SERVICE_ID"] = "service-test",
        ["ORLEANS_CLUSTER_ID"] = "cluster-test",
        ["OTEL_EXPORTER_OTLP_ENDPOINT"] = "http://otel.test:4317",
        ["CRYOMERGE_LISTEN"] = "0.0.0.0",
        ["CRYOMERGE_DATA_ROOT"] = "/shared/data:/scratch",
        ["CRYOMERGE_TLS_CERT"] = "/etc/cryomerge-tls/tls.crt",
        ["CRYOMERGE_TLS_KEY"] = "/etc/cryomerge-tls/tls.key",
        ["CRYOMERGE_TLS_PASSWORD"] = "key-s3cret",
        ["CRYOMERGE_TLS_CA"] = "/etc/cryomerge-tls/ca.crt",
    };

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void EveryVariableTheChartGivesSilosAndTheJobIsRead(bool nonDefault)
    {
        var chart = nonDefault ? ChartRenderer.RenderNonDefault() : ChartRenderer.RenderDefault();
        var names = chart.EnvironmentOf(chart.SiloContainer).Keys.ToList();
        if (nonDefault) names.AddRange(chart.EnvironmentOf(chart.JobContainer).Keys);
        AssertEachIsRead(names.Distinct());
        // ... and nothing else: Kubernetes adds no variables of the namespace's Services to these pods.
        Assert.False((bool)chart.SiloPod["spec"]!["enableServiceLinks"]!);
        if (nonDefault) Assert.False((bool)chart.JobPod["spec"]!["enableServiceLinks"]!);
    }

    [Fact]
    public void WithEveryFeatureOnTheChartSetsEveryVariableTheSiloReads()
    {
        var chart = ChartRenderer.RenderNonDefault();
        var names = chart.EnvironmentOf(chart.SiloContainer).Keys.ToHashSet();
        var missing = CryoMergeHostSettings.EnvironmentVariables.Where(v => !names.Contains(v)).ToList();
        Assert.True(missing.Count == 0, $"the chart never sets {string.Join(", ", missing)}");
    }

    [Fact]
    public void EachSampleAloneChangesTheSettings()
    {
        // The check itself: a variable FromEnvironment does not read leaves the settings as they were.
        var baseline = CryoMergeHostSettings.FromEnvironment(new Hashtable());
        Assert.Equal(baseline, CryoMergeHostSettings.FromEnvironment(new Hashtable { ["CRYOMERGE_UNUSED"] = "1" }));
        Assert.Equal(Samples.Keys.Order(), CryoMergeHostSettings.EnvironmentVariables.Order());
        AssertEachIsRead(Samples.Keys);
    }

    [Fact]
    public void ReadmeDocumentsTheStandardVariablesTheDeploymentSets()
    {
        string readme = File.ReadAllText(Path.Combine(TestFiles.RepositoryRoot, "README.md"));
        foreach (var name in StandardVariables.Keys) Assert.Contains($"`{name}`", readme);
        foreach (var name in CryoMergeHostSettings.EnvironmentVariables) Assert.Contains($"`{name}`", readme);
    }

    internal static void AssertEachIsRead(IEnumerable<string> names)
    {
        var baseline = CryoMergeHostSettings.FromEnvironment(new Hashtable());
        foreach (var name in names)
        {
            if (StandardVariables.ContainsKey(name)) continue;
            Assert.True(Samples.TryGetValue(name, out var sample),
                $"{name} is set by the deployment but CryoMergeHostSettings does not read it");
            Assert.Contains(name, CryoMergeHostSettings.EnvironmentVariables);
            var settings = CryoMergeHostSettings.FromEnvironment(new Hashtable { [name] = sample });
            Assert.True(settings != baseline, $"{name}={sample} left the settings unchanged");
        }
    }
}
