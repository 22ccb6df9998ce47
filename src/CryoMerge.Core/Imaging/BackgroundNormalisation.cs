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
    private readonly int[] _rowStart, _rowEnd;   // per row: the background is x < start or x >= end (inside circle between)
    private readonly double _d, _e, _f, _g, _h, _i;  // plane-fit sums that depend only on the coordinates
    private readonly bool _ramp;

    public BackgroundNormalisation(int size, int radius, bool ramp = true)
    {
        if (size < 2) throw new ArgumentOutOfRangeException(nameof(size), size, "the image must have at least 2 pixels per side");
        if (radius < 0 || 2 * radius > size)
            throw new ArgumentOutOfRangeException(nameof(radius), radius, $"2 x the background radius must not exceed the image size {size}");
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
        if (count < 5) throw new ArgumentOutOfRangeException(nameof(radius), radius, $"a background circle of radius {radius} leaves no background in a {size}-pixel image");
        BackgroundPixels = count;
        (_d, _e, _f, _g, _h, _i) = (d, e, f, g, h, count);
    }

    public int Size => _size;

    public int Radius { get; }

    public long BackgroundPixels { get; }

    /// <summary>Normalises <paramref name="image"/> (Size x Size, X fastest) in place; false when its background is flat.</summary>
    public bool Apply(Span<float> image)
    {
        if (image.Length != _size * _size) throw new ArgumentException($"the image must hold {_size * _size} values");
        if (_ramp) SubtractRamp(image);
        double sum = 0, sum2 = 0;
        for (int y = 0; y < _size; y++)
        {
            var row = image.Slice(y * _size, _size);
            Accumulate(row[.._rowStart[y]], ref sum, ref sum2);
            Accumulate(row[_rowEnd[y]..], ref sum, ref sum2);
        }
        double n = BackgroundPixels;
        double mean = sum / n;
        double stddev = Math.Sqrt(sum2 / n - mean * mean);
        if (!(stddev >= 1e-10)) return false;
        for (int k = 0; k < image.Length; k++) image[k] = (float)((image[k] - mean) / stddev);
        return true;
    }

    private void SubtractRamp(Span<float> image)
    {
        // fitLeastSquaresPlane with unit weights: only J = sum x z, K = sum y z, L = sum z depend on the image.
        double jSum = 0, kSum = 0, lSum = 0;
        for (int y = 0; y < _size; y++)
        {
            int i = y - _half;
            var row = image.Slice(y * _size, _size);
            double rowSum = 0, rowX = 0;
            for (int x = 0; x < _rowStart[y]; x++) { rowSum += row[x]; rowX += (double)(x - _half) * row[x]; }
            for (int x = _rowEnd[y]; x < _size; x++) { rowSum += row[x]; rowX += (double)(x - _half) * row[x]; }
            jSum += rowX;
            kSum += i * rowSum;
            lSum += rowSum;
        }
        double d = _d, e = _e, f = _f, g = _g, h = _h, ii = _i;
        double denom = f * f * g - 2 * e * f * h + d * h * h + e * e * ii - d * g * ii;
        double a = (h * h * jSum - g * ii * jSum + e * ii * kSum + f * g * lSum - h * (f * kSum + e * lSum)) / denom;
        double b = (e * ii * jSum + f * f * kSum - d * ii * kSum + d * h * lSum - f * (h * jSum + e * lSum)) / denom;
        double c = (f * g * jSum - e * h * jSum - e * f * kSum + d * h * kSum + e * e * lSum - d * g * lSum) / denom;
        for (int y = 0; y < _size; y++)
        {
            double rowPlane = b * (y - _half) + c;
            var row = image.Slice(y * _size, _size);
            for (int x = 0; x < _size; x++) row[x] = (float)(row[x] - (a * (x - _half) + rowPlane));
        }
    }

    private static void Accumulate(ReadOnlySpan<float> values, ref double sum, ref double sum2)
    {
        foreach (float v in values)
        {
            sum += v;
            sum2 += (double)v * v;
        }
    }
}
