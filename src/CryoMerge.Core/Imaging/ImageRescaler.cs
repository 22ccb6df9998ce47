using MathNet.Numerics;

namespace CryoMerge.Core.Imaging;

/// <summary>
/// Carries out an <see cref="ImageRescalePlan"/> on one image (or map) after another, with its buffers
/// allocated once: the worker of a stack or movie owns one, so memory stays at one image's worth per worker
/// whatever the number of frames. For the common case (a square image shrunk by the Fourier method) the
/// only buffer besides the caller's frame is the half spectrum; the result is written back into the frame.
/// Not thread-safe: one instance per thread.
/// </summary>
public sealed class ImageRescaler
{
    private readonly ImageRescalePlan _plan;
    private readonly int _threads;
    private readonly FourierResizer? _resizer;
    private readonly SplineResampler? _spline;
    private readonly Complex32[]? _spectrum;   // spline low-pass
    private readonly float[]? _square;         // non-square 2-D image padded to a square (Fourier)
    private readonly float[]? _resampled;      // rescaled image, when it cannot be built in the frame
    private readonly float[]? _windowed;       // second buffer for the windows after rescaling

    /// <param name="threads">Threads for one image: 1 when images run in parallel, 0 = all cores.</param>
    public ImageRescaler(IFftBackend fft, ImageRescalePlan plan, int threads = 0)
    {
        if (plan.Problem is not null) throw new ArgumentException(plan.Problem, nameof(plan));
        _plan = plan;
        _threads = threads;
        Fft = fft;
        var (input, resampled, output) = (plan.InputShape, plan.ResampledShape, plan.OutputShape);
        long frame = Math.Max(input.Count, Math.Max(resampled.Count, output.Count));
        bool windows = false;
        if (plan.Rescales && plan.Method == RescaleMethod.Fourier)
        {
            var relion = plan.Relion!;
            _resizer = new FourierResizer(fft, relion.OldSize, relion.NewSize, plan.IsVolume ? 3 : 2, threads);
            if (!plan.IsVolume && input.X != input.Y) _square = new float[(long)relion.OldSize * relion.OldSize];
            frame = Math.Max(frame, _resizer.OutputShape.Count);   // resized in place in the frame
            windows = _resizer.OutputShape != resampled || resampled != output;
        }
        else if (plan.Rescales)
        {
            double inputPerOutput = plan.OutputPixelSize / plan.InputPixelSize;
            _spline = new SplineResampler(input, resampled, inputPerOutput);
            if (inputPerOutput > 1) _spectrum = new Complex32[FftLayout.SpectrumLength(input)];
            _resampled = new float[resampled.Count];   // the new-box window, if any, goes from here into the frame
        }
        else
        {
            windows = input != output;
        }
        if (windows) _windowed = new float[frame];
        FrameLength = checked((int)frame);
    }

    public IFftBackend Fft { get; }

    public ImageRescalePlan Plan => _plan;

    /// <summary>Length the caller's frame buffer must have: at least the input image, more when the result is built in place.</summary>
    public int FrameLength { get; }

    /// <summary>Bytes held by this rescaler, frame excluded.</summary>
    public long BufferBytes =>
        (_resizer?.BufferBytes ?? 0) + (_spline?.BufferBytes ?? 0) + 8L * (_spectrum?.Length ?? 0)
        + 4L * ((_square?.Length ?? 0) + (_resampled?.Length ?? 0) + (_windowed?.Length ?? 0));

    /// <summary>
    /// Rescales the image held in the first <c>InputShape.Count</c> values of <paramref name="frame"/>, which
    /// is used as scratch. The returned span (output shape, X fastest) lives in the frame or in this
    /// rescaler and is valid until the next call.
    /// </summary>
    public ReadOnlySpan<float> Rescale(float[] frame)
    {
        if (frame.Length < FrameLength) throw new ArgumentException($"the frame must hold at least {FrameLength} values, not {frame.Length}");
        var (input, resampled, output) = (_plan.InputShape, _plan.ResampledShape, _plan.OutputShape);
        var image = frame.AsSpan(0, (int)input.Count);
        Span<float> current;
        Shape3 shape;
        if (_resizer is not null)
        {
            ReadOnlySpan<float> source = image;
            if (_square is not null)
            {
                RealSpaceWindow.Window(image, input, _square, _resizer.InputShape);
                source = _square;
            }
            shape = _resizer.OutputShape;
            current = frame.AsSpan(0, (int)shape.Count);   // may overlap the source: the resizer allows it
            _resizer.Resize(source, current);
        }
        else if (_spline is not null)
        {
            if (_spectrum is not null)
                FourierCropFilter.Apply(Fft, input, image, _spectrum, _plan.InputPixelSize / _plan.OutputPixelSize, _threads);
            current = _resampled;
            _spline.Resample(image, current, _threads);
            shape = resampled;
        }
        else
        {
            current = image;
            shape = input;
        }
        // RELION windows twice: a non-square image back to its aspect, then to the new box (zeros in between stay zeros).
        if (shape != resampled)
        {
            current = WindowInto(current, shape, resampled, frame);
            shape = resampled;
        }
        if (shape != output) current = WindowInto(current, shape, output, frame);
        return current;
    }

    /// <summary>Windows into whichever of the frame and the spare buffer does not hold the source.</summary>
    private Span<float> WindowInto(Span<float> source, Shape3 from, Shape3 to, float[] frame)
    {
        var target = source.Overlaps(frame) ? _windowed! : frame;
        var destination = target.AsSpan(0, (int)to.Count);
        RealSpaceWindow.Window(source, from, destination, to);
        return destination;
    }
}
