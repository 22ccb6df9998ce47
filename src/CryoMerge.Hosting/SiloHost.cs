using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace CryoMerge.Hosting;

/// <summary>The host of a cluster silo ('cryomerge serve', the container image).</summary>
public static class SiloHost
{
    /// <summary>Shutdown time given to a stopping silo; Kubernetes' termination grace period must be longer.</summary>
    public static readonly TimeSpan ShutdownTimeout = TimeSpan.FromSeconds(45);

    public static IHost Build(CryoMergeHostSettings settings)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole(o => o.SingleLine = true);
        builder.Services.Configure<Microsoft.Extensions.Logging.Console.ConsoleLoggerOptions>(o =>
            o.LogToStandardErrorThreshold = LogLevel.Trace);
        builder.Logging.SetMinimumLevel(settings.Verbose ? LogLevel.Information : LogLevel.Warning);
        // A refused TLS handshake is a warning with a stack trace, and so is every TCP health probe of a TLS port
        // (Kubernetes, compose): shown with --verbose only.
        if (!settings.Verbose) builder.Logging.AddFilter("Orleans.Connections.Security", LogLevel.Error);
        // Orleans warns at every start that reminders under a minute are "high-frequency"; ours is one per running job.
        builder.Logging.AddFilter("Orleans.Hosting.ReminderOptionsValidator", LogLevel.Error);
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = ShutdownTimeout);
        builder.Services.AddCryoMergeTelemetry(settings, "silo");
        builder.UseOrleans(silo => silo.AddCryoMerge(settings));
        return builder.Build();
    }
}
