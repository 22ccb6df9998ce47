using CryoMerge.Core;
using CryoMerge.Hosting;

namespace CryoMerge.Cli;

/// <summary>
/// Calls a job's coordinator on a cluster whose silos may come and go. A call that fails because a silo, its gateway or
/// a connection went away is tried again, through whichever gateway is alive, until the cluster answers (a job whose
/// silo died is taken over by another within about a minute) or <see cref="Patience"/> runs out: then one line says so.
/// </summary>
internal sealed class JobFollower(CliConsole console, string cluster, string jobId, TimeSpan? patience = null)
{
    /// <summary>
    /// How long the cluster may stay silent before a follower of a job gives up (the job itself goes on).
    /// </summary>
    public static readonly TimeSpan DefaultPatience = TimeSpan.FromMinutes(10);

    public TimeSpan Patience { get; } = patience ?? DefaultPatience;

    /// <summary>
    /// Longest wait for one answer (they come within about a second): a call to a silo that died unannounced would
    /// otherwise wait for Orleans' 30 s timeout.
    /// </summary>
    public static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(10);

    private static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(1);

    public async Task<T> CallAsync<T>(Func<Task<T>> call, CancellationToken cancellationToken)
    {
        DateTime? lostSince = null;
        while (true)
        {
            var started = DateTime.UtcNow;
            try
            {
                var result = await call().WaitAsync(CallTimeout, cancellationToken);
                if (lostSince is not null)
                {
                    double seconds = (DateTime.UtcNow - lostSince.Value).TotalSeconds;
                    console.Note($"\nin contact with the job again (after {seconds:F0} s)");
                }
                return result;
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                throw;
            }
            catch (Exception e) when (ClusterFaults.IsLostContact(e))
            {
                string why = e is TimeoutException
                    ? $"no answer within {CallTimeout.TotalSeconds:F0} s"
                    : ClusterFaults.Describe(e);
                if (lostSince is null)
                    console.Note($"\nlost contact with the job's silo ({why}); waiting for the cluster to carry on");
                lostSince ??= started;
                if (DateTime.UtcNow - lostSince.Value > Patience)
                    throw new CryoMergeInputException("--cluster",
                        $"no silo of {cluster} has answered for {Patience.TotalMinutes:F0} min; " +
                        "the job resumes when a silo is back: " +
                        $"follow it with 'cryomerge status {jobId} --cluster ...'");
                await Task.Delay(RetryDelay, cancellationToken);
            }
        }
    }
}
