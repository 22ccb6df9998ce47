using Microsoft.Extensions.Options;

namespace CryoMerge.Grains.Workers;

/// <summary>How much work one silo runs at once, and where its plans may read and write.</summary>
public sealed class WorkerOptions
{
    /// <summary>Default: one item per core; items use one FFT thread each when several run.</summary>
    public static int DefaultMaxConcurrentItems => Environment.ProcessorCount;

    /// <summary>Items running at the same time on this silo (CPU-bound work off the grain scheduler).</summary>
    public int MaxConcurrentItems { get; set; } = DefaultMaxConcurrentItems;

    /// <summary>Items one coordinator keeps in flight per silo of the cluster.</summary>
    public int InFlightPerSilo { get; set; } = 2 * DefaultMaxConcurrentItems;

    /// <summary>Longest time between checkpoints of a job's progress; a resumed job redoes at most this much work.</summary>
    public TimeSpan CheckpointInterval { get; set; } = TimeSpan.FromSeconds(2);

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
            return ValidateOptionsResult.Fail($"{nameof(WorkerOptions)}.{nameof(WorkerOptions.MaxConcurrentItems)} is {options.MaxConcurrentItems}; it must be between 1 and 1024");
        if (options.InFlightPerSilo is < 1 or > 4096)
            return ValidateOptionsResult.Fail($"{nameof(WorkerOptions)}.{nameof(WorkerOptions.InFlightPerSilo)} is {options.InFlightPerSilo}; it must be between 1 and 4096");
        if (options.MaxAttempts is < 1 or > 100)
            return ValidateOptionsResult.Fail($"{nameof(WorkerOptions)}.{nameof(WorkerOptions.MaxAttempts)} is {options.MaxAttempts}; it must be between 1 and 100");
        return ValidateOptionsResult.Success;
    }
}
