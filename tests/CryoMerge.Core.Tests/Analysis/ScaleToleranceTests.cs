using CryoMerge.Core.Analysis;

namespace CryoMerge.Core.Tests.Analysis;

public sealed class ScaleToleranceTests
{
    [Theory]
    [InlineData(0.9, 0.32)]
    [InlineData(0.5, 0.80)]
    [InlineData(0.143, 1.20)]
    public void TheLargestErrorForACorrelationIsTheKnownMultipleOfDOverD(double correlation, double multiple)
    {
        // science.md section 5: FSC 0.9 at e = 0.32 d/D, 0.5 at 0.8 d/D, 0.143 at 1.2 d/D.
        double e = ScaleTolerance.LargestError(200, 4, correlation);
        Assert.Equal(multiple, e / (4.0 / 200), 1);
        Assert.Equal(correlation, ScaleTolerance.Correlation(e, 200, 4), 6);
    }

    [Fact]
    public void TheFormFactorFallsFromOneToItsFirstZero()
    {
        Assert.Equal(1, ScaleTolerance.FormFactor(0), 12);
        Assert.Equal(0, ScaleTolerance.FormFactor(ScaleTolerance.FirstZero), 12);
        Assert.Equal(1 - 0.01 / 10, ScaleTolerance.FormFactor(0.1), 6);
        double previous = 1;
        for (double x = 0.05; x < ScaleTolerance.FirstZero; x += 0.05)
        {
            double f = ScaleTolerance.FormFactor(x);
            Assert.True(f < previous, $"not falling at x = {x}");
            previous = f;
        }
    }

    [Fact]
    public void TheAdviceAgreesWithThePapersSpliceosomeMerge()
    {
        // Wilkinson et al. 2019 (section 3, Fig. 6): a 1-2 MDa spliceosome (D about 250 A, science.md) at 3.7 A.
        // 0.884 vs 0.880 A (0.45 %) "almost identical"; 0.5-2 % acceptable, "only a small reduction" at 2.3 %;
        // 0.940 A (6.8 %, about 7 %) worse than either data set alone.
        const double d = 3.7, diameter = 250;
        Assert.True(ScaleTolerance.Correlation(0.0045, diameter, d) > 0.88);
        Assert.True(ScaleTolerance.VerdictFor(0.0045, diameter, d) <= ToleranceVerdict.Acceptable);
        Assert.Equal(ToleranceVerdict.Acceptable, ScaleTolerance.VerdictFor(0.005, diameter, d));
        Assert.Equal(ToleranceVerdict.Warning, ScaleTolerance.VerdictFor(0.02, diameter, d));
        Assert.Equal(ToleranceVerdict.Warning, ScaleTolerance.VerdictFor(0.023, diameter, d));
        Assert.Equal(ToleranceVerdict.TooLarge, ScaleTolerance.VerdictFor(0.068, diameter, d));
        Assert.Equal(ToleranceVerdict.TooLarge, ScaleTolerance.VerdictFor(0.07, diameter, d));
    }

    [Fact]
    public void AdviceGivesTheThresholdsInTermsOfDOverD()
    {
        var advice = ScaleTolerance.Advise(250, 3.7, 0.01);
        Assert.Equal(0.3 * 3.7 / 250, advice.AimAt, 12);
        Assert.Equal(3.7 / 250, advice.WarnAbove, 12);
        Assert.Equal(2 * 3.7 / 250, advice.RefuseAbove, 12);
        Assert.Equal([0.9, 0.5, 0.143], advice.LargestErrorAt.Select(l => l.Correlation));
        Assert.Equal(0.5, ScaleTolerance.Correlation(0.01, 250, advice.BestResolutionA!.Value), 6);
        Assert.Null(ScaleTolerance.Advise(250, 3.7).Verdict);
    }
}
