using CryoMerge.Core.Analysis;
using CryoMerge.Core.Assessment;

namespace CryoMerge.Core.Tests.Assessment;

/// <summary>The numbers behind the verdicts, on made-up curves.</summary>
public sealed class AssessmentVerdictTests
{
    private static FscCurve Curve(Func<double, double> fsc, int shells = 33, double pixel = 1)
    {
        var frequency = Enumerable.Range(0, shells).Select(i => i / (2.0 * (shells - 1) * pixel)).ToArray();
        return new FscCurve(frequency.Select(fsc).ToArray(), frequency, new long[shells]);
    }

    private static double Falling(double s) => 1 / (1 + Math.Exp((s - 0.3) / 0.03));

    [Fact]
    public void MapsThatMeetTheirHalfMapsPredictionAgreeFully()
    {
        var half = Curve(Falling);
        var expected = MapAssessment.Expected(half, half);
        var cross = new FscCurve(expected, half.Frequency, half.Counts);
        Assert.Equal(1, MapAssessment.Agreement(cross, expected)!.Value, 9);
    }

    [Fact]
    public void ALossGrowingWithFrequencySquaredIsReadAtTheResolutionLimit()
    {
        var half = Curve(Falling);
        var expected = MapAssessment.Expected(half, half);
        const double c = 2.0;
        var lost = expected.Select((e, i) => e * (1 - c * half.Frequency[i] * half.Frequency[i])).ToArray();
        var cross = new FscCurve(lost, half.Frequency, half.Counts);
        int last = Enumerable.Range(1, expected.Length - 1).Last(i => expected[i] >= MapAssessment.FscThreshold);
        double limit = half.Frequency[last];
        Assert.Equal(1 - c * limit * limit, MapAssessment.Agreement(cross, expected)!.Value, 9);
        Assert.True(MapAssessment.Agreement(cross, expected) < 0.9);
    }

    [Fact]
    public void ExpectedFscIsTheProductOfTheMapsCorrelationsWithTheTruth()
    {
        // C_ref = sqrt(2 F / (1 + F)): 1/3 -> 0.7071, and a negative half-map FSC counts as none.
        var a = Curve(_ => 1.0 / 3);
        var b = Curve(s => s < 0.2 ? 1 : -0.1);
        var e = MapAssessment.Expected(a, b);
        Assert.Equal(Math.Sqrt(0.5), e[1], 9);
        Assert.Equal(0, e[^1]);
    }

    private static MapMeasurement Map(double resolution) =>
        new("m", AssessedMapKind.Merged, ["A"], 100, resolution, resolution, Curve(Falling));

    private static MapAgreement Agreement(double? value) => new("A", "B", true, Curve(Falling), [], value, 5);

    [Theory]
    [InlineData(4.0, 3.8, 0.99, AdditionVerdict.Helped)]
    [InlineData(4.0, 3.95, 0.99, AdditionVerdict.NoChange)]
    [InlineData(4.0, 4.05, 0.99, AdditionVerdict.NoChange)]
    [InlineData(4.0, 4.2, 0.99, AdditionVerdict.Hurt)]
    [InlineData(4.0, 3.5, 0.8, AdditionVerdict.Hurt)]
    public void VerdictsFollowTheStatedThresholds(double before, double now, double agreement, AdditionVerdict verdict)
    {
        var (v, reason) = MapAssessment.Judge(Map(now), Map(before), Agreement(agreement), new AssessmentThresholds());
        Assert.Equal(verdict, v);
        Assert.Contains(" -> ", reason);
        if (agreement < 0.9) Assert.Contains("wrong relative pixel size", reason);
    }

    [Fact]
    public void TheRosenthalHendersonLineGivesBFromItsSlope()
    {
        // 1/d^2 = a + (2 / B) ln N with B = 100: N = 1000 -> 4 A, so a = 1/16 - 0.02 ln 1000.
        double a = 1.0 / 16 - 0.02 * Math.Log(1000);
        double D(long n) => 1 / Math.Sqrt(a + 0.02 * Math.Log(n));
        var steps = new[] { 1000L, 3000L }
            .Select((n, i) => new AdditionStep(i + 1, $"S{i}", [], n, D(n), null, null, null, "")).ToList();
        var fit = MapAssessment.RosenthalHenderson(steps, 3000)!;
        Assert.Equal(100, fit.BFactor!.Value, 6);
        Assert.Equal(D(6000), fit.DoubledResolution!.Value, 6);
    }
}
