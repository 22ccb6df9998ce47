using CryoMerge.Core.Ctf;
using CryoMerge.Core.Simulation;

namespace CryoMerge.Core.Tests.Simulation;

public sealed class NominalPixelCtfFitTests
{
    [Fact]
    public void AtTheTruePixelSizeTheFitIsTheTruth() =>
        Assert.Equal(15000, NominalPixelCtfFit.Defocus(15000, 1.0, 1.0, 300, 2.7), 1e-9);

    [Theory]
    [InlineData(0.880, 0.900, 20000)]
    [InlineData(1.000, 0.970, 8000)]
    [InlineData(1.000, 1.040, 25000)]
    public void TheClosedFormEqualsALeastSquaresFitOfThePhaseAtTheNominalPixel(double truePixel, double nominalPixel,
        double trueDefocus)
    {
        // A CTF program sees Thon rings at pixel frequency s, made by the microscope at k_true = s / p_true, and models
        // them at k = s / p_nom with Cs fixed. Fit the defocus by least squares of the phase over the 30-5 A band
        // (nominal units), each frequency weighted by its ring circumference.
        double lambda = Electron.Wavelength(300), cs = 2.7e7;
        double Chi(double df,
            double k) => Math.PI * lambda * df * k * k - Math.PI / 2 * cs * lambda * lambda * lambda * Math.Pow(k, 4);
        double ka = 1 / 30.0, kb = 1 / 5.0;
        double num = 0, den = 0;
        for (int i = 0; i < 200000; i++)
        {
            double k = ka + (kb - ka) * (i + 0.5) / 200000;
            double kTrue = k * nominalPixel / truePixel;
            // chi(df_fit, k) = chi_true(kTrue)  =>  pi lambda k^2 df_fit = chi_true + Cs term; least squares over k.
            double target = Chi(trueDefocus, kTrue) + Math.PI / 2 * cs * lambda * lambda * lambda * Math.Pow(k, 4);
            double basis = Math.PI * lambda * k * k;
            num += k * basis * target;
            den += k * basis * basis;
        }
        double fitted = num / den;
        Assert.Equal(fitted, NominalPixelCtfFit.Defocus(trueDefocus, truePixel, nominalPixel, 300, 2.7), 0.01);
    }

    [Fact]
    public void ALargerNominalPixelReportsALargerDefocus()
    {
        // r = p_nom / p_true = 0.9 / 0.88 > 1: r^2 dominates (about +4.6 %), and the Cs term subtracts about 14-20 A.
        double fitted = NominalPixelCtfFit.Defocus(20000, 0.88, 0.90, 300, 2.7);
        double r2 = Math.Pow(0.90 / 0.88, 2);
        Assert.InRange(fitted - r2 * 20000, -25, -10);
    }

    [Theory]
    [InlineData(0.880, 0.900)]
    [InlineData(1.000, 1.060)]
    [InlineData(1.300, 1.250)]
    public void ScaleCtfFromTheNominalBackToTheTruePixelRecoversTheTrueDefocus(double truePixel, double nominalPixel)
    {
        // What the merge does with a simulated data set: DefocusRescaling (scale-ctf) from the nominal pixel at which
        // the CTF was fitted to the true one, with the band as the fit used it.
        double fitted = NominalPixelCtfFit.Defocus(17000, truePixel, nominalPixel, 300, 2.7);
        double back = DefocusRescaling.ForBand(nominalPixel, truePixel, 2.7, 300).Apply(fitted);
        Assert.Equal(17000, back, 1e-6);
    }

    [Fact]
    public void BothDefociChangeAndTheAngleDoesNot()
    {
        var truth = new CtfParameters(20000, 19000, 35);
        var fitted = NominalPixelCtfFit.Fitted(truth, 1.0, 1.05);
        Assert.NotEqual(truth.DefocusU, fitted.DefocusU);
        Assert.NotEqual(truth.DefocusV, fitted.DefocusV);
        Assert.Equal(35, fitted.DefocusAngle);
    }
}
