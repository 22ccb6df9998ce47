using CryoMerge.Core.Plotting;
using CryoMerge.Core;
using CryoMerge.Core.Analysis;
using CryoMerge.Core.Imaging;
using CryoMerge.Core.Merging.Pipeline;
using CryoMerge.Core.Merging.Stages;
using CryoMerge.Grains.Jobs;
using CryoMerge.Grains.Workers;
using CryoMerge.Plots;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Hosting;
using Orleans.Runtime.Hosting;

namespace CryoMerge.Hosting;

/// <summary>Adds the CryoMerge grains and what they need to a silo; the same call for the embedded silo, serve and
/// tests.</summary>
public static class SiloBuilderExtensions
{
    /// <summary>Job storage in <paramref name="stateDirectory"/>, the per-silo worker pool, FFT backend, plots and
    /// trace propagation.</summary>
    public static ISiloBuilder AddCryoMergeGrains(this ISiloBuilder silo, string stateDirectory,
        int? maxConcurrentItems = null, Action<WorkerOptions>? configure = null)
    {
        silo.Services.AddGrainStorage(StorageNames.JobStore, (_, _) => new FileGrainStorage(stateDirectory));
        silo.Services.TryAddSingleton<IJobJournal>(_ => new FileJobJournal(stateDirectory));
        silo.Services.TryAddSingleton<IFftBackend>(_ => FftBackends.Create());
        silo.Services.TryAddSingleton(MergeStages.Handlers);
        silo.Services.TryAddSingleton<IPlotRenderer, ScottPlotRenderer>();
        silo.Services.AddSingleton<WorkExecutor>();
        silo.Services.AddOptions<WorkerOptions>().Configure(o =>
        {
            if (maxConcurrentItems is int m) o.MaxConcurrentItems = m;
            configure?.Invoke(o);
        });
        silo.Services.AddSingleton<IValidateOptions<WorkerOptions>, WorkerOptionsValidator>();
        silo.AddActivityPropagation();
        return silo.AllowJobReminderPeriod();
    }

    /// <summary>Everything for a silo configured by <paramref name="settings"/>: clustering, identity, endpoints and
    /// grains.</summary>
    public static ISiloBuilder AddCryoMerge(this ISiloBuilder silo, CryoMergeHostSettings settings)
    {
        silo.UseCryoMergeClustering(settings);
        silo.UseCryoMergeTls(settings);
        silo.UseCryoMergeFailover(settings);
        if (settings.Embedded) silo.UseCryoMergeEmbeddedTuning();
        if (settings.SiloName is not null) silo.Configure<SiloOptions>(o => o.SiloName = settings.SiloName);
        if (settings.KubernetesHosting)
        {
            // Orleans reads POD_NAME, POD_NAMESPACE and POD_IP itself, and its validator insists that the silo name
            // is the pod name: say plainly what is missing rather than fail inside the host's start.
            if (settings.Namespace is null || settings.SiloName is null)
                throw new CryoMergeInputException("CRYOMERGE_KUBERNETES_HOSTING",
                    "Kubernetes hosting needs POD_NAMESPACE and POD_NAME from the downward API");
            silo.UseKubernetesHosting();
        }
        // A silo that stops gracefully hands its grains over before the host's shutdown timeout ends.
        silo.Configure<GrainCollectionOptions>(o => o.DeactivationTimeout = TimeSpan.FromSeconds(30));
        return silo.AddCryoMergeGrains(settings.StateDirectory, settings.MaxConcurrentItems,
            o => o.DataRoots = settings.DataRoots);
    }
}
