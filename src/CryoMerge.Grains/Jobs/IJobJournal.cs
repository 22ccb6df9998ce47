namespace CryoMerge.Grains.Jobs;

/// <summary>
/// One finished work item as the journal keeps it: the worker's response and when the coordinator recorded it.
/// </summary>
public sealed record JournalEntry(WorkItemResponse Response, DateTimeOffset DoneUtc);

/// <summary>
/// Who runs a job now, written by its coordinator every few seconds while its loop runs. A reader that finds
/// <see cref="StaleAfterUtc"/> passed knows that no silo runs the job any more (its silo stopped or died).
/// </summary>
/// <param name="Silo">Name of the silo whose coordinator wrote it.</param>
/// <param name="LastProgressUtc">The job's last progress (an item done, a stage started).</param>
/// <param name="ResumesByItself">True on a cluster with durable reminders: another silo takes the job over by itself;
/// false on an embedded silo, whose job resumes when its plan is run again.</param>
public sealed record JobHeartbeat(
    string Silo,
    DateTimeOffset WrittenUtc,
    DateTimeOffset StaleAfterUtc,
    DateTimeOffset LastProgressUtc,
    bool ResumesByItself);

/// <summary>
/// The part of a job's record that grows with the job, kept apart from its state so that recording a finished item
/// costs the same at any job size: one append-only journal per stage of a run (a line per finished item, appended
/// as items finish), next to the job's state on the same shared storage, plus the job's heartbeat. The state itself
/// is rewritten only when a stage starts and when the job ends.
/// </summary>
/// <remarks>
/// <paramref name="run"/> names one start of the job (a restart begins a new run), so that lines of an earlier run are
/// never mistaken for this one's.
/// </remarks>
public interface IJobJournal
{
    /// <summary>Appends finished items of a stage; returns once they are on storage (a new reader sees them).</summary>
    Task AppendAsync(
        string jobId, string run, int stage, IReadOnlyList<JournalEntry> entries, CancellationToken cancel = default);

    /// <summary>
    /// The stage's finished items in the order recorded; an item recorded twice (two activations ran it) appears
    /// twice, and the first counts. A line cut short by a crash is ignored.
    /// </summary>
    Task<IReadOnlyList<JournalEntry>> ReadAsync(
        string jobId, string run, int stage, CancellationToken cancel = default);

    /// <summary>
    /// Deletes the journals of other runs and of stages before <paramref name="fromStage"/>; with a null run, all of
    /// the job's journals.
    /// </summary>
    Task ForgetAsync(string jobId, string? run, int fromStage, CancellationToken cancel = default);

    /// <summary>Replaces the job's heartbeat.</summary>
    Task BeatAsync(string jobId, JobHeartbeat beat, CancellationToken cancel = default);
}
