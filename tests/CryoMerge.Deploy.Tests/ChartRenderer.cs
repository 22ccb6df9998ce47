using CryoMerge.Tests;

namespace CryoMerge.Deploy.Tests;

/// <summary>
/// tools/chart-render (our stand-in for `helm template`), built once per test run with Debian's Go in GOPATH mode
/// against Debian's sprig and yaml.v3, and run on helm/cryomerge or on a chart a test writes.
/// </summary>
internal static class ChartRenderer
{
    public const string GoPath = "/usr/share/gocode";

    public static string ChartDirectory => Path.Combine(TestFiles.RepositoryRoot, "helm", "cryomerge");

    public static string ValuesFile(string name) => Path.Combine(TestFiles.RepositoryRoot, "tests",
        "CryoMerge.Deploy.Tests", "values", name);

    private static readonly Lazy<string> Binary = new(Build);

    /// <summary>Skips (or fails under CI) when Go or the Go packages are missing, then returns the built
    /// renderer.</summary>
    public static string Require()
    {
        Requires.Program("go", "golang-go");
        Requires.Installed(Path.Combine(GoPath, "src", "github.com", "Masterminds", "sprig"),
            "golang-github-masterminds-sprig-dev");
        Requires.Installed(Path.Combine(GoPath, "src", "gopkg.in", "yaml.v3"), "golang-gopkg-yaml.v3-dev");
        return Binary.Value;
    }

    private static string Build()
    {
        string output = Path.Combine(AppContext.BaseDirectory, "chart-render");
        var env = new List<string> { $"GOPATH={GoPath}", "GO111MODULE=off", "GOFLAGS=" };
        if (string.IsNullOrEmpty(Environment.GetEnvironmentVariable("HOME"))
            && string.IsNullOrEmpty(Environment.GetEnvironmentVariable("GOCACHE")))
            env.Add($"GOCACHE={Path.Combine(Path.GetTempPath(), "cryomerge-go-cache")}");
        var result = Tool.Run("env", [.. env, "go", "build", "-o", output, "./tools/chart-render"],
            TestFiles.RepositoryRoot, timeoutSeconds: 1800);
        if (result.ExitCode
            != 0) throw new InvalidOperationException($"go build of tools/chart-render failed:\n{result.Stderr}");
        return output;
    }

    /// <summary>Runs the renderer with <paramref name="arguments"/> followed by the chart folder.</summary>
    public static Tool.Result Run(string chartDirectory, params string[] arguments) =>
        Tool.Run(Require(), [.. arguments, chartDirectory]);

    /// <summary>Renders helm/cryomerge as release "cryo" in namespace "em"; fails the test on a render error.</summary>
    public static RenderedChart Render(params string[] arguments)
    {
        var result = Run(ChartDirectory, ["--name", "cryo", "--namespace", "em", .. arguments]);
        Assert.True(result.ExitCode == 0, $"chart-render {string.Join(' ', arguments)} failed:\n{result.Stderr}");
        return new RenderedChart(result.Stdout);
    }

    public static RenderedChart RenderDefault() => Render();

    public static RenderedChart RenderNonDefault() => Render("-f", ValuesFile("nondefault.yaml"));
}
