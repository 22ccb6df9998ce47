using System.Collections;
using CryoMerge.Core;
using CryoMerge.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans.Configuration;

namespace CryoMerge.Deploy.Tests;

/// <summary>Tests that set variables of this process (Orleans' Kubernetes hosting reads POD_NAME and POD_NAMESPACE
/// itself) run alone.</summary>
[CollectionDefinition(nameof(ProcessEnvironment), DisableParallelization = true)]
public sealed class ProcessEnvironment;

/// <summary>What the silo does with the settings that only a deployment gives it: the password Secret, the pod's
/// namespace and Kubernetes hosting.</summary>
[Collection(nameof(ProcessEnvironment))]
public sealed class DeploymentSettingsTests
{
    [Fact]
    public void APasswordFromASecretReachesTheConnectionButNotTheDisplay()
    {
        var env = new Hashtable { ["CRYOMERGE_CLUSTER"] = "postgres://cryo@pg.db:5433/orleans",
            ["CRYOMERGE_CLUSTER_PASSWORD"] = "p@ss/word" };
        var settings = CryoMergeHostSettings.FromEnvironment(env);
        Assert.Equal(ClusterKind.PostgreSql, settings.Cluster.Kind);
        Assert.Contains("Password=p@ss/word", settings.Cluster.ConnectionString);
        Assert.Contains("Username=cryo", settings.Cluster.ConnectionString);
        Assert.DoesNotContain("p@ss", settings.Cluster.Display);

        // It replaces a password in the address, and also applies to Redis.
        Assert.Contains("Password=fromsecret", ClusterTarget.Parse("postgres://u:inurl@h/db",
            "fromsecret").ConnectionString);
        Assert.Contains("Password=inurl", ClusterTarget.Parse("postgres://u:inurl@h/db").ConnectionString);
        Assert.EndsWith(",password=s3cret", ClusterTarget.Parse("redis://redis:6379", "s3cret").ConnectionString);
        Assert.DoesNotContain("password", ClusterTarget.Parse("redis://redis:6379").ConnectionString);
    }

    [Fact]
    public void TelemetryNamesThePodAndNamespaceInKubernetesOnly()
    {
        var inPod = CryoMergeHostSettings.FromEnvironment(new Hashtable { ["POD_NAMESPACE"] = "em",
            ["POD_NAME"] = "cryo-7f9-x2" });
        var attributes = TelemetryExtensions.ResourceAttributes(inPod, "silo").ToDictionary(a => a.Key, a => a.Value);
        Assert.Equal("em", attributes["k8s.namespace.name"]);
        Assert.Equal("cryo-7f9-x2", attributes["k8s.pod.name"]);
        var laptop = TelemetryExtensions.ResourceAttributes(new CryoMergeHostSettings { SiloName = "host-1" },
            "silo").Select(a => a.Key);
        Assert.Equal(["cryomerge.role"], laptop);
    }

    [Fact]
    public void KubernetesHostingIsOffUnlessSwitchedOnAndRefusesToStartWithoutThePodIdentity()
    {
        Assert.False(CryoMergeHostSettings.FromEnvironment(new Hashtable()).KubernetesHosting);
        Assert.True(CryoMergeHostSettings.FromEnvironment(new Hashtable { ["CRYOMERGE_KUBERNETES_HOSTING"] = "True" })
            .KubernetesHosting);
        var bad = Assert.Throws<CryoMergeInputException>(() =>
            CryoMergeHostSettings.FromEnvironment(new Hashtable { ["CRYOMERGE_KUBERNETES_HOSTING"] = "yes" }));
        Assert.Contains("CRYOMERGE_KUBERNETES_HOSTING", bad.Message);

        var settings = Silo(kubernetesHosting: true) with { Namespace = null };
        var e = Assert.Throws<CryoMergeInputException>(() => SiloHost.Build(settings).Dispose());
        Assert.Contains("POD_NAMESPACE and POD_NAME", e.Message);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void TheSwitchAddsOrleansKubernetesHostingToTheSilo(bool on)
    {
        // In a pod the downward API sets these; Orleans' Kubernetes hosting reads them from the process itself.
        Environment.SetEnvironmentVariable("POD_NAME", "silo-abc");
        Environment.SetEnvironmentVariable("POD_NAMESPACE", "em");
        try
        {
            using var host = SiloHost.Build(Silo(on));
            // Orleans.Hosting.Kubernetes registers its configurator of the cluster identity, and validates its options
            // (the silo name must be the pod name) when the silo's options are first read.
            var configurators = host.Services.GetServices<IConfigureOptions<ClusterOptions>>().Select(c =>
                c.GetType().Name);
            Assert.Equal(on, configurators.Contains("ConfigureKubernetesHostingOptions"));
            Assert.Equal("silo-abc", host.Services.GetRequiredService<IOptions<SiloOptions>>().Value.SiloName);
        }
        finally
        {
            Environment.SetEnvironmentVariable("POD_NAME", null);
            Environment.SetEnvironmentVariable("POD_NAMESPACE", null);
        }
    }

    private static CryoMergeHostSettings Silo(bool kubernetesHosting) => new()
    {
        Cluster = ClusterTarget.Parse("redis://127.0.0.1:1"),
        SiloName = "silo-abc",
        Namespace = "em",
        AdvertisedAddress = "127.0.0.1",
        StateDirectory = Path.Combine(Path.GetTempPath(), "cryomerge-unused-state"),
        KubernetesHosting = kubernetesHosting,
    };
}
