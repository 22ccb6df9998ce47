using System.CommandLine;
using CryoMerge.Cli.Options;
using CryoMerge.Hosting;
using Microsoft.Extensions.Hosting;

namespace CryoMerge.Cli.Commands;

/// <summary><c>cryomerge serve --cluster redis://...</c>: a silo that joins a cluster and runs merge work until stopped.</summary>
internal static class ServeCommand
{
    public static Command Create(CliConsole console)
    {
        var cluster = new ClusterOptions();
        var siloPort = new Option<int?>("--silo-port") { Description = $"Port for silo-to-silo traffic (default {CryoMergeHostSettings.DefaultSiloPort} or $CRYOMERGE_SILO_PORT)" };
        var gatewayPort = new Option<int?>("--gateway-port") { Description = $"Port clients connect to (default {CryoMergeHostSettings.DefaultGatewayPort} or $CRYOMERGE_GATEWAY_PORT)" };
        var advertise = new Option<string?>("--advertise") { Description = "Address other silos use to reach this one (default $POD_IP, 127.0.0.1 for a loopback cluster, else this host's address)" };
        var name = new Option<string?>("--name") { Description = "Silo name in reports (default $POD_NAME or host-PID)" };
        var maxItems = new Option<int?>("--max-concurrent-items") { Description = "Work items this silo runs at once (default: one per core or $CRYOMERGE_MAX_CONCURRENT_ITEMS)" };
        var verbose = CommonOptions.Verbose();
        var command = new Command("serve", """
            Run a silo that joins a cluster through Redis or PostgreSQL membership and does merge work until it is
            stopped (Ctrl+C or SIGTERM: it hands its grains over and leaves the cluster). Every silo must see the
            data and the job-state folder at the same paths (shared storage). Submit work with
            'cryomerge merge PLAN --cluster ...'. PostgreSQL needs the Orleans clustering tables in its database.

            Example:
              cryomerge serve --cluster redis://127.0.0.1:6379 --silo-port 11111 --gateway-port 30000 --state-dir /shared/cryomerge-state
            """)
        {
            siloPort, gatewayPort, advertise, name, maxItems, verbose,
        };
        foreach (var o in cluster.All) command.Options.Add(o);
        command.SetAction(async (parse, ct) =>
        {
            var settings = cluster.Settings(parse, parse.GetValue(verbose));
            settings = settings with
            {
                SiloPort = parse.GetValue(siloPort) ?? settings.SiloPort,
                GatewayPort = parse.GetValue(gatewayPort) ?? settings.GatewayPort,
                AdvertisedAddress = parse.GetValue(advertise) ?? settings.AdvertisedAddress,
                SiloName = parse.GetValue(name) ?? settings.SiloName ?? $"{Environment.MachineName}-{Environment.ProcessId}",
                MaxConcurrentItems = parse.GetValue(maxItems) ?? settings.MaxConcurrentItems,
            };
            return await RunAsync(console, settings, ct);
        });
        return command;
    }

    internal static async Task<int> RunAsync(CliConsole console, CryoMergeHostSettings settings, CancellationToken cancellationToken)
    {
        if (settings.Cluster.Kind == ClusterKind.Localhost)
            throw new Core.CryoMergeInputException("--cluster", "serve joins a cluster: give --cluster redis://HOST:PORT or postgres://... (or set CRYOMERGE_CLUSTER)");
        await PostgreSqlClustering.CheckAsync(settings.Cluster, cancellationToken);
        using var host = SiloHost.Build(settings);
        try
        {
            await host.StartAsync(cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException and not Core.CryoMergeInputException)
        {
            throw new Core.CryoMergeInputException("--cluster", $"cannot join the cluster at {settings.Cluster.Display}: {e.Message.Split('\n')[0]}");
        }
        console.Note($"silo {settings.SiloName} joined {settings.Cluster.Display} at {settings.ResolveAdvertisedAddress()}:{settings.SiloPort} (gateway {settings.GatewayPort}), state in {settings.StateDirectory}");
        try
        {
            await Task.Delay(Timeout.Infinite, cancellationToken);
        }
        catch (OperationCanceledException)
        {
        }
        console.Note($"silo {settings.SiloName} stopping");
        await host.StopAsync(CancellationToken.None);
        return (int)ExitCode.Ok;
    }
}
