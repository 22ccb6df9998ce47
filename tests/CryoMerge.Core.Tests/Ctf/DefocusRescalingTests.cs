using CryoMerge.Core.Ctf;

namespace CryoMerge.Core.Tests.Ctf;

public sealed class DefocusRescalingTests
{
    [Fact]
    public void PaperConstantReproducesScaleCtfForThePapersExample()
    {
        // The paper (section 2.3.2): 0.900 -> 0.880 A, Cs 2.7 mm, 300 kV prints "Defocus scaled by 0.956049 plus a
        // constant correction of -14.602555"; the script subtracts it, so 20000 A becomes 19135.59 A.
        var change = DefocusRescaling.PaperConstant(0.900, 0.880, 2.7, 300);
        Assert.Equal(0.956049, DefocusRescaling.PaperPrintedFactor(0.900, 0.880), 6);
        Assert.Equal(14.602555, change.Constant, 6);
        Assert.Equal(19135.59, change.Apply(20000), 2);
    }

    [Fact]
    public void PaperConstantIsTheBandFormulaWithOneOverKFixedAt568AngstromInOldPixelUnits()
    {
        double r = 0.880 / 0.900;
        double lambda = 0.0197;
        double kNew = 1 / (DefocusRescaling.PaperResolution * r);
        double expected = 0.5 * 2.7e7 * lambda * lambda * (1 - Math.Pow(r, 4)) * kNew * kNew;
        Assert.Equal(expected, DefocusRescaling.PaperConstant(0.900, 0.880, 2.7, 300).Constant, 2);
    }

    [Theory]
    [InlineData(BandWeighting.Uniform)]
    [InlineData(BandWeighting.Ring)]
    public void EffectiveFrequencyMatchesANumericalSumOverTheBand(BandWeighting weighting)
    {
        var band = new CtfFitBand(30, 5);
        double sum6 = 0, sum4 = 0;
        const int n = 200_000;
        for (int i = 0; i < n; i++)
        {
            double k = 1.0 / 30 + (1.0 / 5 - 1.0 / 30) * (i + 0.5) / n;
            double w = weighting == BandWeighting.Ring ? k : 1;
            sum6 += w * Math.Pow(k, 6);
            sum4 += w * Math.Pow(k, 4);
        }
        Assert.Equal(sum6 / sum4, DefocusRescaling.EffectiveFrequencySquared(band, weighting), 9);
        // science.md: both weightings give 1/k_eff of about 5.8-5.9 A for 30-5 A, close to Wilkinson's 5.68 A.
        double resolution = 1 / Math.Sqrt(DefocusRescaling.EffectiveFrequencySquared(band, weighting));
        Assert.InRange(resolution, 5.7, 6.0);
    }

    [Theory]
    [InlineData(30, 5)]
    [InlineData(30, 4)]
    [InlineData(20, 3.5)]
    public void TheBandConstantRecoversTheTrueDefocusFromAFitAtTheWrongPixelSize(double low, double high)
    {
        // science.md 1.5: simulate |CTF|^2 at the true 0.880 A/px, fit defocus by least squares over the band as a
        // 2-D fit weighs it (rings weigh k) with the pixel labelled 0.900, then convert back.
        const double truePixel = 0.880, fittedPixel = 0.900, cs = 2.7, kv = 300;
        foreach (double trueDefocus in new[] { 5000.0, 15000, 25000 })
        {
            var fit = CtfFitSimulation.FitDefocus(trueDefocus, truePixel, fittedPixel, cs, kv, low, high);
            var change = DefocusRescaling.ForBand(fittedPixel, truePixel, cs, kv, new CtfFitBand(low, high));
            double r = truePixel / fittedPixel;
            Assert.True(Math.Abs(change.Apply(fit) - trueDefocus) < 1.0,
                $"band constant: {change.Apply(fit)} for {trueDefocus} ({low}-{high} A)");
            Assert.True(Math.Abs(r * r * fit - trueDefocus) > 10,
                $"r^2 alone should miss by more than 10 A: {r * r * fit} for {trueDefocus}");
        }
    }

    [Fact]
    public void ScaleCsKeepsTheFittedPhaseAtEveryPixelFrequency()
    {
        const double oldPixel = 0.900, newPixel = 0.880, defocus = 18000, cs = 2.7;
        var change = DefocusRescaling.ScaleCs(oldPixel, newPixel, cs);
        for (double s = 0.01; s <= 0.5; s += 0.01)   // cycles per pixel
        {
            double before = DefocusRescaling.Phase(s / oldPixel, defocus, cs, 300);
            double after = DefocusRescaling.Phase(s / newPixel, change.Apply(defocus), change.NewCs, 300);
            Assert.Equal(before, after, 9);
        }
        Assert.Equal(2.7 * Math.Pow(0.88 / 0.9, 4), change.NewCs, 12);
        Assert.True(change.NewCs < cs, "a smaller pixel size needs a smaller apparent Cs");
    }

    [Fact]
    public void ScaleCsGivesTheRelionDocumentationsApparentCs()
    {
        // RELION's PixelSizeIssues page: true 0.51 A labelled 0.54 A shows Cs 3.39 mm and defocus 5606 A for 5000 A.
        var change = DefocusRescaling.ScaleCs(0.51, 0.54, 2.7);
        Assert.Equal(3.39, change.NewCs, 2);
        Assert.Equal(5606, change.Apply(5000), 0);
    }

    [Fact]
    public void DefocusGoesUpWhenThePixelShrinksAndDownWhenItGrows()
    {
        Assert.True(DefocusRescaling.ForBand(0.900, 0.880, 2.7, 300).Constant > 0);
        Assert.True(DefocusRescaling.ForBand(0.880, 0.900, 2.7, 300).Constant < 0);
        Assert.Equal(0, DefocusRescaling.ForBand(0.880, 0.900, 0, 300).Constant);
    }
}
