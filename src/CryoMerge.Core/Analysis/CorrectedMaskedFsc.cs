using CryoMerge.Core.Imaging;
using MathNet.Numerics;

namespace CryoMerge.Core.Analysis;

/// <summary>
/// The masked FSC of two maps corrected for what the mask alone correlates, as relion_postprocess does it (RELION
/// 3.1.3 src/postprocessing.cpp; Chen et al. 2013): the phases of both maps are randomised beyond the shell where their
/// unmasked FSC first falls below 0.8, the randomised maps are masked alike, and beyond that shell plus two,
/// FSC = (FSC_masked - FSC_random) / (1 - FSC_random). A mask shaped like the particle multiplies every map by the
/// same edges, which correlate (or anti-correlate) far beyond the maps' resolution; the correction takes that out,
/// so the curve's tail means what the maps share there: about zero beyond their resolution.
/// </summary>
public static class CorrectedMaskedFsc
{
    /// <summary>Where the phases are randomised: the unmasked FSC's first shell below this.</summary>
    public const double RandomiseBelow = 0.8;

    /// <param name="Corrected">The masked FSC with the mask's own correlation taken out.</param>
    /// <param name="Masked">The masked FSC as it is.</param>
    /// <param name="Unmasked">The FSC of the whole boxes.</param>
    /// <param name="Random">The masked FSC of the phase-randomised maps.</param>
    /// <param name="RandomisedFromShell">The first shell whose phases were randomised.</param>
    public sealed record Result(FscCurve Corrected, FscCurve Masked, FscCurve Unmasked, FscCurve Random,
        int RandomisedFromShell);

    /// <param name="seed">Seed of the random phases: the same seed gives the same curve.</param>
    public static Result Compute(IFftBackend fft, Grid a, Grid b, Grid mask, double pixelSize, int seed = 1)
    {
        if (a.Shape != b.Shape || a.Shape != mask.Shape)
            throw new ArgumentException(
                $"FSC needs maps and a mask of one shape, not {a.Shape}, {b.Shape} and {mask.Shape}");
        const FourierShellCorrelation.ShellRule rule = FourierShellCorrelation.ShellRule.Physical;
        var shape = a.Shape;
        var fa = FourierShellCorrelation.Transform(fft, a);
        var fb = FourierShellCorrelation.Transform(fft, b);
        var unmasked = FourierShellCorrelation.FromSpectra(shape, fa, fb, pixelSize, rule);
        var masked = FourierShellCorrelation.Masked(fft, a, b, mask, pixelSize, rule);
        int from = 1;
        while (from < unmasked.ShellCount - 1 && unmasked.Fsc[from] >= RandomiseBelow) from++;
        var ra = Randomised(fft, shape, fa, from, seed);
        var rb = Randomised(fft, shape, fb, from, seed + 1);
        var random = FourierShellCorrelation.Masked(fft, ra, rb, mask, pixelSize, rule);
        var corrected = (double[])masked.Fsc.Clone();
        for (int i = from + 2; i < corrected.Length; i++)
        {
            double r = random.Fsc[i];
            corrected[i] = r < 1 ? (masked.Fsc[i] - r) / (1 - r) : 0;
        }
        return new Result(masked with { Fsc = corrected }, masked, unmasked, random, from);
    }

    /// <summary>The map with every component in shell <paramref name="from"/> and beyond given a random phase.
    /// </summary>
    private static Grid Randomised(IFftBackend fft, Shape3 shape, Complex32[] spectrum, int from, int seed)
    {
        var copy = (Complex32[])spectrum.Clone();
        var half = FftLayout.HalfShape(shape);
        double l = Math.Max(shape.X, Math.Max(shape.Y, shape.Z));
        double lx = l / shape.X, ly = l / shape.Y, lz = l / shape.Z;
        var rng = new Random(seed);
        long n = 0;
        for (int k = 0; k < shape.Z; k++)
            for (int i = 0; i < shape.Y; i++)
                for (int j = 0; j < half.X; j++, n++)
                {
                    if (FourierShellCorrelation.PhysicalShell(k, i, j, shape, lx, ly, lz) < from) continue;
                    double phase = 2 * Math.PI * rng.NextDouble(), magnitude = copy[n].Magnitude;
                    copy[n] = new Complex32((float)(magnitude * Math.Cos(phase)), (float)(magnitude * Math.Sin(phase)));
                }
        var grid = new Grid(shape);
        fft.InverseReal(shape, copy, grid.Data);
        float scale = 1f / shape.Count;
        for (long i = 0; i < grid.Data.LongLength; i++) grid.Data[i] *= scale;
        return grid;
    }
}
