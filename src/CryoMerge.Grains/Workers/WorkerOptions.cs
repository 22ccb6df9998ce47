using Microsoft.Extensions.Options;

namespace CryoMerge.Grains.Workers;

/// <summary>
/// How much work one silo runs at once, where its plans may read and write, and how its job coordinators record
/// progress and resume.
/// </summary>
public sealed class WorkerOptions
{
    /// <summary>Default: one item per core; items use one FFT thread each when several run.</summary>
    public static int DefaultMaxConcurrentItems => Environment.ProcessorCount;

    /// <summary>Items running at the same time on this silo (CPU-bound work off the grain scheduler).</summary>
    public int MaxConcurrentItems { get; set; } = DefaultMaxConcurrentItems;

    /// <summary>Items one coordinator keeps in flight per silo of the cluster.</summary>
    public int InFlightPerSilo { get; set; } = 2 * DefaultMaxConcurrentItems;

    /// <summary>
    /// Period of the reminder that wakes a running job's coordinator: after its silo dies (once membership has declared
    /// it dead) or after the only silo restarts, the job resumes on a live silo within this time.
    /// </summary>
    public TimeSpan ResumeCheckPeriod { get; set; } = DefaultResumeCheckPeriod;

    /// <summary>Default <see cref="ResumeCheckPeriod"/>: 30 s.</summary>
    public static TimeSpan DefaultResumeCheckPeriod => TimeSpan.FromSeconds(30);

    /// <summary>
    /// How often a running job's coordinator says it is alive (a reader of the job store treats three missed beats as
    /// "no silo runs it").
    /// </summary>
    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Items finishing within this time of each other are told to a following client in one answer.</summary>
    public TimeSpan FollowerCoalescing { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>
    /// True when this silo's reminders outlive it (Redis or PostgreSQL): a job then resumes by itself after a crash.
    /// False for an embedded silo, whose in-memory reminders end with the process; its jobs resume when run again.
    /// </summary>
    public bool DurableReminders { get; set; }

    /// <summary>
    /// False on the embedded silo of <c>merge</c>: the process that runs a job is the only one that follows it, and
    /// it resumes the job by running its plan again, so a job registers no resume reminder (the silo has no reminder
    /// service). True on every silo of a cluster and on <c>serve</c>.
    /// </summary>
    public bool ResumeReminders { get; set; } = true;

    /// <summary>Attempts of an item before the job fails (a retry follows a silo failure or a timeout).</summary>
    public int MaxAttempts { get; set; } = 5;

    /// <summary>
    /// Folders this silo's plans may read and write (serve --data-root); the coordinator refuses a plan with an input
    /// or output outside all of them before any work. Empty: no restriction.
    /// </summary>
    public IReadOnlyList<string> DataRoots { get; set; } = [];
}

/// <summary>Start-up check of <see cref="WorkerOptions"/>, naming the option and the allowed range.</summary>
public sealed class WorkerOptionsValidator : IValidateOptions<WorkerOptions>
{
    public ValidateOptionsResult Validate(string? name, WorkerOptions options)
    {
        if (options.MaxConcurrentItems is < 1 or > 1024)
            return Fail(nameof(WorkerOptions.MaxConcurrentItems), options.MaxConcurrentItems, "1 and 1024");
        if (options.InFlightPerSilo is < 1 or > 4096)
            return Fail(nameof(WorkerOptions.InFlightPerSilo), options.InFlightPerSilo, "1 and 4096");
        if (options.ResumeCheckPeriod < TimeSpan.FromSeconds(1) || options.ResumeCheckPeriod > TimeSpan.FromHours(1))
            return Fail(nameof(WorkerOptions.ResumeCheckPeriod), options.ResumeCheckPeriod, "1 s and 1 h");
        var beat = options.HeartbeatInterval;
        if (beat < TimeSpan.FromSeconds(0.1) || beat > TimeSpan.FromMinutes(10))
            return Fail(nameof(WorkerOptions.HeartbeatInterval), options.HeartbeatInterval, "0.1 s and 10 min");
        if (options.FollowerCoalescing < TimeSpan.Zero || options.FollowerCoalescing > TimeSpan.FromSeconds(5))
            return Fail(nameof(WorkerOptions.FollowerCoalescing), options.FollowerCoalescing, "0 and 5 s");
        if (options.MaxAttempts is < 1 or > 100)
            return Fail(nameof(WorkerOptions.MaxAttempts), options.MaxAttempts, "1 and 100");
        return ValidateOptionsResult.Success;
    }

    private static ValidateOptionsResult Fail(string property, object value, string range) =>
        ValidateOptionsResult.Fail($"{nameof(WorkerOptions)}.{property} is {value}; it must be between {range}");
}
