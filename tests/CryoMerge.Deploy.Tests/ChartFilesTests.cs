using System.Text.RegularExpressions;
using System.Xml.Linq;
using CryoMerge.Tests;

namespace CryoMerge.Deploy.Tests;

/// <summary>The chart's own files: documented values, and one version for chart, image and compose.</summary>
public sealed partial class ChartFilesTests
{
    /// <summary>
    /// Every key in values.yaml has a comment on the line above it, or belongs to a value documented as a whole
    /// ("# -- ..." above a map such as resources or a probe, whose keys are Kubernetes' own).
    /// </summary>
    [Fact]
    public void EveryValueInValuesYamlIsDocumented()
    {
        var lines = File.ReadAllLines(Path.Combine(ChartRenderer.ChartDirectory, "values.yaml"));
        var open = new Stack<(int Indent, bool WholeValue)>();
        var undocumented = new List<string>();
        for (int i = 0; i < lines.Length; i++)
        {
            var key = KeyLine().Match(lines[i]);
            if (!key.Success) continue;
            int indent = key.Groups[1].Value.Length;
            while (open.Count > 0 && open.Peek().Indent >= indent) open.Pop();
            // The comment block right above the key, read from its first line.
            int first = i;
            while (first > 0 && lines[first - 1].TrimStart().StartsWith('#')) first--;
            bool commented = first < i;
            bool insideWholeValue = open.Any(o => o.WholeValue);
            if (!commented && !insideWholeValue) undocumented.Add($"line {i + 1}: {lines[i].Trim()}");
            open.Push((indent, commented && lines[first].TrimStart().StartsWith("# --",
                StringComparison.Ordinal) || insideWholeValue));
        }
        Assert.True(undocumented.Count == 0, "values without a comment:\n" + string.Join('\n', undocumented));
        Assert.True(lines.Count(l => KeyLine().IsMatch(l)) > 50);
    }

    [Fact]
    public void ChartImageAndComposeRunTheVersionThisRepositoryBuilds()
    {
        string version = XDocument.Load(Path.Combine(TestFiles.RepositoryRoot,
            "Directory.Build.props")).Descendants("Version").Single().Value;
        string chart = File.ReadAllText(Path.Combine(ChartRenderer.ChartDirectory, "Chart.yaml"));
        Assert.Contains($"appVersion: \"{version}\"", chart);
        Assert.Contains($"image: ${{CRYOMERGE_IMAGE:-cryomerge:{version}}}",
            File.ReadAllText(Path.Combine(TestFiles.RepositoryRoot, "deploy", "compose.yaml")));
        Assert.Contains($"-t cryomerge:{version} .", File.ReadAllText(Path.Combine(TestFiles.RepositoryRoot, "deploy",
            "Dockerfile")));
        Assert.Equal($"cryomerge:{version}", (string)ChartRenderer.RenderDefault().SiloContainer["image"]!);
    }

    [GeneratedRegex(@"^(\s*)[A-Za-z][A-Za-z0-9_-]*:")]
    private static partial Regex KeyLine();
}
