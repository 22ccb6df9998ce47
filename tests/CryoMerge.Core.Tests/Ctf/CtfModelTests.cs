using CryoMerge.Core.Ctf;

namespace CryoMerge.Core.Tests.Ctf;

public sealed class CtfModelTests
{
    [Fact]
    public void AtZeroFrequencyTheCtfIsTheAmplitudeContrast()
    {
        var ctf = new CtfModel(new CtfParameters(15000, 14000, 30, AmplitudeContrast: 0.1));
        Assert.Equal(0.1, ctf.Value(0, 0), 1e-12);
        Assert.True(ctf.Value(0.01, 0) > 0.1, "the first lobe is positive in RELION's convention");
    }

    [Fact]
    public void GammaIsTheTextbookPhaseWithRelionsSignsAndAstigmatism()
    {
        // gamma = -pi lambda df(theta) k^2 + (pi/2) Cs lambda^3 k^4 - phase shift - atan(Q0 / sqrt(1 - Q0^2)), with
        // df(theta) = (U + V)/2 + (U - V)/2 cos(2 (theta - angle)): the defocus is U along the astigmatism angle.
        var p = new CtfParameters(20000, 18000, 30, 300, 2.7, 0.07, PhaseShift: 20);
        var ctf = new CtfModel(p);
        double lambda = Electron.Wavelength(300);
        foreach (var (kx, ky) in new[] { (0.1, 0.05), (-0.03, 0.2), (0.0, -0.15), (0.2, 0.0) })
        {
            double k2 = kx * kx + ky * ky, theta = Math.Atan2(ky, kx), angle = 30 * Math.PI / 180;
            double df = (p.DefocusU + p.DefocusV) / 2 + (p.DefocusU - p.DefocusV) / 2 * Math.Cos(2 * (theta - angle));
            double expected = -Math.PI * lambda * df * k2 + Math.PI / 2 * 2.7e7 * Math.Pow(lambda, 3) * k2 * k2
                              - 20 * Math.PI / 180 - Math.Atan(0.07 / Math.Sqrt(1 - 0.07 * 0.07));
            Assert.Equal(expected, ctf.Gamma(kx, ky), 1e-9);
            Assert.Equal(-Math.Sin(expected), ctf.Value(kx, ky), 1e-9);
        }
        // Along the angle the defocus is U; at right angles it is V.
        double along = ctf.Gamma(0.1 * Math.Cos(Math.PI / 6), 0.1 * Math.Sin(Math.PI / 6));
        var isotropicU = new CtfModel(p with { DefocusV = 20000 });
        Assert.Equal(isotropicU.Gamma(0.1, 0), along, 1e-9);
    }

    [Fact]
    public void TheBfactorDampsAsExpOfMinusBkSquaredOverFour()
    {
        var sharp = new CtfModel(new CtfParameters(10000, 10000, 0));
        var damped = new CtfModel(new CtfParameters(10000, 10000, 0, Bfactor: 100));
        double k = 0.2;
        Assert.Equal(sharp.Value(k, 0) * Math.Exp(-100 * k * k / 4), damped.Value(k, 0), 1e-12);
    }

    [Fact]
    public void TheHalfSpectrumOfANonSquareImageUsesTheRowFrequencies()
    {
        var ctf = new CtfModel(new CtfParameters(12000, 11000, 45));
        int nx = 64, ny = 48;
        double p = 1.5;
        var values = new float[(nx / 2 + 1) * ny];
        ctf.FillHalfSpectrum(values, nx, ny, p);
        int hx = nx / 2 + 1;
        Assert.Equal((float)ctf.Value(5 / (nx * p), 7 / (ny * p)), values[7 * hx + 5]);
        Assert.Equal((float)ctf.Value(5 / (nx * p), -7 / (ny * p)), values[(ny - 7) * hx + 5]);
        Assert.Equal((float)ctf.Value(0, 24 / (ny * p)), values[24 * hx]);
    }

    [Fact]
    public void AnAmplitudeContrastOutsideZeroToOneIsRejected() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new CtfModel(new CtfParameters(10000, 10000, 0,
        AmplitudeContrast: 1.2)));
}
