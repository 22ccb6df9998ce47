using System.Collections;
using System.Net;
using System.Net.Sockets;
using CryoMerge.Core;

namespace CryoMerge.Hosting;

/// <summary>
/// Everything that decides how a silo or client runs: cluster membership, ports, identity, the job-state folder,
/// worker concurrency and telemetry. Command-line options override the environment variables that a container
/// or the Helm chart sets (<see cref="EnvironmentVariables"/>).
/// </summary>
public sealed record CryoMergeHostSettings
{
    public const string DefaultServiceId = "cryomerge";
    public const string DefaultClusterId = "cryomerge";
    public const int DefaultSiloPort = 11111;
    public const int DefaultGatewayPort = 30000;

    public ClusterTarget Cluster { get; init; } = ClusterTarget.Localhost;

    /// <summary>Folder for job state; must be shared by every silo of a cluster.</summary>
    public string StateDirectory { get; init; } = DefaultStateDirectory();

    public int SiloPort { get; init; } = DefaultSiloPort;

    public int GatewayPort { get; init; } = DefaultGatewayPort;

    /// <summary>Address other silos and clients reach this silo at (POD_IP in Kubernetes); else 127.0.0.1.</summary>
    public string? AdvertisedAddress { get; init; }

    /// <summary>
    /// Address the silo and gateway ports listen on (CRYOMERGE_LISTEN, serve --listen), e.g. 0.0.0.0 in a container
    /// whose health check connects to 127.0.0.1; null: only the advertised address.
    /// </summary>
    public string? ListenAddress { get; init; }

    /// <summary>
    /// Folders a silo's plans may read and write (CRYOMERGE_DATA_ROOT, serve --data-root); a plan whose inputs or
    /// output lie outside all of them is refused. Empty: no restriction.
    /// </summary>
    public IReadOnlyList<string> DataRoots { get; init; } = Array.Empty<string>();

    /// <summary>Mutual TLS between silos and clients (CRYOMERGE_TLS_*, --tls-cert ...); None when off.</summary>
    public TlsSettings Tls { get; init; } = TlsSettings.None;

    /// <summary>Name of the silo in reports (POD_NAME in Kubernetes).</summary>
    public string? SiloName { get; init; }

    /// <summary>Kubernetes namespace of the pod (POD_NAMESPACE): a telemetry attribute, and the namespace whose pods
    /// Kubernetes hosting watches.</summary>
    public string? Namespace { get; init; }

    /// <summary>Password of the membership store kept out of the address (CRYOMERGE_CLUSTER_PASSWORD); also applies to
    /// a --cluster given later.</summary>
    public string? ClusterPassword { get; init; }

    /// <summary>
    /// Microsoft.Orleans.Hosting.Kubernetes on silos (CRYOMERGE_KUBERNETES_HOSTING=true): silos watch their pods and
    /// declare a silo dead when its pod is gone. Only for one Deployment per cluster; membership still comes from
    /// Cluster.
    /// </summary>
    public bool KubernetesHosting { get; init; }

    public string ServiceId { get; init; } = DefaultServiceId;

    public string ClusterId { get; init; } = DefaultClusterId;

    /// <summary>Work items a silo runs at once; null = one per core.</summary>
    public int? MaxConcurrentItems { get; init; }

    /// <summary>Export spans to the console (--trace).</summary>
    public bool ConsoleTrace { get; init; }

    /// <summary>OTLP endpoint; spans and metrics are exported there when set (OTEL_EXPORTER_OTLP_ENDPOINT).</summary>
    public string? OtlpEndpoint { get; init; }

    /// <summary>
    /// How soon a dead silo is noticed and its jobs resume elsewhere ('serve --failover fast' for tests on one
    /// machine).
    /// </summary>
    public FailoverTiming Failover { get; init; } = FailoverTiming.Default;

    /// <summary>
    /// The silo is the embedded one of <c>merge</c>, <c>demo</c> or <c>reconstruct --shards</c>: alone, on loopback,
    /// talked to by its own process only. It then skips what only a cluster needs (the resume reminders; see
    /// <see cref="FailoverExtensions"/>).
    /// </summary>
    public bool Embedded { get; init; }

    /// <summary>Log Orleans at Information instead of Warning (always on stderr).</summary>
    public bool Verbose { get; init; }

    /// <summary>
    /// How long a client waits for a silo to join a cluster whose membership store lists none (one may be starting)
    /// before it says so ('--silo-wait').
    /// </summary>
    public TimeSpan SiloWait { get; init; } = DefaultSiloWait;

    /// <summary>A silo that is starting joins in a few seconds on an idle machine.</summary>
    public static readonly TimeSpan DefaultSiloWait = TimeSpan.FromSeconds(5);

    /// <summary>The environment variables read by <see cref="FromEnvironment"/>, for the container image and Helm
    /// chart.</summary>
    public static readonly IReadOnlyList<string> EnvironmentVariables =
    [
        "CRYOMERGE_CLUSTER", "CRYOMERGE_CLUSTER_PASSWORD", "CRYOMERGE_STATE_DIR", "CRYOMERGE_SILO_PORT",
            "CRYOMERGE_GATEWAY_PORT",
        "CRYOMERGE_MAX_CONCURRENT_ITEMS", "CRYOMERGE_KUBERNETES_HOSTING", "POD_IP", "POD_NAME", "POD_NAMESPACE",
        "ORLEANS_SERVICE_ID",
        "ORLEANS_CLUSTER_ID", "OTEL_EXPORTER_OTLP_ENDPOINT", "CRYOMERGE_LISTEN", "CRYOMERGE_DATA_ROOT",
        "CRYOMERGE_TLS_CERT", "CRYOMERGE_TLS_KEY", "CRYOMERGE_TLS_PASSWORD", "CRYOMERGE_TLS_CA",
    ];

    /// <summary>Settings from environment variables (pass Environment.GetEnvironmentVariables()).</summary>
    public static CryoMergeHostSettings FromEnvironment(IDictionary environment)
    {
        string? Get(string name) => environment[name] is string s && s.Length > 0 ? s : null;
        int? Int(string name)
        {
            if (Get(name) is not string s) return null;
            return int.TryParse(s, out int v) && v > 0 ? v : throw new CryoMergeInputException(name,
                $"'{s}' is not a positive whole number");
        }
        bool Bool(string name) => Get(name) switch
        {
            null => false,
            string s when bool.TryParse(s, out bool b) => b,
            string s => throw new CryoMergeInputException(name, $"'{s}' is not true or false"),
        };
        var settings = new CryoMergeHostSettings();
        return settings with
        {
            Cluster = ClusterTarget.Parse(Get("CRYOMERGE_CLUSTER"), Get("CRYOMERGE_CLUSTER_PASSWORD")),
            ClusterPassword = Get("CRYOMERGE_CLUSTER_PASSWORD"),
            StateDirectory = Get("CRYOMERGE_STATE_DIR") ?? settings.StateDirectory,
            SiloPort = Int("CRYOMERGE_SILO_PORT") ?? settings.SiloPort,
            GatewayPort = Int("CRYOMERGE_GATEWAY_PORT") ?? settings.GatewayPort,
            MaxConcurrentItems = Int("CRYOMERGE_MAX_CONCURRENT_ITEMS"),
            AdvertisedAddress = Get("POD_IP"),
            SiloName = Get("POD_NAME"),
            Namespace = Get("POD_NAMESPACE"),
            KubernetesHosting = Bool("CRYOMERGE_KUBERNETES_HOSTING"),
            ServiceId = Get("ORLEANS_SERVICE_ID") ?? settings.ServiceId,
            ClusterId = Get("ORLEANS_CLUSTER_ID") ?? settings.ClusterId,
            OtlpEndpoint = Get("OTEL_EXPORTER_OTLP_ENDPOINT"),
            ListenAddress = Get("CRYOMERGE_LISTEN"),
            DataRoots = Get("CRYOMERGE_DATA_ROOT") is { } roots ? SplitRoots(roots) : settings.DataRoots,
            Tls = new TlsSettings(Get("CRYOMERGE_TLS_CERT"), Get("CRYOMERGE_TLS_KEY"), Get("CRYOMERGE_TLS_PASSWORD"),
                Get("CRYOMERGE_TLS_CA")),
        };
    }

    /// <summary>$CRYOMERGE_STATE_DIR, else $XDG_STATE_HOME/cryomerge, else ~/.local/state/cryomerge.</summary>
    public static string DefaultStateDirectory()
    {
        if (Environment.GetEnvironmentVariable("XDG_STATE_HOME") is { Length: > 0 } xdg) return Path.Combine(xdg,
            "cryomerge");
        return Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".local", "state",
            "cryomerge");
    }

    /// <summary>CRYOMERGE_DATA_ROOT: folders separated by ':' (as in PATH); empty parts are ignored.</summary>
    public static IReadOnlyList<string> SplitRoots(string value) =>
        value.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(Path.GetFullPath).ToArray();

    /// <summary>
    /// The address to advertise: the configured one, else 127.0.0.1. A silo never guesses one of this host's addresses:
    /// with a membership store on another host, loopback would be useless to the other silos, so that is refused.
    /// </summary>
    public IPAddress ResolveAdvertisedAddress()
    {
        if (AdvertisedAddress is not null) return ParseAddress("--advertise", AdvertisedAddress);
        if (Cluster.Kind != ClusterKind.Localhost && !Cluster.IsLoopback)
        {
            var mine = Dns.GetHostAddresses(Dns.GetHostName())
                .Where(a => !IPAddress.IsLoopback(a) && a.AddressFamily == AddressFamily.InterNetwork)
                .DefaultIfEmpty(IPAddress.None);
            throw new CryoMergeInputException("--advertise",
                $"the cluster at {Cluster.Display} is on another host, so other silos cannot reach this one " +
                "at 127.0.0.1; " +
                $"give the address they should use (this host has {string.Join(", ", mine)}) or set POD_IP");
        }
        return IPAddress.Loopback;
    }

    /// <summary>The address the silo and gateway listen on: <see cref="ListenAddress"/>, else the advertised.</summary>
    public IPAddress ResolveListenAddress() =>
        ListenAddress is null ? ResolveAdvertisedAddress() : ParseAddress("--listen", ListenAddress);

    private static IPAddress ParseAddress(string option, string value)
    {
        if (IPAddress.TryParse(value, out var ip)) return ip;
        try
        {
            return Dns.GetHostAddresses(value).FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork)
                ?? throw new CryoMergeInputException(option, $"'{value}' has no IPv4 address");
        }
        catch (SocketException e)
        {
            throw new CryoMergeInputException(option, $"'{value}' is not an IP address or a host name that resolves: " +
                e.Message);
        }
    }

    /// <summary>A free TCP port on loopback (for embedded silos, so that two runs never collide).</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
