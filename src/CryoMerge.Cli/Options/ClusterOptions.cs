using System.CommandLine;
using CryoMerge.Hosting;

namespace CryoMerge.Cli.Options;

/// <summary>Options of the commands that run on or talk to a cluster (merge, demo, status, serve).</summary>
internal sealed class ClusterOptions
{
    public Option<string?> Cluster { get; } = new("--cluster")
    {
        Description
            = "Cluster to use: redis://HOST:PORT or postgres://USER:PASSWORD@HOST:PORT/DB. Default: an embedded silo " +
            "in this process (or $CRYOMERGE_CLUSTER)",
    };

    public Option<string?> StateDir { get; } = new("--state-dir")
    {
        Description =
            "Folder for job state, shared by every silo (default: $CRYOMERGE_STATE_DIR or ~/.local/state/cryomerge)",
    };

    public Option<bool> Trace { get; } = new("--trace")
    {
        Description
            = "Print every span (job, stage, work item) on stderr as it ends; OTLP export when " +
            "OTEL_EXPORTER_OTLP_ENDPOINT is set",
    };

    public Option<string?> TlsCert { get; } = new("--tls-cert")
    {
        Description = "Mutual TLS with the cluster (--cluster only): this member's certificate, a .pfx/.p12 with its " +
            "key or a PEM certificate (key inside or in --tls-key); password in $CRYOMERGE_TLS_PASSWORD. " +
            "Default: $CRYOMERGE_TLS_CERT, else no TLS",
        HelpName = "FILE",
    };

    public Option<string?> TlsKey { get; } = new("--tls-key")
    {
        Description = "PEM private key of a PEM --tls-cert, when it is in a file of its own (default: " +
            "$CRYOMERGE_TLS_KEY)",
        HelpName = "FILE",
    };

    public Option<string?> TlsCa { get; } = new("--tls-ca")
    {
        Description = "PEM certificate(s) of the cluster's CA: peers must present a certificate it issued. Without " +
            "it every member must present the same certificate as --tls-cert (default: $CRYOMERGE_TLS_CA)",
        HelpName = "FILE",
    };

    public Option<double?> SiloWait { get; } = new("--silo-wait")
    {
        Description = "With --cluster: how long to wait for a silo to join when the cluster's membership store " +
            "lists none (one may be starting), in seconds, e.g. --silo-wait 60. Default: " +
            $"{CryoMergeHostSettings.DefaultSiloWait.TotalSeconds:0}",
        HelpName = "SECONDS",
    };

    public IEnumerable<Option> All => [Cluster, StateDir, Trace, TlsCert, TlsKey, TlsCa];

    /// <summary>The options of a command that connects to a cluster as a client (not 'serve').</summary>
    public IEnumerable<Option> Client => [.. All, SiloWait];

    /// <summary>Environment first, then the command line.</summary>
    public CryoMergeHostSettings Settings(ParseResult parse, bool verbose)
    {
        var settings = CryoMergeHostSettings.FromEnvironment(Environment.GetEnvironmentVariables());
        if (parse.GetValue(Cluster) is { } cluster) settings = settings with { Cluster = ClusterTarget.Parse(cluster,
            settings.ClusterPassword) };
        if (parse.GetValue(StateDir) is { } dir) settings = settings with { StateDirectory = Path.GetFullPath(dir) };
        settings = settings with
        {
            Tls = settings.Tls with
            {
                Certificate = parse.GetValue(TlsCert) ?? settings.Tls.Certificate,
                Key = parse.GetValue(TlsKey) ?? settings.Tls.Key,
                Ca = parse.GetValue(TlsCa) ?? settings.Tls.Ca,
            },
        };
        if (!settings.Tls.Enabled && (settings.Tls.Key ?? settings.Tls.Ca) is not null)
            throw new Core.CryoMergeInputException("--tls-cert",
                "--tls-key and --tls-ca (or CRYOMERGE_TLS_KEY, _CA) go with a certificate; give --tls-cert too");
        if (parse.GetResult(SiloWait) is not null && parse.GetValue(SiloWait) is { } wait)
        {
            if (!(wait >= 0 && wait <= TimeSpan.MaxValue.TotalSeconds / 2))
                throw new Core.CryoMergeInputException("--silo-wait", $"{wait} is not 0 or more seconds");
            settings = settings with { SiloWait = TimeSpan.FromSeconds(wait) };
        }
        return settings with { ConsoleTrace = parse.GetValue(Trace), Verbose = verbose };
    }
}
