using CryoMerge.Cli.App;
using CryoMerge.Tests;

namespace CryoMerge.Cli.Tests;

public sealed class StartupJitProfileTests
{
    private static string Dll => Path.Combine(AppContext.BaseDirectory, "cryomerge.dll");
    private static readonly TimeSpan Generous = TimeSpan.FromMinutes(5);

    [Fact]
    public void TheProfileGoesUnderAnAbsoluteXdgCacheHomeElseUnderHomeDotCache()
    {
        string home = Path.Combine(Path.GetTempPath(), "home-of-someone");
        string cache = Path.Combine(Path.GetTempPath(), "xdg-cache");
        Assert.Equal(Path.Combine(cache, "cryomerge"),
            StartupJitProfile.Folder(Env(("XDG_CACHE_HOME", cache)), home));
        Assert.Equal(Path.Combine(home, ".cache", "cryomerge"), StartupJitProfile.Folder(Env(), home));
        // The XDG rule: a relative XDG_CACHE_HOME is ignored, so that the folder never depends on where a run started.
        Assert.Equal(Path.Combine(home, ".cache", "cryomerge"),
            StartupJitProfile.Folder(Env(("XDG_CACHE_HOME", "relative/cache")), home));
        Assert.Null(StartupJitProfile.Folder(Env(), home: null));
        Assert.Null(StartupJitProfile.Folder(Env(("XDG_CACHE_HOME", cache), ("CRYOMERGE_JIT_PROFILE", "off")), home));
    }

    [Fact]
    public void EveryProfiledNameIsACommand()
    {
        var commands = CryoMergeApp.BuildRoot(new CliConsole(TextWriter.Null, TextWriter.Null)).Subcommands
            .Select(c => c.Name).ToHashSet();
        Assert.All(StartupJitProfile.Commands, name => Assert.Contains(name, commands));
    }

    [Fact]
    public async Task ADemoRunLeavesItsProfileInTheCacheFolderAndNoneWhenTurnedOff()
    {
        using var dir = new TempDir();
        string on = dir.File("cache-on"), off = dir.File("cache-off");
        async Task Run(string cache, string output, params (string, string)[] more)
        {
            var environment = new Dictionary<string, string> { ["XDG_CACHE_HOME"] = cache };
            foreach (var (name, value) in more) environment[name] = value;
            using var demo = new ServerProcess("dotnet", [Dll, "demo", "--o", dir.File(output), "--micrographs", "2",
                "--particles", "5", "--mic-size", "256", "--box", "48", "--no-assess"], environment, dir.Path);
            int code = await demo.WaitForExitAsync(Generous);
            Assert.True(code == 0, demo.Output);
        }

        await Run(on, "demo-on");
        var profile = new FileInfo(Path.Combine(on, "cryomerge", "demo.jitprofile"));
        Assert.True(profile.Exists, "no profile written");
        Assert.True(profile.Length > 0);

        await Run(off, "demo-off", ("CRYOMERGE_JIT_PROFILE", "off"));
        Assert.False(Directory.Exists(off), "a profile folder was made although turned off");
    }

    private static Func<string, string?> Env(params (string Name, string Value)[] variables) =>
        name => variables.FirstOrDefault(v => v.Name == name).Value;
}
