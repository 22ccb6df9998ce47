using System.Collections;
using System.Net;
using CryoMerge.Core;
using CryoMerge.Hosting;
using CryoMerge.Tests;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans.Configuration;

namespace CryoMerge.Deploy.Tests;

/// <summary>Where silos listen: the advertised address only, unless --listen says otherwise.</summary>
[Collection(nameof(ProcessEnvironment))]
public sealed class ListeningTests
{
    [Fact]
    public void ASiloListensOnTheAddressItAdvertisesUnlessToldOtherwise()
    {
        Assert.Equal((IPAddress.Loopback, IPAddress.Loopback), Endpoints(Silo()));
        var pod = Silo() with { AdvertisedAddress = "10.1.2.3" };
        Assert.Equal((IPAddress.Parse("10.1.2.3"), IPAddress.Parse("10.1.2.3")), Endpoints(pod));
        Assert.Equal((IPAddress.Any, IPAddress.Any), Endpoints(pod with { ListenAddress = "0.0.0.0" }));
        var fromEnvironment = CryoMergeHostSettings.FromEnvironment(new Hashtable { ["CRYOMERGE_LISTEN"] = "0.0.0.0" });
        Assert.Equal("0.0.0.0", fromEnvironment.ListenAddress);
    }

    [Fact]
    public void KubernetesHostingDoesNotWidenTheListeningAddress()
    {
        // Orleans' Kubernetes hosting listens on every address unless told where; we always tell it.
        Environment.SetEnvironmentVariable("POD_NAME", "silo-abc");
        Environment.SetEnvironmentVariable("POD_NAMESPACE", "em");
        try
        {
            var settings = Silo() with
            {
                AdvertisedAddress = "10.1.2.3", KubernetesHosting = true, SiloName = "silo-abc", Namespace = "em",
            };
            Assert.Equal((IPAddress.Parse("10.1.2.3"), IPAddress.Parse("10.1.2.3")), Endpoints(settings));
        }
        finally
        {
            Environment.SetEnvironmentVariable("POD_NAME", null);
            Environment.SetEnvironmentVariable("POD_NAMESPACE", null);
        }
    }

    [Fact]
    public void ASiloOfAClusterOnAnotherHostMustBeToldItsAddress()
    {
        var remote = Silo() with { Cluster = ClusterTarget.Parse("redis://redis.example.org:6379") };
        var e = Assert.Throws<CryoMergeInputException>(() => remote.ResolveAdvertisedAddress());
        Assert.Equal("--advertise", e.File);
        Assert.Contains("redis://redis.example.org:6379 is on another host", e.Problem);
        Assert.Throws<CryoMergeInputException>(() => SiloHost.Build(remote).Dispose());
        var told = remote with { AdvertisedAddress = "10.0.0.5" };
        Assert.Equal(IPAddress.Parse("10.0.0.5"), told.ResolveAdvertisedAddress());
        var unknown = remote with { ListenAddress = "nosuchhost.invalid" };
        var bad = Assert.Throws<CryoMergeInputException>(() => unknown.ResolveListenAddress());
        Assert.Equal("--listen", bad.File);
    }

    [Fact]
    public async Task TheEmbeddedSiloListensOnLoopbackOnly()
    {
        Requires.Linux("/proc/net/tcp");
        using var state = new TempDir();
        var settings = new CryoMergeHostSettings { StateDirectory = state.Path };
        var cancel = TestContext.Current.CancellationToken;
        await using var connection = await CryoMergeConnection.StartEmbeddedAsync(settings, cancel);
        var endpoints = connection.Services.GetRequiredService<IOptions<EndpointOptions>>().Value;
        var mine = ListeningSockets.Of(Environment.ProcessId);
        foreach (int port in new[] { endpoints.SiloPort, endpoints.GatewayPort })
            Assert.Equal([IPAddress.Loopback], mine.Where(e => e.Port == port).Select(e => e.Address));
    }

    private static (IPAddress Silo, IPAddress Gateway) Endpoints(CryoMergeHostSettings settings)
    {
        using var host = SiloHost.Build(settings);
        var o = host.Services.GetRequiredService<IOptions<EndpointOptions>>().Value;
        Assert.Equal(settings.SiloPort, o.SiloListeningEndpoint!.Port);
        Assert.Equal(settings.GatewayPort, o.GatewayListeningEndpoint!.Port);
        Assert.Equal(settings.ResolveAdvertisedAddress(), o.AdvertisedIPAddress);
        return (o.SiloListeningEndpoint.Address, o.GatewayListeningEndpoint.Address);
    }

    private static CryoMergeHostSettings Silo() => new()
    {
        Cluster = ClusterTarget.Parse("redis://127.0.0.1:1"),
        SiloName = "silo-test",
        StateDirectory = Path.Combine(Path.GetTempPath(), "cryomerge-unused-state"),
    };
}
