using CryoMerge.Core;
using CryoMerge.Grains.Workers;
using Microsoft.Extensions.Logging;
using Orleans.Runtime;

namespace CryoMerge.Grains.Jobs;

public sealed partial class MergeJobGrain
{
    private const string ResumeReminder = "resume";

    private IGrainTimer? _heartbeat;
    private Task _beat = Task.CompletedTask;
    private bool _reminderRegistered;
    private bool _reminderWarned;

    /// <summary>
    /// The reminder fires on a live silo every <see cref="Workers.WorkerOptions.ResumeCheckPeriod"/>: while the job
    /// runs, its activation is there already and this costs nothing; after the silo that ran it died, this call
    /// activates the job on a survivor, which resumes it (<see cref="OnActivateAsync"/>). Once the job has ended the
    /// reminder is removed.
    /// </summary>
    async Task IRemindable.ReceiveReminder(string reminderName, TickStatus status)
    {
        if (reminderName != ResumeReminder) return;
        if (S.State == JobState.Running) StartLoop();
        else await UnregisterReminderAsync();
    }

    private async Task EnsureReminderAsync()
    {
        if (_reminderRegistered || !options.Value.ResumeReminders) return;
        try
        {
            var period = options.Value.ResumeCheckPeriod;
            await this.RegisterOrUpdateReminder(ResumeReminder, period, period);
            _reminderRegistered = true;
        }
        catch (Exception e)
        {
            // The job runs on; the heartbeat tries again. Without the reminder only a caller would resume it after a
            // crash.
            if (!_reminderWarned)
                logger.LogWarning("Merge job {JobId}: cannot register its resume reminder yet: {Message}",
                    S.JobId, e.Message);
            _reminderWarned = true;
        }
    }

    private async Task UnregisterReminderAsync()
    {
        if (!options.Value.ResumeReminders) return;
        try
        {
            if (await this.GetReminder(ResumeReminder) is { } reminder) await this.UnregisterReminder(reminder);
            _reminderRegistered = false;
        }
        catch (Exception e)
        {
            // The next tick finds the job ended and tries again.
            logger.LogInformation("Merge job {JobId}: cannot unregister its reminder now: {Message}",
                S.JobId, e.Message);
        }
    }

    /// <summary>
    /// The running stage's finished items from the journal (and from state files of earlier versions).
    /// </summary>
    private async Task LoadJournalAsync(CancellationToken cancellationToken)
    {
        if (S.RunId.Length == 0) S.RunId = Guid.NewGuid().ToString("N");
        foreach (var (id, response) in S.DoneItems) Add(response);
        if (S.StageName.Length == 0) return;   // the stage was not planned yet: nothing finished in it
        foreach (var entry in await journal.ReadAsync(S.JobId, S.RunId, S.StageIndex, cancellationToken))
        {
            Add(entry.Response);
            if (entry.DoneUtc > _lastProgressUtc) _lastProgressUtc = entry.DoneUtc;
        }

        void Add(WorkItemResponse response)
        {
            if (_done.TryAdd(response.ItemId, response))
                _workBySilo[response.Silo] = _workBySilo.GetValueOrDefault(response.Silo) + 1;
        }
    }

    /// <summary>
    /// Says every <see cref="Workers.WorkerOptions.HeartbeatInterval"/> that this silo runs the job; keeps the
    /// activation alive meanwhile.
    /// </summary>
    private void StartHeartbeat()
    {
        if (_heartbeat is not null) return;
        var interval = options.Value.HeartbeatInterval;
        _heartbeat = this.RegisterGrainTimer(() =>
        {
            if (_beat.IsCompleted) _beat = BeatAsync(interval);
            return Task.CompletedTask;
        }, new GrainTimerCreationOptions
        {
            DueTime = TimeSpan.Zero, Period = interval, Interleave = true, KeepAlive = true,
        });
    }

    private async Task BeatAsync(TimeSpan interval)
    {
        if (S.State != JobState.Running || _loop is null or { IsCompleted: true }) return;
        var now = DateTimeOffset.UtcNow;
        try
        {
            bool durable = options.Value.DurableReminders;
            var beat = new JobHeartbeat(silo.Name, now, now + 3 * interval, _lastProgressUtc, durable);
            await journal.BeatAsync(S.JobId, beat);
        }
        catch (Exception e)
        {
            logger.LogWarning("Merge job {JobId}: cannot write its heartbeat: {Message}", S.JobId, e.Message);
        }
        await EnsureReminderAsync();
    }

    private async Task StopHeartbeatAsync()
    {
        _heartbeat?.Dispose();
        _heartbeat = null;
        await _beat;
    }

    /// <summary>
    /// Deletes the temporary files in the job's output folder that silos no longer alive left there (items cut short
    /// by a crash). Files of live silos may belong to a write under way (an item still running) and stay.
    /// </summary>
    private void DeleteLeftoversOfDeadSilos(string outputFolder)
    {
        var alive = membership.CurrentSnapshot.Members.Values
            .Where(m => m.Status is not (SiloStatus.Dead or SiloStatus.None))
            .Select(m => SiloWriters.Token(m.SiloAddress))
            .ToHashSet(StringComparer.Ordinal);
        try
        {
            int deleted = TemporaryFileSweep.DeleteLeftovers(outputFolder, writer => !alive.Contains(writer));
            if (deleted > 0)
                logger.LogInformation("Merge job {JobId}: deleted {Count} temporary files left by silos that died",
                    S.JobId, deleted);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            logger.LogWarning("Merge job {JobId}: cannot clean its output folder of temporary files: {Message}",
                S.JobId, e.Message);
        }
    }
}
