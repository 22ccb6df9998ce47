namespace CryoMerge.Core.Imaging;

/// <summary>
/// RELION's particle normalisation (R 3.1.3 <c>src/image.cpp</c> normalise, subtractBackgroundRamp,
/// calculateBackgroundAvgStddev) for square images of one size: the background is every pixel with
/// i^2 + j^2 &gt; r^2 (logical coordinates, centre at N/2, integer radius r); optionally a least-squares plane
/// a x + b y + c is fitted to the background and subtracted from the whole image; then every pixel becomes
/// (v - mean) / stddev of the background, with stddev = sqrt(sum v^2 / n - mean^2) as RELION computes it. An image
/// whose background is flat (stddev &lt; 1e-10) is left as it is, as RELION does. Sums are in double precision.
/// One instance serves any number of images of that size; it is immutable and thread-safe.
/// </summary>
public sealed class BackgroundNormalisation
{
    private readonly int _size, _half;
    // per row: the background is x < start or x >= end (inside circle between)
    private readonly int[] _rowStart, _rowEnd;
    private readonly double _d, _e, _f, _g, _h, _i;  // plane-fit sums that depend only on the coordinates
    private readonly bool _ramp;

    public BackgroundNormalisation(int size, int radius, bool ramp = true)
    {
        if (size < 2) throw new ArgumentOutOfRangeException(nameof(size), size,
            "the image must have at least 2 pixels per side");
        if (radius < 0 || 2 * radius > size)
            throw new ArgumentOutOfRangeException(nameof(radius), radius,
                $"2 x the background radius must not exceed the image size {size}");
        _size = size;
        _half = size / 2;
        Radius = radius;
        _ramp = ramp;
        _rowStart = new int[size];
        _rowEnd = new int[size];
        long r2 = (long)radius * radius;
        long count = 0;
        double d = 0, e = 0, f = 0, g = 0, h = 0;
        for (int y = 0; y < size; y++)
        {
            int i = y - _half;
            // Inside (not background): j^2 <= r^2 - i^2.
            long rest = r2 - (long)i * i;
            int start, end;
            if (rest < 0) { start = 0; end = 0; }   // whole row is background
            else
            {
                int jMax = (int)Math.Floor(Math.Sqrt(rest));
                while ((long)(jMax + 1) * (jMax + 1) <= rest) jMax++;
                while ((long)jMax * jMax > rest) jMax--;
                start = Math.Max(0, -jMax + _half);
                end = Math.Min(size, jMax + _half + 1);
            }
            _rowStart[y] = start;
            _rowEnd[y] = end;
            for (int x = 0; x < size; x++)
            {
                if (x >= start && x < end) continue;
                int j = x - _half;
                d += (double)j * j;
                e += (double)j * i;
                f += j;
                g += (double)i * i;
                h += i;
                count++;
            }
        }
        if (count < 5) throw new ArgumentOutOfRangeException(nameof(radius), radius,
            $"a background circle of radius {radius} leaves no background in a {size}-pixel image");
        BackgroundPixels = count;
        (_d, _e, _f, _g, _h, _i) = (d, e, f, g, h, count);
    }

    public int Size => _size;

    public int Radius { get; }

    public long BackgroundPixels { get; }

    /// <summary>Normalises <paramref name="image"/> (Size x Size, X fastest) in place; false when its background is
    /// flat.</summary>
    public bool Apply(Span<float> image) => Apply(image, 1);

    /// <summary>
    /// Normalises in place and multiplies by <paramref name="factor"/> (-1 inverts the contrast in the same pass);
    /// false when the background is flat, in which case only the plane is subtracted, as RELION does.
    /// </summary>
    public bool Apply(Span<float> image, double factor)
    {
        if (image.Length != _size * _size) throw new ArgumentException($"the image must hold {_size * _size} values");
        // One pass over the background: sum v, sum v^2, sum x v, sum y v (x, y logical). The plane fit and the
        // background statistics after subtracting it follow from these and the fixed coordinate sums, so the image
        // is then written once: out = (v - plane - mean) / stddev.
        double sum = 0, sum2 = 0, sumX = 0, sumY = 0;
        for (int y = 0; y < _size; y++)
        {
            var row = image.Slice(y * _size, _size);
            double rowSum = 0, rowSum2 = 0, rowX = 0;
            Background(row[.._rowStart[y]], -_half, ref rowSum, ref rowSum2, ref rowX);
            Background(row[_rowEnd[y]..], _rowEnd[y] - _half, ref rowSum, ref rowSum2, ref rowX);
            sum += rowSum;
            sum2 += rowSum2;
            sumX += rowX;
            sumY += (y - _half) * rowSum;
        }
        double a = 0, b = 0, c = 0;
        if (_ramp)
        {
            // fitLeastSquaresPlane with unit weights: J = sum x v, K = sum y v, L = sum v.
            double d = _d, e = _e, f = _f, g = _g, h = _h, ii = _i, j = sumX, k = sumY, l = sum;
            double denom = f * f * g - 2 * e * f * h + d * h * h + e * e * ii - d * g * ii;
            a = (h * h * j - g * ii * j + e * ii * k + f * g * l - h * (f * k + e * l)) / denom;
            b = (e * ii * j + f * f * k - d * ii * k + d * h * l - f * (h * j + e * l)) / denom;
            c = (f * g * j - e * h * j - e * f * k + d * h * k + e * e * l - d * g * l) / denom;
        }
        // Background sums of r = v - (a x + b y + c).
        double n = BackgroundPixels;
        double planeSum = a * _f + b * _h + c * n;
        double planeSq = a * a * _d + b * b * _g + c * c * n + 2 * (a * b * _e + a * c * _f + b * c * _h);
        double residualSum = sum - planeSum;
        double residualSq = sum2 - 2 * (a * sumX + b * sumY + c * sum) + planeSq;
        double mean = residualSum / n;
        double stddev = Math.Sqrt(Math.Max(0, residualSq / n - mean * mean));
        bool flat = !(stddev >= 1e-10);
        double scale = flat ? 1 : factor / stddev;
        double offset = flat ? 0 : mean;
        if (flat && !_ramp) return false;
        for (int y = 0; y < _size; y++)
        {
            var row = image.Slice(y * _size, _size);
            double rowOffset = b * (y - _half) + c + offset;
            double x0 = -_half * a;
            for (int x = 0; x < row.Length; x++) row[x] = (float)((row[x] - (a * x + x0 + rowOffset)) * scale);
        }
        return !flat;
    }

    private static void Background(ReadOnlySpan<float> values, int firstX, ref double sum, ref double sum2,
        ref double sumX)
    {
        int x = firstX;
        foreach (float v in values)
        {
            sum += v;
            sum2 += (double)v * v;
            sumX += (double)x * v;
            x++;
        }
    }
}
