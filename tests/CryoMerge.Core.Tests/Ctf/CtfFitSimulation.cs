using CryoMerge.Core.Ctf;

namespace CryoMerge.Core.Tests.Ctf;

/// <summary>
/// A least-squares CTF fit in miniature, written for the tests only: |CTF|^2 simulated at the true pixel size on a
/// fine grid of pixel frequencies, then the defocus that best reproduces it when the pixel is labelled wrongly,
/// each frequency weighted by its ring circumference as in a 2-D power-spectrum fit.
/// </summary>
internal static class CtfFitSimulation
{
    private const double AmplitudeContrast = 0.1;

    public static double FitDefocus(double trueDefocus, double truePixel, double fittedPixel, double cs, double kv,
        double lowA, double highA)
    {
        const int samples = 8_000;
        var s = new double[samples];
        var observed = new double[samples];
        double sLow = fittedPixel / lowA, sHigh = fittedPixel / highA;   // the band as the fit labels it
        for (int i = 0; i < samples; i++)
        {
            s[i] = sLow + (sHigh - sLow) * (i + 0.5) / samples;
            observed[i] = PowerSpectrum(s[i] / truePixel, trueDefocus, cs, kv);
        }
        double Cost(double defocus)
        {
            double sum = 0;
            for (int i = 0; i < samples; i++)
            {
                double d = PowerSpectrum(s[i] / fittedPixel, defocus, cs, kv) - observed[i];
                sum += s[i] * d * d;
            }
            return sum;
        }
        // Coarse scan around the r^2 guess, then golden-section refinement.
        double guess = trueDefocus * Math.Pow(fittedPixel / truePixel, 2), best = guess, bestCost = double.MaxValue;
        for (double d = guess - 200; d <= guess + 200; d += 4)
        {
            double c = Cost(d);
            if (c < bestCost) (best, bestCost) = (d, c);
        }
        double a = best - 4, b = best + 4;
        for (int i = 0; i < 50; i++)
        {
            double m1 = a + 0.382 * (b - a), m2 = a + 0.618 * (b - a);
            if (Cost(m1) < Cost(m2)) b = m2; else a = m1;
        }
        return 0.5 * (a + b);
    }

    private static double PowerSpectrum(double k, double defocus, double cs, double kv)
    {
        double gamma = DefocusRescaling.Phase(k, defocus, cs, kv) + Math.Asin(AmplitudeContrast);
        double sin = Math.Sin(gamma);
        return sin * sin;
    }
}
