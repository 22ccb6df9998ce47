using CryoMerge.Core.Imaging;
using MathNet.Numerics;

namespace CryoMerge.Core.Analysis;

/// <summary>One orientation tried by the global search, with the best translation the cross-correlation
/// found.</summary>
public sealed record RotationHit(ScalePose Pose, double Score);

/// <summary>
/// The global search at low resolution: both maps low-passed and placed on small cubic grids around their masks'
/// centroids; for every rotation (and hand, and coarse scale) map 2 is rotated into the grid inside a sphere that
/// holds it whatever the rotation, and the best translation comes from one FFT cross-correlation. Each rotation is
/// independent of the others, so the list can be split over workers (<see cref="Evaluate"/>).
/// </summary>
internal sealed class RotationSearch
{
    private readonly IFftBackend _fft;
    private readonly int _n;
    private readonly double _pixel;
    private readonly Vector3d _fixedCentre;
    private readonly Complex32[] _fixedSpectrum;
    private readonly double _fixedNorm;
    private readonly Grid _moving;
    private readonly Vector3d _movingVoxel, _movingCentreIndex, _movingCentroid;
    private readonly double _movingRadius;
    private readonly double _maxShift;
    private readonly (float X, float Y, float Z, int Index, float R)[] _sphere;
    private readonly (int Index, int I, int J, int K)[] _shifts;

    /// <param name="gridSize">Wanted grid side (16 gives about 6 voxels across the particle radius); larger when the
    /// maps' own pixels are coarser.</param>
    public RotationSearch(IFftBackend fft, MapVolume reference, Grid mask, Vector3d maskCentroid, double maskRadius,
        MapVolume map, Vector3d mapCentroid, double mapRadius, int gridSize, double maxScale)
    {
        _fft = fft;
        _fixedCentre = maskCentroid;
        _movingCentroid = mapCentroid;
        _movingRadius = mapRadius;
        double reach = Math.Max(maskRadius, mapRadius * maxScale);
        // The grid holds both particles with room for the translation: 2.6 radii.
        _pixel = Math.Max(Math.Max(reference.PixelSize, map.PixelSize * maxScale), 2.6 * reach / gridSize);
        _n = FftLayout.FastSize(Math.Max(Math.Max(8, gridSize), 2 * (int)Math.Ceiling(1.3 * reach / _pixel)));
        double pixel = _pixel;
        Resolution = 2.5 * pixel;
        _maxShift = Math.Max(2, (_n * pixel - maskRadius - mapRadius * maxScale) / pixel);
        var lowPass = SpectralFilter.LowPass(Resolution, 0.5);

        // Reference: low-passed, sampled on the coarse grid around the mask centroid, masked, mean-free.
        var refLow = MovingMap.Create(fft, reference, 1, lowPass, pixel / 2);
        var shape = new Shape3(_n, _n, _n);
        var a = new Grid(shape);
        var w = new Grid(shape);
        var rc = reference.Centre;
        double p1 = reference.PixelSize;
        for (int k = 0; k < _n; k++)
            for (int j = 0; j < _n; j++)
                for (int i = 0; i < _n; i++)
                {
                    var x = new Vector3d((i - _n / 2) * pixel + maskCentroid.X, (j - _n / 2) * pixel + maskCentroid.Y,
                        (k - _n / 2) * pixel + maskCentroid.Z);
                    double mx = x.X / p1 + rc.X, my = x.Y / p1 + rc.Y, mz = x.Z / p1 + rc.Z;
                    bool inBox = mx >= 0 && my >= 0 && mz >= 0 && mx <= reference.Shape.X - 1 && my <= reference.Shape.Y
                        - 1 && mz <= reference.Shape.Z - 1;
                    if (!inBox) continue;
                    w[i, j, k] = EvaluationPoints.Trilinear(mask, mx, my, mz);
                    a[i, j, k] = refLow.Spline.Sample(refLow.Centre.X + x.X / refLow.Voxel.X,
                        refLow.Centre.Y + x.Y / refLow.Voxel.Y, refLow.Centre.Z + x.Z / refLow.Voxel.Z);
                }
        double sw = 0, swa = 0;
        for (int i = 0; i < a.Data.Length; i++) { sw += w.Data[i]; swa += w.Data[i] * a.Data[i]; }
        double mean = sw > 0 ? swa / sw : 0, norm = 0;
        for (int i = 0; i < a.Data.Length; i++)
        {
            a.Data[i] = (float)((a.Data[i] - mean) * w.Data[i]);
            norm += a.Data[i] * (double)a.Data[i];
        }
        _fixedNorm = Math.Sqrt(norm);
        _fixedSpectrum = new Complex32[FftLayout.SpectrumLength(shape)];
        fft.ForwardReal(shape, a.Data, _fixedSpectrum, 1);

        // Map 2: low-passed, oversampled twice for trilinear sampling.
        var mapLow = MovingMap.Create(fft, map, 1, lowPass, pixel / 2);
        _moving = SplineToGrid(mapLow);
        _movingVoxel = mapLow.Voxel;
        _movingCentreIndex = mapLow.Centre;

        // Grid points inside the largest sphere map 2 can fill, with their distance from the centre.
        double rMax = mapRadius * maxScale / pixel + 1;
        var sphere = new List<(float, float, float, int, float)>();
        for (int k = 0; k < _n; k++)
            for (int j = 0; j < _n; j++)
                for (int i = 0; i < _n; i++)
                {
                    double dx = i - _n / 2, dy = j - _n / 2, dz = k - _n / 2;
                    double r = Math.Sqrt(dx * dx + dy * dy + dz * dz);
                    if (r > rMax) continue;
                    sphere.Add(((float)(dx * pixel), (float)(dy * pixel), (float)(dz * pixel), i + _n * (j + _n * k),
                        (float)(r * pixel)));
                }
        // Nearest first, so that a scale's sphere is a prefix of the list.
        _sphere = sphere.OrderBy(p => p.Item5).ToArray();

        // Translations that cannot wrap around, in grid order so that ties resolve as a full scan would.
        double max2 = _maxShift * _maxShift;
        var shifts = new List<(int, int, int, int)>();
        for (int k = 0; k < _n; k++)
        {
            int tk = k <= _n / 2 ? k : k - _n;
            for (int j = 0; j < _n; j++)
            {
                int tj = j <= _n / 2 ? j : j - _n;
                for (int i = 0; i < _n; i++)
                {
                    int ti = i <= _n / 2 ? i : i - _n;
                    if (ti * ti + tj * tj + tk * tk <= max2) shifts.Add((i + _n * (j + _n * k), ti, tj, tk));
                }
            }
        }
        _shifts = shifts.ToArray();
    }

    public int GridSize => _n;

    /// <summary>Grid spacing (A).</summary>
    public double Pixel => _pixel;

    /// <summary>Resolution (A) both maps are low-passed to for the search.</summary>
    public double Resolution { get; }

    /// <summary>Work buffers of one thread.</summary>
    public sealed class Buffers(int n)
    {
        public readonly float[] Moving = new float[n * n * n];
        public readonly float[] Correlation = new float[n * n * n];
        public readonly Complex32[] Spectrum = new Complex32[(n / 2 + 1) * n * n];
    }

    public Buffers CreateBuffers() => new(_n);

    /// <summary>Scores one rotation, hand and scale at its best translation: a pure function of its
    /// arguments.</summary>
    public RotationHit Evaluate(Matrix3 rotation, bool mirrored, double logScale, Buffers b)
    {
        var pose0 = new ScalePose(logScale, rotation, default, mirrored);
        var linT = pose0.Linear.Transpose();
        double s = pose0.Scale;
        double radius = _movingRadius * s, edge = 2 * _pixel;
        // Grid point p (A from the centre) -> map 2's sample index: diag(1/voxel) L^T p / s + centre + centroid /
        // voxel.
        double ax = 1 / (s * _movingVoxel.X), ay = 1 / (s * _movingVoxel.Y), az = 1 / (s * _movingVoxel.Z);
        double a00 = linT.M00 * ax, a01 = linT.M01 * ax, a02 = linT.M02 * ax;
        double a10 = linT.M10 * ay, a11 = linT.M11 * ay, a12 = linT.M12 * ay;
        double a20 = linT.M20 * az, a21 = linT.M21 * az, a22 = linT.M22 * az;
        double ox = _movingCentreIndex.X + _movingCentroid.X / _movingVoxel.X;
        double oy = _movingCentreIndex.Y + _movingCentroid.Y / _movingVoxel.Y;
        double oz = _movingCentreIndex.Z + _movingCentroid.Z / _movingVoxel.Z;
        Array.Clear(b.Moving);
        double sw = 0, swg = 0;
        int used = 0;
        foreach (var (x, y, z, index, r) in _sphere)
        {
            if (r > radius + edge) break;
            double weight = r <= radius ? 1 : 0.5 + 0.5 * Math.Cos(Math.PI * (r - radius) / edge);
            double g = Trilinear(_moving, a00 * x + a01 * y + a02 * z + ox, a10 * x + a11 * y + a12 * z + oy,
                a20 * x + a21 * y + a22 * z + oz);
            b.Moving[index] = (float)(g * weight);
            b.Correlation[index] = (float)weight;
            sw += weight;
            swg += weight * g;
            used++;
        }
        double mean = sw > 0 ? swg / sw : 0, norm = 0;
        float meanF = (float)mean;
        foreach (var (_, _, _, index, _) in _sphere.AsSpan(0, used))
        {
            float v = b.Moving[index] - meanF * b.Correlation[index];
            b.Moving[index] = v;
            norm += v * (double)v;
        }
        var shape = new Shape3(_n, _n, _n);
        _fft.ForwardReal(shape, b.Moving, b.Spectrum, 1);
        for (int i = 0; i < b.Spectrum.Length; i++) b.Spectrum[i] = _fixedSpectrum[i]
            * Complex32.Conjugate(b.Spectrum[i]);
        _fft.InverseReal(shape, b.Spectrum, b.Correlation, 1);

        // Best translation within the range that cannot wrap around.
        double best = double.NegativeInfinity;
        int bi = 0, bj = 0, bk = 0;
        foreach (var (index, ti, tj, tk) in _shifts)
        {
            float c = b.Correlation[index];
            if (c > best) { best = c; bi = ti; bj = tj; bk = tk; }
        }
        var tau = new Vector3d(bi + Parabolic(b.Correlation, bi, bj, bk, 0), bj + Parabolic(b.Correlation, bi, bj, bk,
            1), bk + Parabolic(b.Correlation, bi, bj, bk, 2));
        double denominator = shape.Count * _fixedNorm * Math.Sqrt(norm);
        double score = denominator > 0 ? best / denominator : 0;
        // X = Xm + tau + L s (Y - Ym)  =>  T = Xm + tau - L s Ym.
        var lym = pose0.Linear.Apply(new Vector3d(s * _movingCentroid.X, s * _movingCentroid.Y, s * _movingCentroid.Z));
        var t = new Vector3d(_fixedCentre.X + tau.X * _pixel - lym.X, _fixedCentre.Y + tau.Y * _pixel - lym.Y,
            _fixedCentre.Z + tau.Z * _pixel - lym.Z);
        return new RotationHit(pose0 with { Translation = t }, score);
    }

    /// <summary>Scores every combination in parallel and keeps the best few per hand, at least <paramref
    /// name="separationDegrees"/> apart.</summary>
    public List<RotationHit> Search(IReadOnlyList<Matrix3> rotations, IReadOnlyList<bool> hands,
        IReadOnlyList<double> logScales, int keepPerHand, double separationDegrees, Action<int>? progress = null)
    {
        var jobs = (from r in Enumerable.Range(0, rotations.Count) from h in hands from ls in logScales select (r, h,
            ls)).ToArray();
        var hits = new RotationHit[jobs.Length];
        int done = 0;
        Parallel.For(0, jobs.Length, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount },
            CreateBuffers, (i, _, buffers) =>
        {
            var (r, h, ls) = jobs[i];
            hits[i] = Evaluate(rotations[r], h, ls, buffers);
            int d = Interlocked.Increment(ref done);
            if (progress is not null && d % 256 == 0) progress(d);
            return buffers;
        }, _ => { });
        var kept = new List<RotationHit>();
        double separation = separationDegrees * Math.PI / 180;
        foreach (bool hand in hands)
        {
            var chosen = new List<RotationHit>();
            foreach (var hit in hits.Where(x => x.Pose.Mirrored == hand).OrderByDescending(x => x.Score))
            {
                if (chosen.Count >= keepPerHand) break;
                if (chosen.Any(c => Matrix3.AngleBetween(c.Pose.Rotation, hit.Pose.Rotation) < separation)) continue;
                chosen.Add(hit);
            }
            kept.AddRange(chosen);
        }
        return kept;
    }

    private double Parabolic(float[] c, int i, int j, int k, int axis)
    {
        int Idx(int a, int b2,
            int c2) => ((a % _n) + _n) % _n + _n * ((((b2 % _n) + _n) % _n) + _n * (((c2 % _n) + _n) % _n));
        double ym, y0 = c[Idx(i, j, k)], yp;
        (ym, yp) = axis switch
        {
            0 => (c[Idx(i - 1, j, k)], c[Idx(i + 1, j, k)]),
            1 => (c[Idx(i, j - 1, k)], c[Idx(i, j + 1, k)]),
            _ => (c[Idx(i, j, k - 1)], c[Idx(i, j, k + 1)]),
        };
        double den = ym - 2 * y0 + yp;
        return den < 0 ? Math.Clamp(0.5 * (ym - yp) / den, -0.5, 0.5) : 0;
    }

    private static Grid SplineToGrid(MovingMap m)
    {
        var s = m.Spline.Shape;
        var g = new Grid(s);
        for (int k = 0; k < s.Z; k++)
            for (int j = 0; j < s.Y; j++)
                for (int i = 0; i < s.X; i++)
                    g[i, j, k] = m.Spline.Sample(i, j, k);
        return g;
    }

    private static double Trilinear(Grid g, double x, double y, double z)
    {
        var s = g.Shape;
        if (x < 0 || y < 0 || z < 0 || x > s.X - 1 || y > s.Y - 1 || z > s.Z - 1) return 0;
        int x0 = Math.Min((int)x, s.X - 2), y0 = Math.Min((int)y, s.Y - 2), z0 = Math.Min((int)z, s.Z - 2);
        double fx = x - x0, fy = y - y0, fz = z - z0;
        var d = g.Data;
        long sx = 1, sy = s.X, sz = (long)s.X * s.Y;
        long o = x0 + sy * y0 + sz * z0;
        double c00 = d[o] + fx * (d[o + sx] - d[o]);
        double c10 = d[o + sy] + fx * (d[o + sy + sx] - d[o + sy]);
        double c01 = d[o + sz] + fx * (d[o + sz + sx] - d[o + sz]);
        double c11 = d[o + sz + sy] + fx * (d[o + sz + sy + sx] - d[o + sz + sy]);
        double c0 = c00 + fy * (c10 - c00), c1 = c01 + fy * (c11 - c01);
        return c0 + fz * (c1 - c0);
    }
}
