using System.Runtime.ExceptionServices;

namespace CryoMerge.Core;

/// <summary>
/// Parallel loops wrap what their bodies throw in an <see cref="AggregateException"/>; a user's bad input found by one
/// worker must still reach the command line as itself (one line naming the file), not as a wrapped "internal error".
/// </summary>
public static class ParallelFailures
{
    /// <summary>Rethrows the first bad input, else the first failure that is not a cancellation, as itself.</summary>
    [System.Diagnostics.CodeAnalysis.DoesNotReturn]
    public static void Rethrow(AggregateException e)
    {
        var inner = e.Flatten().InnerExceptions;
        ExceptionDispatchInfo.Throw(inner.FirstOrDefault(x => x is CryoMergeInputException)
            ?? inner.FirstOrDefault(x => x is not OperationCanceledException) ?? inner[0]);
    }
}
