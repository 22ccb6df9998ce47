using CryoMerge.Core.Merging.Pipeline;
using CryoMerge.Core.Merging.Stages;
using CryoMerge.Hosting;
using CryoMerge.Tests;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Configuration;
using Orleans.TestingHost;

namespace CryoMerge.Grains.Tests;

/// <summary>
/// A three-silo in-process cluster with membership tightened so that a killed silo is declared dead in a few
/// seconds, job reminders every 2 s in a table that outlives any silo, job state in a temporary folder, and work
/// items slowed down so that a test can act mid-job.
/// </summary>
internal sealed class ClusterFixture : IAsyncDisposable
{
    private ClusterFixture(InProcessTestCluster cluster, TempDir state, SharedReminderTable reminders)
    {
        Cluster = cluster;
        State = state;
        Reminders = reminders;
    }

    public InProcessTestCluster Cluster { get; }

    public TempDir State { get; }

    /// <summary>The cluster's reminders, shared by its silos.</summary>
    public SharedReminderTable Reminders { get; }

    public IClusterClient Client => Cluster.Client;

    /// <summary>Prefix of this cluster's silo names, so that telemetry of earlier clusters in the process can be told
    /// apart.</summary>
    public string SiloPrefix { get; private init; } = "";

    public static async Task<ClusterFixture> StartAsync(TimeSpan itemDelay, short silos = 3)
    {
        var state = new TempDir();
        var reminders = new SharedReminderTable();
        string prefix = "c" + Guid.NewGuid().ToString("N")[..6];
        var builder = new InProcessTestClusterBuilder(silos);
        builder.ConfigureSilo((options, silo) =>
        {
            silo.Services.PostConfigure<SiloOptions>(o => o.SiloName = $"{prefix}-{o.SiloName}");
            silo.Services.AddSingleton(new WorkHandlers(MergeStages.Handlers.All.Select(h =>
                (IWorkHandler)new DelayedHandler(h, itemDelay))));
            silo.AddCryoMergeGrains(state.Path, maxConcurrentItems: 1, o =>
            {
                o.ResumeCheckPeriod = TimeSpan.FromSeconds(2);
                o.HeartbeatInterval = TimeSpan.FromMilliseconds(500);
                o.DurableReminders = true;
            });
            silo.Services.AddReminders();
            silo.Services.AddSingleton<IReminderTable>(reminders);
            silo.Configure<ClusterMembershipOptions>(o =>
            {
                o.ProbeTimeout = TimeSpan.FromSeconds(1);
                o.NumMissedProbesLimit = 1;
                o.NumVotesForDeathDeclaration = 1;
                o.TableRefreshTimeout = TimeSpan.FromSeconds(1);
                o.IAmAliveTablePublishTimeout = TimeSpan.FromSeconds(1);
            });
            silo.Configure<SiloMessagingOptions>(o => o.ResponseTimeout = TimeSpan.FromSeconds(20));
        });
        builder.ConfigureClient(client =>
        {
            client.AddActivityPropagation();
            client.Configure<ClientMessagingOptions>(o => o.ResponseTimeout = TimeSpan.FromSeconds(20));
        });
        var cluster = builder.Build();
        await cluster.DeployAsync();
        return new ClusterFixture(cluster, state, reminders) { SiloPrefix = prefix };
    }

    public async ValueTask DisposeAsync()
    {
        await Cluster.StopAllSilosAsync();
        await Cluster.DisposeAsync();
        State.Dispose();
    }

    /// <summary>A handler that waits before doing the real work, so jobs last long enough to be interrupted.</summary>
    private sealed class DelayedHandler(IWorkHandler inner, TimeSpan delay) : IWorkHandler
    {
        public string Name => inner.Name;

        public WorkResult Execute(WorkItem item, WorkEnvironment environment, CancellationToken cancellationToken)
        {
            if (delay > TimeSpan.Zero) Task.Delay(delay, cancellationToken).GetAwaiter().GetResult();
            return inner.Execute(item, environment, cancellationToken);
        }
    }
}
