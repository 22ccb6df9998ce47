using CryoMerge.Core.Merging;
using CryoMerge.Core.Merging.Stages;
using CryoMerge.Tests;

namespace CryoMerge.Core.Tests.Assessment;

/// <summary>The plan's <c>assess</c> section: read, checked, and the assessment's stages last.</summary>
public sealed class AssessmentPlanTests
{
    private const string Relabel = "output: merged\nmethod: 3\ndatasets:\n"
        + "  - name: A\n    particles: a.star\n    pixelSize: 1\n"
        + "  - name: B\n    particles: a.star\n    pixelSize: 1.1\n";

    private static MergePlan Read(TempDir dir, string text)
    {
        File.WriteAllText(dir.File("a.star"), "data_\nloop_\n_rlnImageName\n1@a.mrcs\n");
        File.WriteAllText(dir.File("plan.yaml"), text);
        return MergePlanReader.Read(dir.File("plan.yaml"));
    }

    [Fact]
    public void WithoutTheSectionThereIsNoAssessmentAndWithItTheAssessmentStagesComeLast()
    {
        using var dir = new TempDir();
        var plain = Read(dir, Relabel);
        Assert.Null(plain.Assess);
        Assert.DoesNotContain(MergeStages.For(plain), s => s is AssessStage);
        var plan = Read(dir, Relabel + "assess:\n  ctf: true\n");
        Assert.Equal(new AssessmentPlan(), plan.Assess);
        Assert.IsType<AssessStage>(MergeStages.For(plan)[^1]);
        Assert.IsType<SummaryStage>(MergeStages.For(plan)[^(MergeStages.Assessment.Count + 1)]);
        // Every kind of the assessment is known to the nodes.
        Assert.Contains(MergeStages.Kinds, k => k.Name == "assess-prepare");
    }

    [Fact]
    public void ThresholdsAreReadInTheirStatedUnitsAndTheMaskRelativeToThePlan()
    {
        using var dir = new TempDir();
        File.WriteAllText(dir.File("mask.mrc"), "");
        var plan = Read(dir,
            Relabel + "assess:\n  mask: mask.mrc\n  skipGridding: true\n  resolutionChange: 5\n"
            + "  minimumAgreement: 0.8\n");
        Assert.Equal(new AssessmentPlan(dir.File("mask.mrc"), true, true, 0.05, 0.8), plan.Assess);
    }

    [Theory]
    [InlineData("assess:\n  masc: m.mrc\n", "line 11: unknown key 'masc' in assess; did you mean 'mask'?")]
    [InlineData("assess:\n  mask: missing.mrc\n", "line 11: assess.mask: ")]
    [InlineData("assess:\n  minimumAgreement: 2\n", "line 11: assess.minimumAgreement must be 0 to 1, not 2")]
    [InlineData("assess:\n  resolutionChange: -1\n", "line 11: assess.resolutionChange must be 0 to 100 (%), not -1")]
    public void ABadAssessKeyIsNamedWithItsLine(string section, string problem)
    {
        using var dir = new TempDir();
        var e = Assert.Throws<CryoMergeInputException>(() => Read(dir, Relabel + section));
        Assert.StartsWith(problem, e.Problem);
    }
}
