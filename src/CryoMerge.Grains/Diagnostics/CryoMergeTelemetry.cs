using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace CryoMerge.Grains.Diagnostics;

/// <summary>
/// The ActivitySource and Meter named "CryoMerge": spans for job, stage and work item, and counters of items
/// done, particles written and bytes read. Hosts subscribe to them with OpenTelemetry.
/// </summary>
public static class CryoMergeTelemetry
{
    public const string Name = "CryoMerge";

    public static readonly ActivitySource Source = new(Name,
        typeof(CryoMergeTelemetry).Assembly.GetName().Version?.ToString(3));

    public static readonly Meter Meter = new(Name, typeof(CryoMergeTelemetry).Assembly.GetName().Version?.ToString(3));

    public static readonly Counter<long> ItemsDone = Meter.CreateCounter<long>("cryomerge.items.done", "{item}",
        "Work items completed");

    public static readonly Counter<long> ItemsFailed = Meter.CreateCounter<long>("cryomerge.items.failed", "{item}",
        "Work item attempts that failed");

    public static readonly Counter<long> ParticlesWritten = Meter.CreateCounter<long>("cryomerge.particles.written",
        "{particle}", "Particles written to output stacks or STAR files");

    public static readonly Counter<long> BytesRead = Meter.CreateCounter<long>("cryomerge.bytes.read", "By",
        "Image bytes read by work items");

    public static readonly Counter<long> JobStoreBytesWritten = Meter.CreateCounter<long>(
        "cryomerge.jobstore.bytes.written", "By", "Bytes written to the job store (job states, journals, heartbeats)");

    public static readonly Histogram<double> ItemSeconds = Meter.CreateHistogram<double>("cryomerge.item.duration", "s",
        "Wall time of one work item");

    // Attribute names on spans.
    public const string JobIdTag = "cryomerge.job";
    public const string StageTag = "cryomerge.stage";
    public const string ItemTag = "cryomerge.item";
    public const string KindTag = "cryomerge.kind";
    public const string DataSetTag = "cryomerge.dataset";
    public const string SiloTag = "cryomerge.silo";
    public const string MicrographTag = "cryomerge.micrograph";
}
