using System.Diagnostics;
using System.Globalization;
using OpenTelemetry;

namespace CryoMerge.Hosting;

/// <summary>
/// The --trace exporter: one line per finished span on stderr (stdout stays free for results and --json):
/// trace id, span and parent ids, name, duration and the CryoMerge attributes.
/// </summary>
public sealed class StderrSpanExporter(TextWriter? writer = null) : BaseExporter<Activity>
{
    private readonly TextWriter _writer = writer ?? Console.Error;

    public override ExportResult Export(in Batch<Activity> batch)
    {
        foreach (var a in batch)
        {
            var tags = string.Join(' ', a.TagObjects.Where(t => t.Key.StartsWith("cryomerge.",
                StringComparison.Ordinal)).Select(t => $"{t.Key[10..]}={t.Value}"));
            _writer.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"trace {a.TraceId} span {a.SpanId} parent " +
                $"{(a.ParentSpanId == default ? "-" : a.ParentSpanId.ToString())} {a.Source.Name}: {a.DisplayName} " +
                $"{a.Duration.TotalMilliseconds:F1} ms {tags}"));
        }
        return ExportResult.Success;
    }
}
