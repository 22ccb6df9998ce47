using CryoMerge.Core.Merging;
using CryoMerge.Tests;

namespace CryoMerge.Core.Tests.Merging;

/// <summary>Plan errors name the file, the line, the key and the nearest valid key, in YAML and JSON.</summary>
public sealed class MergePlanReaderTests
{
    private static CryoMergeInputException Refused(TempDir dir, string name, string text)
    {
        File.WriteAllText(dir.File("a.star"), "data_\nloop_\n_rlnImageName\n1@a.mrcs\n");
        File.WriteAllText(dir.File(name), text);
        var e = Assert.Throws<CryoMergeInputException>(() => MergePlanReader.Read(dir.File(name)));
        Assert.Equal(dir.File(name), e.File);
        Assert.DoesNotContain('\n', e.Problem);
        Assert.DoesNotContain("CryoMerge.", e.Problem);
        Assert.DoesNotContain("System.", e.Problem);
        return e;
    }

    [Fact]
    public void ATypoInAYamlKeyNamesItsLineAndTheNearestKey()
    {
        using var dir = new TempDir();
        var e = Refused(dir, "plan.yaml", "name: t\noutptu: merged\ndatasets:\n  - name: A\n    particles: a.star\n");
        Assert.StartsWith(
            "line 2: unknown key 'outptu' in the plan; did you mean 'output'? (keys: name, output, method,", e.Problem);
        e = Refused(dir, "plan.yaml",
            "output: merged\ndatasets:\n  - name: A\n    particles: a.star\n    pixelsize: 1.2\nextraction:\n  " +
            "widow: 100\n");
        Assert.StartsWith("line 5: unknown key 'pixelsize' in datasets[0]; did you mean 'pixelSize'?", e.Problem);
        e = Refused(dir, "plan.yaml", "output: merged\nextraction:\n  widow: 100\n");
        Assert.StartsWith("line 3: unknown key 'widow' in extraction; did you mean 'window'?", e.Problem);
    }

    [Fact]
    public void ATypoInAJsonKeyNamesItsLineToo()
    {
        using var dir = new TempDir();
        var e = Refused(dir, "plan.json",
            "{\n  \"output\": \"merged\",\n  \"datasets\": [\n    { \"name\": \"A\", \"particles\": \"a.star\" },\n  " +
            "  { \"name\": \"B\",\n      \"nominalPixelSze\": 1.3 }\n  ]\n}\n");
        Assert.StartsWith("line 6: unknown key 'nominalPixelSze' in datasets[1]; did you mean 'nominalPixelSize'?",
            e.Problem);
    }

    [Theory]
    [InlineData("plan.yaml", "output: merged\nmethod: two\n", "line 2: 'method' must be a whole number, not 'two'")]
    [InlineData("plan.yaml", "output: merged\nparticleDiameter: big\n",
        "line 2: 'particleDiameter' must be a number, not 'big'")]
    [InlineData("plan.yaml", "output: merged\ndatasets: A\n", "line 2: 'datasets' must be a list, not 'A'")]
    [InlineData("plan.yaml", "output: merged\nextraction:\n  invert: maybe\n",
        "line 3: 'extraction.invert' must be true or false, not 'maybe'")]
    [InlineData("plan.json", "{\n  \"output\": \"merged\",\n  \"method\": \"two\"\n}",
        "line 3: 'method' must be a whole number, not 'two'")]
    [InlineData("plan.json", "{\n  \"output\": \"merged\"\n  \"method\": 2\n}", "line 3: not valid JSON: ")]
    [InlineData("plan.yaml", "output: [merged\nmethod: 2\n", "line 1: not valid YAML")]
    [InlineData("plan.yaml", "- a\n- b\n", "line 1: a plan is a mapping of keys (name, output,")]
    public void AValueOfTheWrongKindIsNamedWithItsLine(string name, string text, string problem)
    {
        using var dir = new TempDir();
        Assert.StartsWith(problem, Refused(dir, name, text).Problem);
    }

    [Theory]
    [InlineData("..")]
    [InlineData(".")]
    [InlineData("a/b")]
    public void ADataSetNameThatIsNotAFolderNameIsRefused(string bad)
    {
        using var dir = new TempDir();
        var e = Refused(dir, "plan.yaml",
            $"output: merged\nmethod: 3\ndatasets:\n  - name: \"{bad}\"\n    particles: a.star\n    pixelSize: 1\n  " +
            $"- name: B\n    particles: a.star\n    pixelSize: 1.1\n");
        Assert.StartsWith($"line 4: data set name '{bad}' may not contain", e.Problem);
    }

    [Fact]
    public void ASemanticProblemNamesTheLineOfItsKey()
    {
        using var dir = new TempDir();
        var e = Refused(dir, "plan.yaml",
            "output: merged\nmethod: 3\ndatasets:\n  - name: A\n    particles: a.star\n    pixelSize: -1.2\n  - " +
            "name: B\n    particles: a.star\n    pixelSize: 1.1\n");
        Assert.Equal("line 6: datasets[A].pixelSize must be a positive number of A, not -1.2", e.Problem);
    }
}
