using CryoMerge.Core.Imaging;
using MathNet.Numerics;

namespace CryoMerge.Core.Extraction;

/// <summary>
/// Cuts one particle out of a micrograph and applies relion_preprocess's per-image operations
/// (R 3.1.3 <c>src/preprocessing.cpp</c> extractParticlesFromOneMicrograph, performPerImageOperations):
/// the coordinate is truncated to an integer (xpos = (long) x), the box is [xpos - N/2, xpos + N/2 - 1], pixels
/// beyond the micrograph repeat its nearest edge row or column; then rescale (RELION's resizeMap, a Fourier
/// crop or pad), window about the centre, normalise (<see cref="BackgroundNormalisation"/>), invert. Holds its own
/// buffers: one instance per thread, reused for every particle.
/// </summary>
public sealed class ParticleProcessor
{
    private readonly IFftBackend _fft;
    private readonly ExtractionSettings _settings;
    private readonly Grid _box, _scaled, _output;
    private readonly Complex32[]? _spectrum, _scaledSpectrum;
    private readonly BackgroundNormalisation? _normalisation;

    public ParticleProcessor(IFftBackend fft, ExtractionSettings settings)
    {
        settings.Validate();
        _fft = fft;
        _settings = settings;
        int n = settings.Box, s = settings.ScaledSize, o = settings.OutputSize;
        _box = Grid.Square(n);
        if (settings.Scale is not null && s != n)
        {
            _spectrum = new Complex32[FftLayout.SpectrumLength(_box.Shape)];
            _scaledSpectrum = new Complex32[FftLayout.SpectrumLength(new Shape3(s, s, 1))];
            _scaled = Grid.Square(s);
        }
        else
        {
            _scaled = _box;
        }
        _output = o != s ? Grid.Square(o) : _scaled;
        if (settings.Normalise) _normalisation = new BackgroundNormalisation(o, settings.BackgroundRadius,
            settings.Ramp);
    }

    public ExtractionSettings Settings => _settings;

    /// <summary>Whether the last particle had a flat background and was left unnormalised (RELION warns and goes
    /// on).</summary>
    public bool LastWasFlat { get; private set; }

    /// <summary>
    /// RELION's rule for a particle that cannot be extracted: its box lies entirely outside the micrograph.
    /// </summary>
    public static bool IsOutside(long xpos, long ypos, int box, int width, int height)
    {
        long x0 = xpos - box / 2, xF = xpos + box / 2 - 1, y0 = ypos - box / 2, yF = ypos + box / 2 - 1;
        return yF < 0 || y0 >= height || xF < 0 || x0 >= width;
    }

    /// <summary>RELION's integer particle position: the coordinate cast to an integer (truncated toward
    /// zero).</summary>
    public static long Truncate(double coordinate) => (long)coordinate;

    /// <summary>
    /// Extracts and processes the particle at (x, y) of a micrograph (width x height, X fastest). The result is valid
    /// until the next call.
    /// </summary>
    public ReadOnlySpan<float> Process(ReadOnlySpan<float> micrograph, int width, int height, double x, double y)
    {
        long xpos = Truncate(x), ypos = Truncate(y);
        if (IsOutside(xpos, ypos, _settings.Box, width, height))
            throw new ArgumentOutOfRangeException(nameof(x),
                $"particle at ({x}, {y}) lies entirely outside the {width} x {height} micrograph");
        Cut(micrograph, width, height, xpos, ypos);
        if (_spectrum is not null) Rescale();
        if (!ReferenceEquals(_output, _scaled)) RealSpaceWindow.Window(_scaled, _output);
        var data = _output.Data.AsSpan();
        // Normalisation and inversion in one pass; an image with a flat background is only inverted, as in RELION.
        LastWasFlat = _normalisation is not null && !_normalisation.Apply(data, _settings.Invert ? -1 : 1);
        if (_settings.Invert && (_normalisation is null || LastWasFlat))
            for (int i = 0; i < data.Length; i++) data[i] = -data[i];
        return data;
    }

    /// <summary>The box [xpos - N/2, xpos + N/2 - 1] with edge rows and columns repeated beyond the
    /// micrograph.</summary>
    private void Cut(ReadOnlySpan<float> micrograph, int width, int height, long xpos, long ypos)
    {
        int n = _settings.Box;
        long x0 = xpos - n / 2, y0 = ypos - n / 2;
        var box = _box.Data.AsSpan();
        // Columns inside the micrograph: [xa, xb) of the box.
        int xa = (int)Math.Clamp(-x0, 0, n), xb = (int)Math.Clamp(width - x0, 0, n);
        for (int r = 0; r < n; r++)
        {
            long my = Math.Clamp(y0 + r, 0, height - 1);
            var src = micrograph.Slice((int)(my * width), width);
            var dst = box.Slice(r * n, n);
            if (xa < xb) src.Slice((int)(x0 + xa), xb - xa).CopyTo(dst[xa..xb]);
            if (xa > 0) dst[..xa].Fill(src[0]);
            if (xb < n) dst[xb..].Fill(src[width - 1]);
        }
    }

    /// <summary>RELION's resizeMap: forward transform / N^2, crop or zero-pad the half spectrum, inverse
    /// transform.</summary>
    private void Rescale()
    {
        int n = _settings.Box, s = _settings.ScaledSize;
        _fft.ForwardReal(_box.Shape, _box.Data, _spectrum, 1);
        FourierResize.WindowSpectrum(_spectrum, n, 2, _scaledSpectrum, s);
        float scale = (float)(1.0 / ((double)n * n));
        var spec = _scaledSpectrum!;
        for (int i = 0; i < spec.Length; i++) spec[i] *= scale;
        _fft.InverseReal(_scaled.Shape, spec, _scaled.Data, 1);
    }
}
