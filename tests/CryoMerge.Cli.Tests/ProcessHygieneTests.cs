using CryoMerge.Tests;

namespace CryoMerge.Cli.Tests;

/// <summary>
/// Issue 21's test hygiene: a process a test starts through the helpers (ServerProcess, LoopbackCluster) is gone,
/// children included, however the test ends; and the run's last check (.ci/leaked-processes) names and kills what is
/// left of its own run and nothing else.
/// </summary>
public sealed class ProcessHygieneTests
{
    private static readonly TimeSpan Generous = TimeSpan.FromMinutes(5);

    /// <summary>A shell that starts a child and waits for it: "child PID" on its output.</summary>
    private static ServerProcess ShellWithChild() =>
        new("bash", ["-c", "sleep 600 & echo \"child $!\"; wait"]);

    private static async Task<(ProcessTable.Entry Shell, ProcessTable.Entry Child)> PidsOf(ServerProcess shell)
    {
        await shell.WaitForAsync("child ", Generous);
        int child = int.Parse(shell.Output.Split('\n').Single(l => l.StartsWith("child ")).Split(' ')[1]);
        var entries = (ProcessTable.Of(shell.Id), ProcessTable.Of(child));
        Assert.True(entries.Item1.IsAlive && entries.Item2.IsAlive, "the shell or its child is not running");
        return entries;
    }

    [Fact]
    public async Task KillingAProcessKillsTheChildrenItStartedToo()
    {
        Requires.Program("setsid", "util-linux");   // a process group of its own
        using var shell = ShellWithChild();
        var (parent, child) = await PidsOf(shell);
        shell.Kill();   // SIGKILL: the shell cannot pass anything on to its child
        Assert.False(parent.IsAlive, "the killed process is still running");
        await child.AssertEndsAsync("the child of a killed process");
    }

    [Fact]
    public async Task AFailureInsideAHandlesScopeLeavesNoProcessOfItsGroup()
    {
        Requires.Program("setsid", "util-linux");   // a process group of its own
        (ProcessTable.Entry Shell, ProcessTable.Entry Child) pids = default;
        var thrown = await Assert.ThrowsAsync<InvalidOperationException>(async () =>
        {
            using var shell = ShellWithChild();
            pids = await PidsOf(shell);
            throw new InvalidOperationException("an assertion failed");
        });
        Assert.Equal("an assertion failed", thrown.Message);
        await pids.Shell.AssertEndsAsync("the process");
        await pids.Child.AssertEndsAsync("its child");
    }

    /// <summary>
    /// What leaked from FailoverTests: a silo started without 'using' and a test failing before it disposed it; the
    /// cluster stopped Redis and left the silo running. The cluster now owns its silos and stops them first.
    /// </summary>
    [Fact]
    public async Task ASiloIsStoppedWithItsClusterWhenTheTestFailsBeforeDisposingIt()
    {
        Requires.Program("redis-server", "redis-server");
        using var dir = new TempDir();
        ProcessTable.Entry silo = default, redis = default;
        await Assert.ThrowsAsync<TimeoutException>(async () =>
        {
            using var cluster = await LoopbackCluster.StartAsync(dir.Path);
            var started = await cluster.StartSiloAsync("silo-a");   // no 'using', as the test that leaked
            (silo, redis) = (ProcessTable.Of(started.Id), ProcessTable.Of(cluster.RedisId));
            Assert.True(silo.IsAlive && redis.IsAlive);
            throw new TimeoutException("the job did not reach its extraction");
        });
        Assert.False(silo.IsAlive, "the silo outlived its cluster");
        Assert.False(redis.IsAlive, "redis-server outlived its cluster");
        Assert.DoesNotContain(TestProcessGroup.Listed, p => p.Id == silo.Pid || p.Id == redis.Pid);
    }

    [Fact]
    public async Task TheRunsLastCheckNamesAndKillsOnlyWhatItsRunStarted()
    {
        Requires.Linux("/proc/PID/environ");
        string run = "hygiene-" + Guid.NewGuid().ToString("N")[..12];
        string script = Path.Combine(TestFiles.RepositoryRoot, ".ci", "leaked-processes");
        // The same program twice: one marked as started in run 'run', the other in another run (someone else's).
        using var ours = new ServerProcess("env", [$"{TestProcessGroup.MarkerVariable}={run}", "sleep", "601"]);
        using var theirs = new ServerProcess("env", [$"{TestProcessGroup.MarkerVariable}={run}x", "sleep", "601"]);
        var (mine, other) = (ProcessTable.Of(ours.Id), ProcessTable.Of(theirs.Id));
        await mine.AssertMarkedAsync(run);
        await other.AssertMarkedAsync(run + "x");

        var check = Tool.Run("bash", [script, run], timeoutSeconds: 300);
        Assert.True(check.ExitCode == 1, $"exit code {check.ExitCode}:\n{check.Stderr}");
        Assert.Contains($"pid {mine.Pid}: sleep 601", check.Stderr);
        Assert.DoesNotContain($"pid {other.Pid}:", check.Stderr);
        await mine.AssertEndsAsync("the leaked process");
        Assert.True(other.IsAlive, "the check killed a process of another run");

        var again = Tool.Run("bash", [script, run], timeoutSeconds: 300);
        Assert.True(again.ExitCode == 0, $"nothing is left, yet exit code {again.ExitCode}:\n{again.Stderr}");
    }
}
