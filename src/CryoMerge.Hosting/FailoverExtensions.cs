using CryoMerge.Grains.Workers;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Hosting;
using StackExchange.Redis;

namespace CryoMerge.Hosting;

/// <summary>How fast a cluster notices a dead silo and resumes its jobs (<c>serve --failover</c>).</summary>
public enum FailoverTiming
{
    /// <summary>
    /// Orleans' membership defaults (a silo that stops answering is declared dead after about 15-20 s: three missed
    /// probes of 5 s and two votes) and a job reminder every 30 s: a job resumes within about a minute of a crash.
    /// </summary>
    Default,

    /// <summary>
    /// For tests and demonstrations on one machine: declared dead after two missed probes of 2 s, a job reminder every
    /// 3 s and a heartbeat every second. Too eager for real networks, where a slow answer is not a dead silo.
    /// </summary>
    Fast,
}

/// <summary>
/// Reminders that wake a job's coordinator on a live silo (the same store as membership: Redis or PostgreSQL; in memory
/// on a lone 'serve'; none on the embedded silo of 'merge') and the membership timing that decides how soon a dead
/// silo's jobs move.
/// </summary>
public static class FailoverExtensions
{
    public static ISiloBuilder UseCryoMergeFailover(this ISiloBuilder silo, CryoMergeHostSettings settings)
    {
        var target = settings.Cluster;
        switch (target.Kind)
        {
            case ClusterKind.Localhost when settings.Embedded:
                // Its reminders would die with the process that follows the job; running the plan again resumes it.
                break;
            case ClusterKind.Localhost:
                silo.UseInMemoryReminderService();
                break;
            case ClusterKind.Redis:
                var redis = ConfigurationOptions.Parse(target.ConnectionString!);
                silo.UseRedisReminderService(o => o.ConfigurationOptions = redis);
                break;
            default:
                silo.UseAdoNetReminderService(o =>
                {
                    o.Invariant = "Npgsql";
                    o.ConnectionString = target.ConnectionString!;
                });
                break;
        }
        bool fast = settings.Failover == FailoverTiming.Fast;
        silo.Services.Configure<WorkerOptions>(o =>
        {
            o.DurableReminders = target.Kind != ClusterKind.Localhost;
            o.ResumeReminders = !(settings.Embedded && target.Kind == ClusterKind.Localhost);
            if (!fast) return;
            o.ResumeCheckPeriod = TimeSpan.FromSeconds(3);
            o.HeartbeatInterval = TimeSpan.FromSeconds(1);
        });
        if (fast)
        {
            silo.Configure<ClusterMembershipOptions>(o =>
            {
                o.ProbeTimeout = TimeSpan.FromSeconds(2);
                o.NumMissedProbesLimit = 2;
                o.TableRefreshTimeout = TimeSpan.FromSeconds(2);
                o.IAmAliveTablePublishTimeout = TimeSpan.FromSeconds(5);
            });
        }
        return silo.AllowJobReminderPeriod();
    }

    /// <summary>
    /// Lets the job reminder tick as often as <see cref="WorkerOptions.ResumeCheckPeriod"/> says (Orleans' floor is one
    /// minute). One reminder per running job, answered by an activation that is there already: no load to speak of.
    /// </summary>
    public static ISiloBuilder AllowJobReminderPeriod(this ISiloBuilder silo)
    {
        silo.Services.AddOptions<ReminderOptions>().Configure<IOptions<WorkerOptions>>((reminders, workers) =>
        {
            var period = workers.Value.ResumeCheckPeriod;
            if (period < reminders.MinimumReminderPeriod) reminders.MinimumReminderPeriod = period;
        });
        return silo;
    }

    /// <summary>
    /// A client's side of <see cref="FailoverTiming"/>: how soon it learns of gateways that came or went.
    /// </summary>
    public static IClientBuilder UseCryoMergeFailover(this IClientBuilder client, CryoMergeHostSettings settings)
    {
        var refresh = settings.Failover == FailoverTiming.Fast ? TimeSpan.FromSeconds(1) : TimeSpan.FromSeconds(5);
        return client.Configure<GatewayOptions>(o => o.GatewayListRefreshPeriod = refresh);
    }
}
