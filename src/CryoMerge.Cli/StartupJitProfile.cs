using System.Runtime;

namespace CryoMerge.Cli;

/// <summary>
/// .NET's multi-core JIT for the commands that start a silo or a cluster client. The ReadyToRun image does not hold
/// every method: generic code over Orleans' and our types (about 900 methods in a merge) is compiled when first
/// called, much of it on the way of the silo's start, the first grain calls and the stop. Each run records those
/// methods in a profile under the user's cache folder (a few hundred KB per command), and the next run compiles them
/// on an idle core ahead of use: a fresh `cryomerge merge` of the demo data finishes about 0.12 s sooner. Without a
/// writable cache folder, or with CRYOMERGE_JIT_PROFILE=off, a run compiles as it goes, as before. Processes of one
/// command that end together (the silos of a test cluster) may leave one profile torn: the runtime checks a profile's
/// records as it plays them and stops at one it cannot read, so the cost is that run's head start, not its result.
/// </summary>
internal static class StartupJitProfile
{
    /// <summary>The commands that start a silo or connect to a cluster.</summary>
    internal static readonly string[] Commands = ["merge", "demo", "reconstruct", "serve", "status"];

    public static void Start(string[] args)
    {
        if (args.Length == 0 || !Commands.Contains(args[0])) return;
        if (Folder(Environment.GetEnvironmentVariable, Environment.GetFolderPath(Environment.SpecialFolder.UserProfile))
            is not string folder) return;
        try
        {
            Directory.CreateDirectory(folder);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return;
        }
        ProfileOptimization.SetProfileRoot(folder);
        ProfileOptimization.StartProfile($"{args[0]}.jitprofile");
    }

    /// <summary>
    /// The profile folder: $XDG_CACHE_HOME/cryomerge when that is an absolute path (the XDG rule), else
    /// HOME/.cache/cryomerge; null when CRYOMERGE_JIT_PROFILE is "off" or there is no home folder.
    /// </summary>
    internal static string? Folder(Func<string, string?> environment, string? home)
    {
        if (string.Equals(environment("CRYOMERGE_JIT_PROFILE"), "off", StringComparison.OrdinalIgnoreCase)) return null;
        string? cache = environment("XDG_CACHE_HOME");
        if (string.IsNullOrEmpty(cache) || !Path.IsPathRooted(cache))
        {
            if (string.IsNullOrEmpty(home)) return null;
            cache = Path.Combine(home, ".cache");
        }
        return Path.Combine(cache, "cryomerge");
    }
}
