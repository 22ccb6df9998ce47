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
    public static readonly string[] ActivitySources = [CryoMergeTelemetry.Name, "Microsoft.Orleans.Application", "Microsoft.Orleans.Runtime"];

    public static readonly string[] Meters = [CryoMergeTelemetry.Name, "Microsoft.Orleans"];

    public static IServiceCollection AddCryoMergeTelemetry(this IServiceCollection services, CryoMergeHostSettings settings, string role)
    {
        if (settings.OtlpEndpoint is null && !settings.ConsoleTrace) return services;
        services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService("cryomerge", serviceInstanceId: settings.SiloName ?? $"{role}-{Environment.MachineName}-{Environment.ProcessId}")
                .AddAttributes([new("cryomerge.role", role)]))
            .WithTracing(t =>
            {
                t.AddSource(ActivitySources);
                if (settings.OtlpEndpoint is not null) t.AddOtlpExporter(o => o.Endpoint = new Uri(settings.OtlpEndpoint));
                if (settings.ConsoleTrace) t.AddProcessor(new SimpleActivityExportProcessor(new StderrSpanExporter()));
            })
            .WithMetrics(m =>
            {
                m.AddMeter(Meters);
                if (settings.OtlpEndpoint is not null) m.AddOtlpExporter(o => o.Endpoint = new Uri(settings.OtlpEndpoint));
            });
        return services;
    }
}
