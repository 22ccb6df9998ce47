using CryoMerge.Core.Imaging;
using CryoMerge.Core.Simulation;
using CryoMerge.Tests;

namespace CryoMerge.Core.Tests.Simulation;

public sealed class PhantomTests
{
    [Fact]
    public void ThePhantomIsTheSameEveryTime()
    {
        var a = Phantom.Create(100);
        var b = Phantom.Create(100);
        Assert.Equal(a.Atoms, b.Atoms);
        Assert.Same(Phantom.Default.Atoms.GetType(), a.Atoms.GetType());
        Assert.InRange(a.Atoms.Count, 300, 3000);
        Assert.InRange(a.Diameter, 90, 150);
    }

    [Fact]
    public void ItIsCentredOnItsCentreOfMass()
    {
        var map = Phantom.Create(60).Render(64, 1.5);
        double m = 0, x = 0, y = 0, z = 0;
        for (int k = 0; k < 64; k++)
            for (int j = 0; j < 64; j++)
                for (int i = 0; i < 64; i++)
                {
                    double v = map[i, j, k];
                    m += v; x += v * i; y += v * j; z += v * k;
                }
        Assert.Equal(32, x / m, 0.2);
        Assert.Equal(32, y / m, 0.2);
        Assert.Equal(32, z / m, 0.2);
    }

    [Fact]
    public void ItHasAHandAndNoSymmetry()
    {
        // Compare 3-D objects at about 9 A through projections along three axes, searching all rotations (1,000 random
        // ones, then a local refinement of the best). A rotated copy is found (the search works); the mirror image is
        // not (the phantom has a hand); and no rotation by more than 60 degrees maps it onto itself (no symmetry).
        var fft = FftBackends.Create();
        var map = Phantom.Create(60).Render(32, 3.0);
        var mirror = Grid.Cube(32);
        for (int z = 0; z < 32; z++)
            for (int y = 0; y < 32; y++)
                for (int x = 0; x < 32; x++) mirror[x, y, z] = map[x, y, (32 - z) % 32];
        var projector = new FourierProjector(fft, map);
        var mirrorProjector = new FourierProjector(fft, mirror);
        var known = EulerAngles.ToMatrix(37, 71, -112);

        double rotated = BestMatch(projector, Views(projector, known), out _);
        double mirrored = BestMatch(projector, Views(mirrorProjector, Matrix3.Identity), out _);
        var self = Views(projector, Matrix3.Identity);
        var rng = new Random(5);
        double selfMatch = 0;
        for (int t = 0; t < 1000; t++)
        {
            var (rot, tilt, psi) = EulerAngles.Uniform(rng.NextDouble(), rng.NextDouble(), rng.NextDouble());
            var r = EulerAngles.ToMatrix(rot, tilt, psi);
            double angle = Math.Acos(Math.Clamp((r.M00 + r.M11 + r.M22 - 1) / 2, -1, 1)) * 180 / Math.PI;
            if (angle > 60) selfMatch = Math.Max(selfMatch, Score(projector, r, self));
        }
        Assert.True(rotated > 0.99, $"the search found a rotated copy only at correlation {rotated}");
        Assert.True(mirrored < 0.88, $"a rotation matches the mirror image with correlation {mirrored}");
        Assert.True(selfMatch < 0.88,
            $"a rotation by more than 60 degrees matches the phantom with correlation {selfMatch}");
    }

    private static readonly Matrix3[] Axes =
    [
        Matrix3.Identity,
        EulerAngles.ToMatrix(0, 90, 0),
        EulerAngles.ToMatrix(90, 90, 0),
    ];

    private static float[][] Views(FourierProjector projector, Matrix3 rotation) =>
        Axes.Select(a => projector.Project(a * rotation).Data).ToArray();

    private static double Score(FourierProjector projector, Matrix3 rotation, float[][] target)
    {
        var views = Views(projector, rotation);
        return Enumerable.Range(0, 3).Average(i => ImageComparison.Correlation(views[i], target[i]));
    }

    private static double BestMatch(FourierProjector projector, float[][] target, out Matrix3 best)
    {
        var rng = new Random(7);
        var start = new List<(double Score, double Rot, double Tilt, double Psi)>();
        for (int t = 0; t < 1000; t++)
        {
            var (rot, tilt, psi) = EulerAngles.Uniform(rng.NextDouble(), rng.NextDouble(), rng.NextDouble());
            start.Add((Score(projector, EulerAngles.ToMatrix(rot, tilt, psi), target), rot, tilt, psi));
        }
        double bestScore = -1;
        best = Matrix3.Identity;
        foreach (var s in start.OrderByDescending(s => s.Score).Take(3))
        {
            var (score, rot, tilt, psi) = s;
            for (double step = 8; step > 0.2; step /= 2)
                for (int i = 0; i < 40; i++)
                {
                    double r2 = rot + step * (rng.NextDouble() * 2 - 1), t2 = tilt + step * (rng.NextDouble() * 2 - 1),
                        p2 = psi + step * (rng.NextDouble() * 2 - 1);
                    double s2 = Score(projector, EulerAngles.ToMatrix(r2, t2, p2), target);
                    if (s2 > score) (score, rot, tilt, psi) = (s2, r2, t2, p2);
                }
            if (score > bestScore) (bestScore, best) = (score, EulerAngles.ToMatrix(rot, tilt, psi));
        }
        return bestScore;
    }

    [Fact]
    public void ItHasDetailFromDomainsDownToAFewAngstrom()
    {
        var map = Phantom.Create(100).Render(96, 1.25);
        var power = RadialPower(map);
        // Shell i is at resolution 96 x 1.25 / i A: strong low-resolution shape, and detail still at ~5 A and ~3.5 A.
        double low = power[3], five = power[24], finer = power[34];
        Assert.True(low > 100 * five, $"low {low:G3} vs 5 A {five:G3}");
        Assert.True(five > 1e-4 * low, $"5 A detail {five / low:G3} of the low-resolution power");
        Assert.True(finer > 1e-6 * low, $"3.5 A detail {finer / low:G3} of the low-resolution power");
    }

    private static double[] RadialPower(Grid map)
    {
        int n = map.Shape.X;
        var fft = FftBackends.Create();
        var spectrum = new MathNet.Numerics.Complex32[FftLayout.SpectrumLength(map.Shape)];
        fft.ForwardReal(map.Shape, map.Data, spectrum);
        var power = new double[n];
        var count = new double[n];
        int hx = n / 2 + 1;
        for (int k = 0; k < n; k++)
            for (int j = 0; j < n; j++)
                for (int i = 0; i < hx; i++)
                {
                    int kk = k <= n / 2 ? k : k - n, jj = j <= n / 2 ? j : j - n;
                    int r = (int)Math.Round(Math.Sqrt(i * i + jj * jj + kk * kk));
                    if (r >= n) continue;
                    power[r] += spectrum[i + hx * (j + n * k)].MagnitudeSquared;
                    count[r]++;
                }
        for (int r = 0; r < n; r++) if (count[r] > 0) power[r] /= count[r];
        return power;
    }
}
