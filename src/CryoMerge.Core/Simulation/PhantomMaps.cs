using CryoMerge.Core.Analysis;
using CryoMerge.Core.Imaging;

namespace CryoMerge.Core.Simulation;

/// <summary>A random asymmetric (chiral) particle made of Gaussian pseudo-atoms, in A about its centre.</summary>
public sealed record PhantomModel(Vector3d[] Atoms, float[] Weights, double AtomSigma, double Diameter);

/// <summary>
/// Phantom maps with an exactly known scale: the same continuous density (a sum of Gaussians) sampled on any
/// grid, at any pixel size, rotation and shift, with an extra B-factor blur, independent noise and a low-pass. Two
/// maps of one model at pixel sizes p1 and p2 are a pair whose relative pixel size is known to machine precision.
/// </summary>
public static class PhantomMaps
{
    /// <summary>A lumpy, asymmetric particle: pseudo-atoms spread through a union of overlapping random
    /// spheres.</summary>
    public static PhantomModel RandomModel(int seed, double diameter, double atomSpacing = 3.0, double atomSigma = 1.0)
    {
        var rng = new Random(seed);
        int lobes = 5;
        var centres = new Vector3d[lobes];
        var radii = new double[lobes];
        for (int i = 0; i < lobes; i++)
        {
            double r = diameter * (0.15 + 0.12 * rng.NextDouble());
            var dir = RandomUnit(rng);
            double dist = (diameter / 2 - r) * (0.4 + 0.6 * rng.NextDouble());
            centres[i] = new Vector3d(dir.X * dist, dir.Y * dist, dir.Z * dist);
            radii[i] = r;
        }
        double volume = lobes * 4.0 / 3 * Math.PI * Math.Pow(radii.Average(), 3) * 0.7;
        int count = Math.Max(50, (int)(volume / Math.Pow(atomSpacing, 3)));
        var atoms = new List<Vector3d>(count);
        var weights = new List<float>(count);
        double half = diameter / 2;
        while (atoms.Count < count)
        {
            var p = new Vector3d((rng.NextDouble() * 2 - 1) * half, (rng.NextDouble() * 2 - 1) * half,
                (rng.NextDouble() * 2 - 1) * half);
            bool inside = false;
            for (int i = 0; i < lobes && !inside; i++)
            {
                double dx = p.X - centres[i].X, dy = p.Y - centres[i].Y, dz = p.Z - centres[i].Z;
                inside = dx * dx + dy * dy + dz * dz <= radii[i] * radii[i];
            }
            if (!inside) continue;
            atoms.Add(p);
            weights.Add((float)(0.5 + rng.NextDouble()));
        }
        // Recentre on the mean atom position so that the particle sits at the box centre.
        double mx = atoms.Average(a => a.X), my = atoms.Average(a => a.Y), mz = atoms.Average(a => a.Z);
        var centred = atoms.Select(a => new Vector3d(a.X - mx, a.Y - my, a.Z - mz)).ToArray();
        return new PhantomModel(centred, weights.ToArray(), atomSigma, diameter);
    }

    /// <summary>
    /// Samples the model on a grid: voxel i is at (i - N/2) x pixel (A); the model is rotated by
    /// <paramref name="rotation"/>, then shifted by <paramref name="shift"/> (A), and blurred by an extra B-factor.
    /// </summary>
    public static Grid Render(PhantomModel model, Shape3 box, double pixel, Matrix3 rotation, Vector3d shift,
        double bFactor = 0)
    {
        double sigma2 = model.AtomSigma * model.AtomSigma + Math.Max(0, bFactor) / (8 * Math.PI * Math.PI);
        double cutoff = 4 * Math.Sqrt(sigma2);
        var placed = model.Atoms.Select((a, i) => (Position: Add(rotation.Apply(a), shift), Weight: model.Weights[i]))
            .OrderBy(a => a.Position.Z).ToArray();
        var zs = placed.Select(a => a.Position.Z).ToArray();
        var grid = new Grid(box);
        int cx = box.X / 2, cy = box.Y / 2, cz = box.Z / 2;
        double inv2s = 1 / (2 * sigma2);
        Parallel.For(0, box.Z, k =>
        {
            double z = (k - cz) * pixel;
            int first = LowerBound(zs, z - cutoff);
            var plane = grid.Data.AsSpan(checked((int)((long)k * box.X * box.Y)), box.X * box.Y);
            for (int a = first; a < placed.Length && placed[a].Position.Z <= z + cutoff; a++)
            {
                var (p, w) = placed[a];
                double dz2 = (p.Z - z) * (p.Z - z);
                int y0 = Math.Max(0, (int)Math.Floor((p.Y - cutoff) / pixel) + cy), y1 = Math.Min(box.Y - 1,
                    (int)Math.Ceiling((p.Y + cutoff) / pixel) + cy);
                int x0 = Math.Max(0, (int)Math.Floor((p.X - cutoff) / pixel) + cx), x1 = Math.Min(box.X - 1,
                    (int)Math.Ceiling((p.X + cutoff) / pixel) + cx);
                for (int j = y0; j <= y1; j++)
                {
                    double dy = (j - cy) * pixel - p.Y;
                    double dyz = dy * dy + dz2;
                    int row = j * box.X;
                    for (int i = x0; i <= x1; i++)
                    {
                        double dx = (i - cx) * pixel - p.X;
                        plane[row + i] += (float)(w * Math.Exp(-(dx * dx + dyz) * inv2s));
                    }
                }
            }
        });
        return grid;
    }

    /// <summary>Adds white Gaussian noise of standard deviation <paramref name="sigma"/> (in place) and returns the
    /// grid.</summary>
    public static Grid AddNoise(Grid grid, double sigma, int seed)
    {
        var rng = new Random(seed);
        var d = grid.Data;
        for (int i = 0; i < d.Length; i += 2)
        {
            double u1 = 1 - rng.NextDouble(), u2 = rng.NextDouble();
            double r = sigma * Math.Sqrt(-2 * Math.Log(u1));
            d[i] += (float)(r * Math.Cos(2 * Math.PI * u2));
            if (i + 1 < d.Length) d[i + 1] += (float)(r * Math.Sin(2 * Math.PI * u2));
        }
        return grid;
    }

    /// <summary>
    /// A map as a refinement might give it: the model rendered with a B-factor, white noise of
    /// <paramref name="noiseSigma"/> (relative to the rendered map's standard deviation), low-passed at <paramref
    /// name="resolution"/> A.
    /// </summary>
    /// <param name="noiseAfterFilter">Add the noise after the low-pass (white up to Nyquist) instead of before
    /// it.</param>
    public static Grid Simulate(IFftBackend fft, PhantomModel model, Shape3 box, double pixel, Matrix3 rotation,
        Vector3d shift,
        double bFactor, double noiseSigma, double resolution, int seed, bool noiseAfterFilter = false)
    {
        // Rendered twice as fine and Fourier-cropped, so that detail beyond Nyquist does not fold back (aliasing
        // would make the two maps of a pair differ in a way that depends on their pixel sizes).
        var fine = Render(model, new Shape3(box.X * 2, box.Y * 2, box.Z * 2), pixel / 2, rotation, shift, bFactor);
        var g = SpectralFilter.Resample(fft, fine, Vector3d.All(pixel / 2), box);
        double sd = ImageStatistics.Of(g.Data).StdDev;
        if (noiseAfterFilter)
            return AddNoise(SpectralFilter.Apply(fft, g, Vector3d.All(pixel), SpectralFilter.LowPass(resolution, 0.15)),
                noiseSigma * sd, seed);
        AddNoise(g, noiseSigma * sd, seed);
        return SpectralFilter.Apply(fft, g, Vector3d.All(pixel), SpectralFilter.LowPass(resolution, 0.15));
    }

    private static Vector3d Add(Vector3d a, Vector3d b) => new(a.X + b.X, a.Y + b.Y, a.Z + b.Z);

    private static Vector3d RandomUnit(Random rng)
    {
        while (true)
        {
            var v = new Vector3d(rng.NextDouble() * 2 - 1, rng.NextDouble() * 2 - 1, rng.NextDouble() * 2 - 1);
            double n = Math.Sqrt(v.X * v.X + v.Y * v.Y + v.Z * v.Z);
            if (n > 0.1 && n <= 1) return new Vector3d(v.X / n, v.Y / n, v.Z / n);
        }
    }

    private static int LowerBound(double[] sorted, double value)
    {
        int lo = 0, hi = sorted.Length;
        while (lo < hi)
        {
            int mid = (lo + hi) >>> 1;
            if (sorted[mid] < value) lo = mid + 1; else hi = mid;
        }
        return lo;
    }
}
