using CryoMerge.Core.Imaging;

namespace CryoMerge.Core.Simulation;

/// <summary>An isotropic 3-D Gaussian: density Weight x exp(-|r - centre|^2 / (2 Sigma^2)); lengths in
/// Angstrom.</summary>
public readonly record struct GaussianAtom(double X, double Y, double Z, double Sigma, double Weight);

/// <summary>
/// The built-in test specimen: a protein-like density made of Gaussian "atoms", the same on every machine. Four
/// domains of decreasing size on a right-handed staircase, each a low-resolution body (broad blobs) filled with
/// rods of fine blobs (like helices, about 4 A thick and 10 A apart), plus a right-handed coil up the middle. It has
/// features from about 50 A down to 3-4 A, no symmetry, and a clear hand (at 9 A no rotation of its mirror image
/// correlates above 0.87 with it), so that scale, rotation and hand searches have something definite to lock onto.
/// </summary>
public sealed class Phantom : IProjectionSource
{
    /// <summary>Blobs are cut off at this many sigmas (exp(-12.5) = 4e-6 of the peak).</summary>
    public const double CutoffSigmas = 5;

    private const ulong BuildSeed = 20190911;

    private Phantom(IReadOnlyList<GaussianAtom> atoms, double diameter)
    {
        Atoms = atoms;
        Diameter = diameter;
    }

    public IReadOnlyList<GaussianAtom> Atoms { get; }

    /// <summary>Largest extent of the density (twice the largest atom distance from the centre plus three sigmas), in
    /// Angstrom.</summary>
    public double Diameter { get; }

    /// <summary>The default phantom: about 100 A across, about 1,000 atoms.</summary>
    public static Phantom Default { get; } = Create(100);

    /// <summary>A phantom of about <paramref name="size"/> Angstrom across (same shape at every size).</summary>
    public static Phantom Create(double size)
    {
        if (size < 30 || size > 1000) throw new ArgumentOutOfRangeException(nameof(size), size,
            "the phantom size must be between 30 and 1000 A");
        var rng = new SimulationRandom(BuildSeed);
        double r = size / 2;
        var atoms = new List<GaussianAtom>();
        // Domains: centre and semi-axes in units of the radius. The centres climb a right-handed staircase round Z
        // (95 degrees and 0.24 r per step) and shrink on the way, so no rotation maps the map onto its mirror image.
        (double X, double Y, double Z, double A, double B, double C)[] domains =
        [
            (0.40, 0.00, -0.36, 0.32, 0.24, 0.22),
            (0.40 * Math.Cos(95 * Math.PI / 180), 0.40 * Math.Sin(95 * Math.PI / 180), -0.12, 0.27, 0.22, 0.25),
            (0.40 * Math.Cos(190 * Math.PI / 180), 0.40 * Math.Sin(190 * Math.PI / 180), 0.12, 0.24, 0.19, 0.21),
            (0.40 * Math.Cos(285 * Math.PI / 180), 0.40 * Math.Sin(285 * Math.PI / 180), 0.36, 0.17, 0.15, 0.16),
        ];
        foreach (var d in domains)
        {
            var centre = (d.X * r, d.Y * r, d.Z * r);
            var axes = (d.A * r, d.B * r, d.C * r);
            AddBody(atoms, centre, axes);
            AddRods(atoms, rng, centre, axes);
        }
        AddCoil(atoms, r);
        var centred = Centre(atoms);
        double extent = centred.Max(a => Math.Sqrt(a.X * a.X + a.Y * a.Y + a.Z * a.Z) + 3 * a.Sigma);
        return new Phantom(centred, 2 * extent);
    }

    /// <summary>Low-resolution body: broad, weak blobs on a 6 A lattice inside the ellipsoid.</summary>
    private static void AddBody(List<GaussianAtom> atoms, (double X, double Y, double Z) c, (double A, double B,
        double C) e)
    {
        const double step = 6;
        for (double z = -e.C; z <= e.C; z += step)
            for (double y = -e.B; y <= e.B; y += step)
                for (double x = -e.A; x <= e.A; x += step)
                    if (x * x / (e.A * e.A) + y * y / (e.B * e.B) + z * z / (e.C * e.C) <= 1)
                        atoms.Add(new GaussianAtom(c.X + x, c.Y + y, c.Z + z, 3.5, 0.25));
    }

    /// <summary>Rods 10-20 A long of fine blobs every 1.5 A, centres at least 8 A apart, random directions.</summary>
    private static void AddRods(List<GaussianAtom> atoms, SimulationRandom rng, (double X, double Y, double Z) c,
        (double A, double B, double C) e)
    {
        double volume = 4.0 / 3 * Math.PI * e.A * e.B * e.C;
        int wanted = Math.Max(2, (int)(volume / 900));
        var centres = new List<(double X, double Y, double Z)>();
        for (int attempt = 0; attempt < wanted * 200 && centres.Count < wanted; attempt++)
        {
            double x = rng.Uniform(-1, 1), y = rng.Uniform(-1, 1), z = rng.Uniform(-1, 1);
            if (x * x + y * y + z * z > 0.75 * 0.75) continue;
            var p = (X: c.X + x * e.A, Y: c.Y + y * e.B, Z: c.Z + z * e.C);
            if (centres.Any(q => Sq(q.X - p.X) + Sq(q.Y - p.Y) + Sq(q.Z - p.Z) < 64)) continue;
            centres.Add(p);
            double tilt = Math.Acos(rng.Uniform(-1, 1)), phi = rng.Uniform(0, 2 * Math.PI);
            var dir = (X: Math.Sin(tilt) * Math.Cos(phi), Y: Math.Sin(tilt) * Math.Sin(phi), Z: Math.Cos(tilt));
            double half = rng.Uniform(5, 10);
            for (double t = -half; t <= half + 1e-9; t += 1.5)
                atoms.Add(new GaussianAtom(p.X + t * dir.X, p.Y + t * dir.Y, p.Z + t * dir.Z, 1.5, 1.0));
        }
    }

    /// <summary>
    /// A right-handed coil (one and a half turns, wide enough to be seen at 10 A) up the middle of the staircase of
    /// domains: a second, finer hand.
    /// </summary>
    private static void AddCoil(List<GaussianAtom> atoms, double r)
    {
        // Axis w from the start point, with u, v completing a right-handed frame (u x v = w).
        var start = (X: -0.10 * r, Y: -0.10 * r, Z: -0.40 * r);
        var w = Normalise((0.15, 0.10, 1.0));
        var u = Normalise(Cross(w, (1, 0, 0)));
        var v = Cross(w, u);
        double radius = 0.16 * r, rise = 0.45 * r;   // rise per turn
        int perTurn = Math.Max(16, (int)(2 * Math.PI * radius / 1.5));
        for (int i = 0; i <= 3 * perTurn / 2; i++)
        {
            double angle = 2 * Math.PI * i / perTurn;
            double along = rise * i / perTurn;
            double cu = radius * Math.Cos(angle), cv = radius * Math.Sin(angle);
            atoms.Add(new GaussianAtom(
                start.X + cu * u.X + cv * v.X + along * w.X,
                start.Y + cu * u.Y + cv * v.Y + along * w.Y,
                start.Z + cu * u.Z + cv * v.Z + along * w.Z, 2.0, 1.5));
        }
    }

    /// <summary>Moves the centre of mass (integral of each blob) to the origin.</summary>
    private static GaussianAtom[] Centre(List<GaussianAtom> atoms)
    {
        double m = 0, x = 0, y = 0, z = 0;
        foreach (var a in atoms)
        {
            double mass = a.Weight * a.Sigma * a.Sigma * a.Sigma;
            m += mass;
            x += mass * a.X;
            y += mass * a.Y;
            z += mass * a.Z;
        }
        return atoms.Select(a => a with { X = a.X - x / m, Y = a.Y - y / m, Z = a.Z - z / m }).ToArray();
    }

    /// <summary>The density sampled on an N^3 grid at <paramref name="pixelSize"/>, with the centre at voxel N/2
    /// (RELION's origin).</summary>
    public Grid Render(int size, double pixelSize)
    {
        if (size < 2) throw new ArgumentOutOfRangeException(nameof(size), size, "the box must have at least 2 voxels");
        var map = Grid.Cube(size);
        var data = map.Data;
        int h = size / 2;
        var ex = new double[size];
        var ey = new double[size];
        var ez = new double[size];
        foreach (var a in Atoms)
        {
            double cx = a.X / pixelSize + h, cy = a.Y / pixelSize + h, cz = a.Z / pixelSize + h;
            double reach = CutoffSigmas * a.Sigma / pixelSize;
            if (!Factors(cx, reach, a.Sigma / pixelSize, size, ex, out int x0, out int x1)) continue;
            if (!Factors(cy, reach, a.Sigma / pixelSize, size, ey, out int y0, out int y1)) continue;
            if (!Factors(cz, reach, a.Sigma / pixelSize, size, ez, out int z0, out int z1)) continue;
            for (int z = z0; z <= z1; z++)
                for (int y = y0; y <= y1; y++)
                {
                    double wzy = a.Weight * ez[z] * ey[y];
                    long row = (long)size * (y + (long)size * z);
                    for (int x = x0; x <= x1; x++) data[row + x] += (float)(wzy * ex[x]);
                }
        }
        return map;
    }

    /// <inheritdoc/>
    public void AddProjection(Span<float> image, int width, int height, double centreX, double centreY,
        Matrix3 rotation, double pixelSize)
    {
        // Exact projection of each Gaussian along Z: a 2-D Gaussian of integral weight sigma sqrt(2 pi), in units of
        // voxel sums at this pixel size (the projection of a map rendered at the same pixel size).
        var ex = new double[width];
        var ey = new double[height];
        foreach (var a in Atoms)
        {
            var (px, py, _) = rotation.Apply(a.X, a.Y, a.Z);
            double s = a.Sigma / pixelSize;
            double reach = CutoffSigmas * s;
            double cx = centreX + px / pixelSize, cy = centreY + py / pixelSize;
            if (!Factors(cx, reach, s, width, ex, out int x0, out int x1)) continue;
            if (!Factors(cy, reach, s, height, ey, out int y0, out int y1)) continue;
            double amplitude = a.Weight * a.Sigma * Math.Sqrt(2 * Math.PI) / pixelSize;
            for (int y = y0; y <= y1; y++)
            {
                double wy = amplitude * ey[y];
                var row = image.Slice(y * width, width);
                for (int x = x0; x <= x1; x++) row[x] += (float)(wy * ex[x]);
            }
        }
    }

    /// <summary>exp(-(i - c)^2 / (2 s^2)) for the indices within reach of c that lie in [0, n).</summary>
    private static bool Factors(double c, double reach, double s, int n, double[] factors, out int first, out int last)
    {
        first = Math.Max(0, (int)Math.Ceiling(c - reach));
        last = Math.Min(n - 1, (int)Math.Floor(c + reach));
        if (first > last) return false;
        double k = -0.5 / (s * s);
        for (int i = first; i <= last; i++)
        {
            double d = i - c;
            factors[i] = Math.Exp(k * d * d);
        }
        return true;
    }

    private static double Sq(double v) => v * v;

    private static (double X, double Y, double Z) Normalise((double X, double Y, double Z) v)
    {
        double n = Math.Sqrt(v.X * v.X + v.Y * v.Y + v.Z * v.Z);
        return (v.X / n, v.Y / n, v.Z / n);
    }

    private static (double X, double Y, double Z) Cross((double X, double Y, double Z) a, (double X, double Y,
        double Z) b) =>
        (a.Y * b.Z - a.Z * b.Y, a.Z * b.X - a.X * b.Z, a.X * b.Y - a.Y * b.X);
}
