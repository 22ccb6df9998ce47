using System.CommandLine;
using CryoMerge.Hosting;

namespace CryoMerge.Cli.Options;

/// <summary>Options of the commands that run on or talk to a cluster (merge, demo, status, serve).</summary>
internal sealed class ClusterOptions
{
    public Option<string?> Cluster { get; } = new("--cluster")
    {
        Description = "Cluster to use: redis://HOST:PORT or postgres://USER:PASSWORD@HOST:PORT/DB. Default: an embedded silo in this process (or $CRYOMERGE_CLUSTER)",
    };

    public Option<string?> StateDir { get; } = new("--state-dir")
    {
        Description = "Folder for job state, shared by every silo (default: $CRYOMERGE_STATE_DIR or ~/.local/state/cryomerge)",
    };

    public Option<bool> Trace { get; } = new("--trace")
    {
        Description = "Print every span (job, stage, work item) on stderr as it ends; OTLP export when OTEL_EXPORTER_OTLP_ENDPOINT is set",
    };

    public IEnumerable<Option> All => [Cluster, StateDir, Trace];

    /// <summary>Environment first, then the command line.</summary>
    public CryoMergeHostSettings Settings(ParseResult parse, bool verbose)
    {
        var settings = CryoMergeHostSettings.FromEnvironment(Environment.GetEnvironmentVariables());
        if (parse.GetValue(Cluster) is { } cluster) settings = settings with { Cluster = ClusterTarget.Parse(cluster, settings.ClusterPassword) };
        if (parse.GetValue(StateDir) is { } dir) settings = settings with { StateDirectory = Path.GetFullPath(dir) };
        return settings with { ConsoleTrace = parse.GetValue(Trace), Verbose = verbose };
    }
}
