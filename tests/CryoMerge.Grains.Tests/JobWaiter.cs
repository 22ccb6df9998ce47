namespace CryoMerge.Grains.Tests;

internal static class JobWaiter
{
    /// <summary>Polls the job until <paramref name="until"/> holds; calls that fail while the cluster reconfigures are
    /// retried.</summary>
    public static async Task<JobStatus> WaitAsync(IMergeJobGrain job, Func<JobStatus, bool> until, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        Exception? last = null;
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                var status = await job.GetStatusAsync();
                if (until(status)) return status;
                if (status.IsFinished) return status;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                last = e;   // the coordinator's silo was killed: the next call reactivates it elsewhere
            }
            await Task.Delay(100);
        }
        throw new TimeoutException(
            $"job did not reach the expected state in {timeout.TotalSeconds} s; last error: {last?.Message}");
    }

    public static Task<JobStatus> FinishedAsync(IMergeJobGrain job, TimeSpan timeout) => WaitAsync(job,
        s => s.IsFinished, timeout);
}
