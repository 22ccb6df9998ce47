using System.CommandLine;
using CryoMerge.Cli.Options;
using CryoMerge.Hosting;
using Microsoft.Extensions.Hosting;

namespace CryoMerge.Cli.Commands;

/// <summary><c>cryomerge serve --cluster redis://...</c>: a silo that joins a cluster and runs merge work until
/// stopped.</summary>
internal static class ServeCommand
{
    public static Command Create(CliConsole console)
    {
        var cluster = new ClusterOptions();
        var siloPort = new Option<int?>("--silo-port") { Description
            = $"Port for silo-to-silo traffic (default {CryoMergeHostSettings.DefaultSiloPort} or " +
            $"$CRYOMERGE_SILO_PORT)" };
        var gatewayPort = new Option<int?>("--gateway-port") { Description
            = $"Port clients connect to (default {CryoMergeHostSettings.DefaultGatewayPort} or " +
            $"$CRYOMERGE_GATEWAY_PORT)" };
        var advertise = new Option<string?>("--advertise")
        {
            Description = "Address (or host name) other silos and clients reach this one at; the silo listens on it " +
                "alone (default $POD_IP, else 127.0.0.1, which only a cluster on this host can use)",
        };
        var listen = new Option<string?>("--listen")
        {
            Description = "Listen on this address instead of the advertised one, e.g. 0.0.0.0 in a container " +
                "(default $CRYOMERGE_LISTEN)",
        };
        var dataRoot = new Option<string[]>("--data-root")
        {
            Description = "A folder plans may read and write; repeat for several. A plan with an input or output " +
                "outside all of them is refused before any work (default $CRYOMERGE_DATA_ROOT, folders separated " +
                "by ':'; none: no restriction)",
            HelpName = "DIR",
            Arity = ArgumentArity.ZeroOrMore,
        };
        var name = new Option<string?>("--name") { Description =
            "Silo name in reports (default $POD_NAME or host-PID)" };
        var failover = new Option<FailoverTiming>("--failover")
        {
            Description = "How soon a dead silo's jobs move: default (Orleans' membership timing, jobs resume "
                + "within about a minute of a crash) or fast (a few seconds; for tests and demonstrations on one "
                + "machine, too eager for real networks)",
            DefaultValueFactory = _ => FailoverTiming.Default,
        };
        var maxItems = new Option<int?>("--max-concurrent-items") { Description =
            "Work items this silo runs at once (default: one per core or $CRYOMERGE_MAX_CONCURRENT_ITEMS)" };
        var verbose = CommonOptions.Verbose();
        var command = new Command("serve", """
            Run a silo that joins a cluster through Redis or PostgreSQL membership and does merge work until it is
            stopped (Ctrl+C or SIGTERM: it hands its grains over and leaves the cluster). Every silo must see the
            data and the job-state folder at the same paths (shared storage). Submit work with
            'cryomerge merge PLAN --cluster ...'. When a silo dies, its jobs continue on the others by themselves (a
            reminder in the membership store wakes them; about a minute after a kill -9 with the default timing), and a
            job whose only silo died resumes when a silo is back. PostgreSQL needs the tables and queries of Orleans'
            PostgreSQL-Main.sql, PostgreSQL-Clustering.sql and PostgreSQL-Reminders.sql in its database (from
            Orleans' source, not its NuGet packages: README, "PostgreSQL membership"); 'serve' says what is missing.

            Example:
              cryomerge serve --cluster redis://127.0.0.1:6379 --silo-port 11111 --gateway-port 30000 \
                --state-dir /shared/cryomerge-state
              cryomerge serve --cluster redis://10.0.0.1:6379 --advertise 10.0.0.5 --data-root /shared/cryo \
                --tls-cert silo.pfx --tls-ca ca.pem
            """)
        {
            siloPort, gatewayPort, advertise, listen, dataRoot, name, maxItems, failover, verbose,
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
                ListenAddress = parse.GetValue(listen) ?? settings.ListenAddress,
                DataRoots = parse.GetValue(dataRoot) is { Length: > 0 } roots
                    ? roots.Select(Path.GetFullPath).ToArray()
                    : settings.DataRoots,
                SiloName = parse.GetValue(name) ?? settings.SiloName
                ?? $"{Environment.MachineName}-{Environment.ProcessId}",
                MaxConcurrentItems = parse.GetValue(maxItems) ?? settings.MaxConcurrentItems,
                Failover = parse.GetValue(failover),
            };
            return await RunAsync(console, settings, ct);
        });
        return command;
    }

    internal static async Task<int> RunAsync(CliConsole console, CryoMergeHostSettings settings,
        CancellationToken cancellationToken)
    {
        if (settings.Cluster.Kind == ClusterKind.Localhost)
            throw new Core.CryoMergeInputException("--cluster",
                "serve joins a cluster: give --cluster redis://HOST:PORT or postgres://... (or set CRYOMERGE_CLUSTER)");
        await PostgreSqlClustering.CheckAsync(settings.Cluster, cancellationToken, silo: true);
        await RedisMembership.CheckAsync(settings.Cluster, cancellationToken);
        foreach (var root in settings.DataRoots)
            if (!Directory.Exists(root)) throw new Core.CryoMergeInputException(root, "--data-root is not a folder");
        using var host = SiloHost.Build(settings);
        // Orleans would retry a refused silo for minutes before giving up with "failed to get ping responses".
        if (await TlsRefusal.ExplainAsync(settings, "silo", cancellationToken) is { } refusal)
            throw new Core.CryoMergeInputException("--tls-cert", $"cannot join: {refusal}");
        try
        {
            await host.StartAsync(cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException and not Core.CryoMergeInputException)
        {
            throw new Core.CryoMergeInputException("--cluster",
                $"cannot join the cluster at {settings.Cluster.Display}: {e.Message.Split('\n')[0]}");
        }
        console.Note($"silo {settings.SiloName} joined {settings.Cluster.Display} at " +
            $"{settings.ResolveAdvertisedAddress()}:{settings.SiloPort} (gateway {settings.GatewayPort}), " +
            $"listening on {settings.ResolveListenAddress()}, " +
            $"{(settings.Tls.Enabled ? "mutual TLS" : "no TLS")}, state in {settings.StateDirectory}" +
            (settings.DataRoots.Count > 0 ? $", data roots {string.Join(", ", settings.DataRoots)}" : ""));
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
