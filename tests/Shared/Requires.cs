using System.Diagnostics;

namespace CryoMerge.Tests;

/// <summary>
/// Tests that need RELION, python3-mrcfile or ../shared/data/real call these first. Under CI=true a missing
/// requirement fails the test (CI must install it); elsewhere the test is reported as skipped, with the reason.
/// </summary>
public static class Requires
{
    public static bool InCi => string.Equals(Environment.GetEnvironmentVariable("CI"), "true",
        StringComparison.OrdinalIgnoreCase);

    /// <summary>Debian's own python3, which has python3-mrcfile (a python3 earlier on PATH may not).</summary>
    public const string DebianPython = "/usr/bin/python3";

    public static void SharedData()
    {
        if (!Directory.Exists(TestFiles.Real)) Missing(
            $"the real test data folder {TestFiles.Real} (../shared beside the repository)");
    }

    public static void Relion(string program = "relion_image_handler")
    {
        if (FindOnPath(program) is null) Missing($"RELION's {program} (Debian package relion)");
    }

    public static void Mrcfile()
    {
        if (!File.Exists(DebianPython) || Tool.Run(DebianPython, ["-c", "import mrcfile"]).ExitCode != 0)
            Missing("python3-mrcfile under /usr/bin/python3 (Debian package python3-mrcfile)");
    }

    /// <summary>NumPy under /usr/bin/python3 (Debian package python3-numpy; python3-mrcfile depends on it).</summary>
    public static void Numpy()
    {
        if (!File.Exists(DebianPython) || Tool.Run(DebianPython, ["-c", "import numpy"]).ExitCode != 0)
            Missing("python3-numpy under /usr/bin/python3 (Debian package python3-numpy)");
    }

    public static void Program(string program, string package)
    {
        if (FindOnPath(program) is null) Missing($"{program} (Debian package {package})");
    }

    /// <summary>A file or folder that a Debian package installs (e.g. Go sources under /usr/share/gocode).</summary>
    public static void Installed(string path, string package)
    {
        if (!File.Exists(path) && !Directory.Exists(path)) Missing($"{path} (Debian package {package})");
    }

    /// <summary>Linux's /proc, named pipes and devices; CI runs on Linux, so there the test cannot skip.</summary>
    public static void Linux(string what)
    {
        if (!OperatingSystem.IsLinux() || !Directory.Exists("/proc/self")) Missing($"Linux ({what})");
    }

    /// <summary>
    /// That SIGINT reaches the programs a test starts. A test run started in the background by a shell without job
    /// control ignores SIGINT (SigIgn in /proc/self/status), every program it starts inherits that, and a Ctrl+C test
    /// would then fail for a reason that is not the program's.
    /// </summary>
    public static void SigintDelivered()
    {
        Linux("signal dispositions in /proc/self/status");
        string? ignored = File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith("SigIgn:",
            StringComparison.Ordinal));
        const ulong sigint = 1UL << (2 - 1);
        if (ignored is null || (Convert.ToUInt64(ignored["SigIgn:".Length..].Trim(), 16) & sigint) == 0) return;
        const string why = "this test run ignores SIGINT (it was started in the background by a shell without job " +
            "control), and so would every program it starts: run it in the foreground";
        if (InCi) Assert.Fail($"CI=true but {why}");
        Assert.Skip(why);
    }

    public static string? FindOnPath(string program)
    {
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator))
        {
            if (dir.Length == 0) continue;
            string candidate = Path.Combine(dir, program);
            if (File.Exists(candidate)) return candidate;
        }
        return null;
    }

    private static void Missing(string what)
    {
        if (InCi) Assert.Fail($"CI=true but {what} is missing: .ci/run must install it");
        Assert.Skip($"{what} is not available here");
    }
}

/// <summary>
/// Runs an external program (RELION, python, a cryomerge client) to its end and captures its output; it runs in a
/// process group of its own (<see cref="TestProcessGroup"/>), killed if it outlives its timeout.
/// </summary>
public static class Tool
{
    public sealed record Result(int ExitCode, string Stdout, string Stderr);

    public static Result Run(string program, IReadOnlyList<string> arguments, string? workingDirectory = null,
        int timeoutSeconds = 600)
    {
        var start = new ProcessStartInfo(program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Directory.GetCurrentDirectory(),
        };
        foreach (var a in arguments) start.ArgumentList.Add(a);
        using var process = TestProcessGroup.Start(start);
        try
        {
            process.StandardInput.Close();
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(timeoutSeconds * 1000))
            {
                TestProcessGroup.KillGroup(process);
                throw new TimeoutException($"{program} did not finish in {timeoutSeconds} s");
            }
            var result = new Result(process.ExitCode, stdout.Result, stderr.Result);
            TestProcessGroup.KillGroup(process);   // a child it left behind (e.g. a server a script started)
            return result;
        }
        finally
        {
            TestProcessGroup.Forget(process);
        }
    }
}

/// <summary>A temporary folder deleted at the end of a test.</summary>
public sealed class TempDir : IDisposable
{
    public TempDir() : this(System.IO.Path.GetTempPath())
    {
    }

    /// <summary>A fresh folder inside <paramref name="parent"/> (e.g. a silo's data root).</summary>
    public TempDir(string parent)
    {
        Path = System.IO.Path.Combine(parent, "cryomerge-test-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose()
    {
        try { Directory.Delete(Path, recursive: true); } catch (IOException) { }
    }
}
