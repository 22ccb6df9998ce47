using CryoMerge.Core.Plotting;
using CryoMerge.Core;
using CryoMerge.Core.Analysis;
using CryoMerge.Core.Imaging;
using CryoMerge.Core.Merging.Pipeline;
using Microsoft.Extensions.Options;

namespace CryoMerge.Grains.Workers;

/// <summary>
/// Runs work items on the thread pool, at most <see cref="WorkerOptions.MaxConcurrentItems"/> at a time per silo,
/// so that CPU-bound Core code never blocks the grain scheduler and concurrent grains do not oversubscribe the
/// cores. One instance per silo (a singleton in the silo's services).
/// </summary>
public sealed class WorkExecutor : IDisposable
{
    private readonly SemaphoreSlim _slots;
    private readonly WorkHandlers _handlers;
    private readonly IFftBackend _fft;
    private readonly IPlotRenderer? _plots;
    private readonly int _maxConcurrent;

    public WorkExecutor(IOptions<WorkerOptions> options, IFftBackend fft, WorkHandlers handlers,
        IPlotRenderer? plots = null)
    {
        _plots = plots;
        _maxConcurrent = options.Value.MaxConcurrentItems;
        _slots = new SemaphoreSlim(_maxConcurrent, _maxConcurrent);
        _handlers = handlers;
        _fft = fft;
    }

    /// <summary>Items running now on this silo.</summary>
    public int Running => _maxConcurrent - _slots.CurrentCount;

    /// <summary>Runs one item; the outcome is returned as data, never thrown, except for cancellation.</summary>
    public async Task<(WorkResult? Result, string? Error, bool IsInputError)> RunAsync(WorkItem item, int threads,
        CancellationToken cancellationToken)
    {
        await _slots.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var environment = new WorkEnvironment(_fft, threads > 0 ? threads : Math.Max(1,
                Environment.ProcessorCount), _plots);
            var result = await Task.Run(() => _handlers.Execute(item, environment, cancellationToken),
                cancellationToken).ConfigureAwait(false);
            return (result, null, false);
        }
        catch (CryoMergeInputException e)
        {
            return (null, e.Message, true);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception e)
        {
            return (null, $"{e.GetType().Name}: {e.Message}", false);
        }
        finally
        {
            _slots.Release();
        }
    }

    public void Dispose() => _slots.Dispose();
}
