using MathNet.Numerics;

namespace CryoMerge.Core.Imaging;

/// <summary>
/// Projections of a cubic map by the Fourier-slice theorem, done as RELION's <c>Projector</c> does them for
/// relion_project (R 3.1.3 <c>src/projector.cpp</c>): the map is divided by sinc^2 of r / (N x padding) (gridding
/// correction for trilinear interpolation), zero-padded to padding x N (default 2), Fourier transformed and
/// centred; components within radius N/2 x padding are kept; each projection samples that transform on the
/// rotated central plane by trilinear interpolation and is transformed back with its centre at pixel M/2.
/// Values are voxel sums along Z (line integrals in units of the map's voxels), as relion_project writes.
/// Building the projector needs about 64 N^3 bytes at padding 2 (1 GB for N = 256); projecting is thread-safe.
/// </summary>
public sealed class FourierProjector
{
    private readonly Complex32[] _data;
    private readonly int _n, _dx, _dy, _origin;
    private readonly double _padding;
    private readonly int _rMaxRef2;
    private readonly IFftBackend _fft;

    public FourierProjector(IFftBackend fft, Grid map, double padding = 2)
    {
        var s = map.Shape;
        if (s.X != s.Y || s.Y != s.Z) throw new ArgumentException($"projection needs a cubic map, not {s}");
        if (padding < 1) throw new ArgumentOutOfRangeException(nameof(padding), padding,
            "the padding factor must be at least 1");
        _fft = fft;
        _n = s.X;
        int paddedSize = (int)(padding * _n + 0.5);
        paddedSize += paddedSize % 2;
        _padding = (float)paddedSize / _n;   // RELION keeps the padding factor as a float
        int rMax = _n / 2;
        int rMaxPadded = (int)(_padding * rMax + 0.5);
        int padSize = 2 * (rMaxPadded + 1) + 1;
        _dx = padSize / 2 + 1;
        _dy = padSize;
        _origin = padSize / 2;               // logical Y/Z index 0 sits here (setXmippOrigin of an odd size)
        _rMaxRef2 = (int)(rMax * _padding) * (int)(rMax * _padding);
        _data = new Complex32[(long)_dx * _dy * _dy];
        Fill(map, paddedSize, rMaxPadded * rMaxPadded);
    }

    /// <summary>Side of the map.</summary>
    public int MapSize => _n;

    /// <summary>The padding factor really used (padded size rounded to even, divided by N).</summary>
    public double Padding => _padding;

    private void Fill(Grid map, int paddedSize, int maxR2)
    {
        int n = _n, h = n / 2, p = paddedSize, ph = p / 2;
        var padded = new float[(long)p * p * p];
        for (int z = 0; z < n; z++)
            for (int y = 0; y < n; y++)
                for (int x = 0; x < n; x++)
                {
                    int k = z - h, i = y - h, j = x - h;
                    double v = map.Data[x + n * (y + (long)n * z)];
                    double r = Math.Sqrt(k * k + i * i + j * j);
                    if (r > 0)
                    {
                        double rval = r / (n * _padding);
                        double sinc = Math.Sin(Math.PI * rval) / (Math.PI * rval);
                        v /= sinc * sinc;
                    }
                    padded[(x - h + ph) + p * ((y - h + ph) + (long)p * (z - h + ph))] = (float)v;
                }
        var shape = new Shape3(p, p, p);
        var spectrum = new Complex32[FftLayout.SpectrumLength(shape)];
        _fft.ForwardReal(shape, padded, spectrum);
        padded = null;
        // RELION: forward transform / p^3, times normfft = padding^3 x N, centred by (-1)^(k+i+j).
        double scale = _padding * _padding * _padding * n / ((double)p * p * p);
        int hp = p / 2 + 1;
        for (int k = 0; k < p; k++)
        {
            int kp = k < hp ? k : k - p;
            for (int i = 0; i < p; i++)
            {
                int ip = i < hp ? i : i - p;
                for (int j = 0; j < hp; j++)
                {
                    int r2 = kp * kp + ip * ip + j * j;
                    if (r2 > maxR2) continue;
                    var value = spectrum[j + hp * (i + (long)p * k)];
                    double sign = ((k ^ i ^ j) & 1) != 0 ? -scale : scale;
                    _data[j + _dx * ((ip + _origin) + (long)_dy * (kp + _origin))] = new Complex32((float)(value.Real
                        * sign), (float)(value.Imaginary * sign));
                }
            }
        }
    }

    /// <summary>
    /// The half spectrum ((M/2 + 1) x M, FFTW layout, RELION's 1/M^2 normalisation) of the projection of the map
    /// rotated by <paramref name="rotation"/>, sampled on an M-pixel image whose pixel is
    /// <paramref name="pixelRatio"/> times the map's (1 for relion_project). Units stay voxel sums of the output pixel.
    /// </summary>
    public void ProjectSpectrum(Matrix3 rotation, int size, double pixelRatio, Span<Complex32> spectrum)
    {
        int hx = size / 2 + 1;
        if (spectrum.Length != (long)hx
            * size) throw new ArgumentException($"spectrum must hold {(long)hx * size} values");
        spectrum.Clear();
        // Output frequency index x corresponds to map index x * s; amplitudes follow the change of sampling.
        double s = _n / (size * pixelRatio);
        float amplitude = (float)(s * s / pixelRatio);
        // Ainv = A^T, times the padding (and the scale between output and map sampling).
        double f = _padding * s;
        double a00 = rotation.M00 * f, a01 = rotation.M10 * f;
        double a10 = rotation.M01 * f, a11 = rotation.M11 * f;
        double a20 = rotation.M02 * f, a21 = rotation.M12 * f;
        int rMaxOut = hx - 1, rMaxOut2 = rMaxOut * rMaxOut;
        for (int i = 0; i < size; i++)
        {
            int y = i <= rMaxOut ? i : i - size;
            int xMax = (int)Math.Floor(Math.Sqrt(rMaxOut2 - y * y));
            var row = spectrum.Slice(i * hx, hx);
            for (int x = 0; x <= xMax; x++)
            {
                double xp = a00 * x + a01 * y, yp = a10 * x + a11 * y, zp = a20 * x + a21 * y;
                // Points exactly on the cut-off sphere (the Nyquist components on the output axes) are kept; RELION
                // keeps
                // or drops them depending on the last bit of its SVD-based inverse of the Euler matrix.
                if (xp * xp + yp * yp + zp * zp > _rMaxRef2 * (1 + 1e-9)) continue;
                bool conjugate = xp < 0;
                if (conjugate) { xp = -xp; yp = -yp; zp = -zp; }
                var value = Interpolate(xp, yp, zp, out bool inside);
                if (!inside) continue;
                row[x] = conjugate ? new Complex32(value.Real * amplitude,
                    -value.Imaginary * amplitude) : value * amplitude;
            }
        }
    }

    private Complex32 Interpolate(double xp, double yp, double zp, out bool inside)
    {
        int x0 = (int)Math.Floor(xp), y0 = (int)Math.Floor(yp), z0 = (int)Math.Floor(zp);
        float fx = (float)(xp - x0), fy = (float)(yp - y0), fz = (float)(zp - z0);
        y0 += _origin;
        z0 += _origin;
        inside = x0 >= 0 && x0 + 1 < _dx && y0 >= 0 && y0 + 1 < _dy && z0 >= 0 && z0 + 1 < _dy;
        if (!inside) return default;
        long plane = (long)_dx * _dy;
        long i000 = x0 + _dx * (y0 + (long)_dy * z0);
        long i010 = i000 + _dx, i100 = i000 + plane, i110 = i100 + _dx;
        var d = _data;
        var dx00 = Lerp(fx, d[i000], d[i000 + 1]);
        var dx01 = Lerp(fx, d[i100], d[i100 + 1]);
        var dx10 = Lerp(fx, d[i010], d[i010 + 1]);
        var dx11 = Lerp(fx, d[i110], d[i110 + 1]);
        var dxy0 = Lerp(fy, dx00, dx10);
        var dxy1 = Lerp(fy, dx01, dx11);
        return Lerp(fz, dxy0, dxy1);
    }

    private static Complex32 Lerp(float t, Complex32 a, Complex32 b) =>
        new(a.Real + (b.Real - a.Real) * t, a.Imaginary + (b.Imaginary - a.Imaginary) * t);

    /// <summary>
    /// Transforms a projection half spectrum back to an M x M image with the projection centre at pixel
    /// (M/2 + shiftX, M/2 + shiftY). The spectrum is overwritten.
    /// </summary>
    public void ToImage(Span<Complex32> spectrum, int size, double shiftX, double shiftY, Span<float> image)
    {
        FourierShift.Apply(spectrum, size, size, size / 2 + shiftX, size / 2 + shiftY);
        _fft.InverseReal(new Shape3(size, size, 1), spectrum, image, 1);
    }

    /// <summary>The projection image of the rotated map at the map's own pixel size, centred at M/2 = N/2.</summary>
    public Grid Project(Matrix3 rotation)
    {
        var shape = new Shape3(_n, _n, 1);
        var spectrum = new Complex32[FftLayout.SpectrumLength(shape)];
        ProjectSpectrum(rotation, _n, 1, spectrum);
        var image = new Grid(shape);
        ToImage(spectrum, _n, 0, 0, image.Data);
        return image;
    }
}
