using CryoMerge.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;

namespace CryoMerge.Hosting;

/// <summary>
/// A way to call grains: an embedded silo in this process (a laptop run, localhost clustering) or a client of
/// a real cluster (--cluster). Disposing stops it. Orleans logs go to stderr only.
/// </summary>
public sealed class CryoMergeConnection : IAsyncDisposable
{
    private readonly IHost _host;

    private CryoMergeConnection(IHost host, string description)
    {
        _host = host;
        Description = description;
        Client = host.Services.GetRequiredService<IClusterClient>();
    }

    public IClusterClient Client { get; }

    /// <summary>"embedded silo on 127.0.0.1:PORT" or "cluster redis://HOST:PORT".</summary>
    public string Description { get; }

    public IServiceProvider Services => _host.Services;

    /// <summary>Starts a single silo in this process with localhost clustering on free ports.</summary>
    public static async Task<CryoMergeConnection> StartEmbeddedAsync(CryoMergeHostSettings settings,
        CancellationToken cancellationToken = default)
    {
        var local = settings with
        {
            Cluster = ClusterTarget.Localhost,
            SiloPort = CryoMergeHostSettings.FreePort(),
            GatewayPort = CryoMergeHostSettings.FreePort(),
            SiloName = settings.SiloName ?? $"embedded-{Environment.MachineName}",
            KubernetesHosting = false,
            Embedded = true,
            // Nothing but this process talks to the embedded silo (it listens on loopback only), and it runs only the
            // plans of the user who started it: TLS and data roots are for 'serve'.
            Tls = TlsSettings.None,
            DataRoots = [],
        };
        TimingMarks.Mark("embedded silo: building");
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        ConfigureLogging(builder, settings.Verbose);
        builder.Services.AddCryoMergeTelemetry(local, "embedded");
        builder.UseOrleans(silo => silo.AddCryoMerge(local));
        var host = builder.Build();
        TimingMarks.Mark("embedded silo: built, starting");
        EmbeddedSiloExtensions.Prewarm(host.Services);
        await host.StartAsync(cancellationToken);
        TimingMarks.Mark("embedded silo: started");
        return new CryoMergeConnection(host, $"embedded silo on 127.0.0.1:{local.SiloPort}");
    }

    /// <summary>Connects as a client to the cluster in <paramref name="settings"/>; a clear error when it cannot be
    /// reached.</summary>
    public static async Task<CryoMergeConnection> ConnectAsync(CryoMergeHostSettings settings, TimeSpan timeout,
        CancellationToken cancellationToken = default)
    {
        await PostgreSqlClustering.CheckAsync(settings.Cluster, cancellationToken);
        await RedisMembership.CheckAsync(settings.Cluster, cancellationToken);
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        ConfigureLogging(builder, settings.Verbose);
        builder.Services.AddCryoMergeTelemetry(settings, "client");
        builder.UseOrleansClient(client =>
        {
            client.UseCryoMergeClustering(settings);
            client.UseCryoMergeTls(settings);
            client.AddActivityPropagation();
            client.UseCryoMergeFailover(settings);
        });
        var host = builder.Build();
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        cts.CancelAfter(timeout);
        async Task Connect()
        {
            await SiloPresence.WaitAsync(host.Services, settings, cancellationToken);
            await host.StartAsync(cts.Token);
            // Connected only when a gateway answers: ask the cluster something cheap.
            await host.Services.GetRequiredService<IClusterClient>().GetGrain<IManagementGrain>(0)
                .GetHosts(onlyActive: true).WaitAsync(cts.Token);
        }
        try
        {
            // A TLS refusal looks to Orleans like a closed connection, retried until the timeout: say so at once.
            await TlsRefusal.WatchAsync(Connect(), settings, "client", cts.Token);
        }
        catch (Exception e)
        {
            try { await host.StopAsync(CancellationToken.None); } catch (Exception) { }
            host.Dispose();
            if (e is CryoMergeInputException) throw;
            if (!cancellationToken.IsCancellationRequested
                && await TlsRefusal.ExplainAsync(settings, "client", cancellationToken) is { } refusal)
                throw new CryoMergeInputException("--tls-cert", refusal);
            string reason = e is OperationCanceledException ? $"no silo answered within {timeout.TotalSeconds:F0} s"
                : e.Message.Split('\n')[0];
            throw new CryoMergeInputException("--cluster",
                $"cannot reach the cluster at {settings.Cluster.Display}: {reason}");
        }
        return new CryoMergeConnection(host, $"cluster {settings.Cluster.Display}");
    }

    private static void ConfigureLogging(HostApplicationBuilder builder, bool verbose)
    {
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole(o => o.SingleLine = true);
        builder.Services.Configure<Microsoft.Extensions.Logging.Console.ConsoleLoggerOptions>(o =>
            o.LogToStandardErrorThreshold = LogLevel.Trace);
        builder.Logging.SetMinimumLevel(verbose ? LogLevel.Information : LogLevel.Warning);
        // Orleans reports a lost silo or a refused connection at Warning; a user needs those only with --verbose.
        if (!verbose) builder.Logging.AddFilter("Orleans", LogLevel.Error);
        // A client that cannot start says why in one line (ConnectAsync); the host's own report is a stack trace.
        if (!verbose) builder.Logging.AddFilter("Microsoft.Extensions.Hosting", LogLevel.None);
        TimingMarks.AddOrleansStages(builder.Logging);
    }

    public async ValueTask DisposeAsync()
    {
        TimingMarks.Mark("silo or client: stopping");
        try { await _host.StopAsync(TimeSpan.FromSeconds(30)); }
        catch (OperationCanceledException) { }
        TimingMarks.Mark("silo or client: stopped");
        _host.Dispose();
    }
}
