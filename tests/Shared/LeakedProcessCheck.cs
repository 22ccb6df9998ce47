[assembly: Xunit.AssemblyFixture(typeof(CryoMerge.Tests.LeakedProcessCheck))]

namespace CryoMerge.Tests;

/// <summary>
/// When every test of the assembly has ended: a process a helper started and nobody disposed is killed with its group,
/// and the run fails naming its command line (an assembly cleanup failure), so that a leak is seen where it happens.
/// </summary>
public sealed class LeakedProcessCheck : IDisposable
{
    public void Dispose()
    {
        var leaked = TestProcessGroup.KillAll(TestProcessGroup.Listed.Where(p => !HasExited(p)));
        TestProcessGroup.KillAll(TestProcessGroup.Listed);   // ended by themselves but never disposed: just forgotten
        if (leaked.Count > 0)
            throw new InvalidOperationException(
                "processes started by tests were still running at the end of the run (now killed):\n  " +
                string.Join("\n  ", leaked));
    }

    private static bool HasExited(System.Diagnostics.Process process)
    {
        try { return process.HasExited; }
        catch (InvalidOperationException) { return true; }
    }
}
