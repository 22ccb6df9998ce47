using CryoMerge.Core.Plotting;
using CryoMerge.Core.Analysis;
using CryoMerge.Core.Imaging;

namespace CryoMerge.Core.Merging.Pipeline;

/// <summary>
/// What a node offers the work it runs: the FFT backend, how many threads one item may use, and a plot renderer
/// (none: numbers only).
/// </summary>
public sealed record WorkEnvironment(IFftBackend Fft, int ThreadsPerItem = 1, IPlotRenderer? Plots = null);

/// <summary>Runs the work items of one kind; a <see cref="WorkKind"/>, or a test's wrapper around one.</summary>
public interface IWorkHandler
{
    /// <summary>The <see cref="WorkItem.Kind"/> this handler runs.</summary>
    string Name { get; }

    WorkResult Execute(WorkItem item, WorkEnvironment environment, CancellationToken cancellationToken);
}

/// <summary>Handlers found by kind; <c>MergeStages.Handlers</c> has every kind the merge's stages declare.</summary>
public sealed class WorkHandlers
{
    private readonly Dictionary<string, IWorkHandler> _byKind = new(StringComparer.Ordinal);

    public WorkHandlers(IEnumerable<IWorkHandler> handlers)
    {
        foreach (var h in handlers) _byKind.Add(h.Name, h);
    }

    /// <summary>Every registered handler.</summary>
    public IEnumerable<IWorkHandler> All => _byKind.Values;

    public IWorkHandler Find(string kind) =>
        _byKind.TryGetValue(kind, out var h)
            ? h
            : throw new InvalidOperationException($"no handler for work kind '{kind}'");

    public WorkResult Execute(WorkItem item, WorkEnvironment environment, CancellationToken cancellationToken) =>
        Find(item.Kind).Execute(item, environment, cancellationToken);
}
