using CryoMerge.Grains.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace CryoMerge.Hosting;

/// <summary>
/// OpenTelemetry for silos and clients: our "CryoMerge" source and meter plus Orleans' own, exported over OTLP
/// when an endpoint is configured and as one line per span on stderr with --trace. Without either nothing is collected.
/// </summary>
public static class TelemetryExtensions
{
    public static readonly string[] ActivitySources = [CryoMergeTelemetry.Name, "Microsoft.Orleans.Application",
        "Microsoft.Orleans.Runtime"];

    public static readonly string[] Meters = [CryoMergeTelemetry.Name, "Microsoft.Orleans"];

    public static IServiceCollection AddCryoMergeTelemetry(this IServiceCollection services,
        CryoMergeHostSettings settings, string role)
    {
        if (settings.OtlpEndpoint is null && !settings.ConsoleTrace) return services;
        services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService("cryomerge",
                serviceInstanceId: settings.SiloName ?? $"{role}-{Environment.MachineName}-{Environment.ProcessId}")
                .AddAttributes(ResourceAttributes(settings, role)))
            .WithTracing(t =>
            {
                t.AddSource(ActivitySources);
                if (settings.OtlpEndpoint is not null) t.AddOtlpExporter(o =>
                    o.Endpoint = new Uri(settings.OtlpEndpoint));
                if (settings.ConsoleTrace) t.AddProcessor(new SimpleActivityExportProcessor(new StderrSpanExporter()));
            })
            .WithMetrics(m =>
            {
                m.AddMeter(Meters);
                if (settings.OtlpEndpoint is not null) m.AddOtlpExporter(o =>
                    o.Endpoint = new Uri(settings.OtlpEndpoint));
            });
        return services;
    }

    /// <summary>Our role, and where in Kubernetes the process runs (OpenTelemetry's k8s.* resource
    /// conventions).</summary>
    internal static IEnumerable<KeyValuePair<string, object>> ResourceAttributes(CryoMergeHostSettings settings,
        string role)
    {
        yield return new("cryomerge.role", role);
        if (settings.Namespace is null) yield break;
        yield return new("k8s.namespace.name", settings.Namespace);
        if (settings.SiloName is not null) yield return new("k8s.pod.name", settings.SiloName);
    }
}
