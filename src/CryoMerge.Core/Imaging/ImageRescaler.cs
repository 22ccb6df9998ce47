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
        var layout = Layout.Of(plan);
        if (layout.Fourier)
        {
            var relion = plan.Relion!;
            _resizer = new FourierResizer(fft, relion.OldSize, relion.NewSize, plan.IsVolume ? 3 : 2, threads);
        }
        else if (plan.Rescales)
        {
            _spline = new SplineResampler(plan.InputShape, plan.ResampledShape,
                plan.OutputPixelSize / plan.InputPixelSize);
        }
        if (layout.Square > 0) _square = new float[layout.Square];
        if (layout.Resampled > 0) _resampled = new float[layout.Resampled];
        if (layout.Windowed > 0) _windowed = new float[layout.Windowed];
        if (layout.LowPassSpectrum > 0) _spectrum = new Complex32[layout.LowPassSpectrum];
        FrameLength = checked((int)layout.Frame);
    }

    /// <summary>
    /// Bytes one worker needs for <paramref name="plan"/>: <see cref="OwnBytes"/> plus (estimated) the FFT
    /// library's own copies of the largest transform's input and output. Nothing is allocated.
    /// </summary>
    public static long WorkerBytes(ImageRescalePlan plan)
    {
        if (!plan.Rescales) return OwnBytes(plan);
        var transform = plan.Relion is { } relion && plan.Method == RescaleMethod.Fourier
            ? (plan.IsVolume ? new Shape3(relion.OldSize, relion.OldSize, relion.OldSize) : new Shape3(relion.OldSize,
                relion.OldSize, 1))
            : plan.InputShape;
        return OwnBytes(plan) + 4 * transform.Count + 8 * FftLayout.SpectrumLength(transform);
    }

    /// <summary>Bytes of a worker's frame and of the buffers a rescaler for <paramref name="plan"/>
    /// allocates.</summary>
    public static long OwnBytes(ImageRescalePlan plan)
    {
        var layout = Layout.Of(plan);
        long bytes = 4 * (layout.Frame + layout.Square + layout.Resampled + layout.Windowed) + 8
            * layout.LowPassSpectrum;
        if (layout.Fourier)
            bytes += FourierResizer.BufferBytesFor(plan.Relion!.OldSize, plan.Relion.NewSize, plan.IsVolume ? 3 : 2);
        else if (plan.Rescales)
            bytes += SplineResampler.BufferBytesFor(plan.InputShape, plan.ResampledShape);
        return bytes;
    }

    /// <summary>Buffer lengths (in values) for a plan; the constructor allocates exactly these.</summary>
    private readonly record struct Layout(bool Fourier, long Frame, long Square, long Resampled, long Windowed,
        long LowPassSpectrum)
    {
        public static Layout Of(ImageRescalePlan plan)
        {
            var (input, resampled, output) = (plan.InputShape, plan.ResampledShape, plan.OutputShape);
            long frame = Math.Max(input.Count, Math.Max(resampled.Count, output.Count));
            if (plan.Rescales && plan.Method == RescaleMethod.Fourier)
            {
                var relion = plan.Relion!;
                var square = plan.IsVolume ? new Shape3(relion.NewSize, relion.NewSize,
                    relion.NewSize) : new Shape3(relion.NewSize, relion.NewSize, 1);
                frame = Math.Max(frame, square.Count);   // resized in place in the frame
                bool windows = square != resampled || resampled != output;
                long padded = !plan.IsVolume && input.X != input.Y ? (long)relion.OldSize * relion.OldSize : 0;
                return new Layout(true, frame, padded, 0, windows ? frame : 0, 0);
            }
            if (plan.Rescales)
            {
                // The new-box window, if any, goes from the resampled buffer into the frame.
                long lowPass = plan.OutputPixelSize > plan.InputPixelSize ? FftLayout.SpectrumLength(input) : 0;
                return new Layout(false, frame, 0, resampled.Count, 0, lowPass);
            }
            return new Layout(false, frame, 0, 0, input != output ? frame : 0, 0);
        }
    }

    public IFftBackend Fft { get; }

    public ImageRescalePlan Plan => _plan;

    /// <summary>Length the caller's frame buffer must have: at least the input image, more when the result is built in
    /// place.</summary>
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
        if (frame.Length
            < FrameLength) throw new ArgumentException(
            $"the frame must hold at least {FrameLength} values, not {frame.Length}");
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
                FourierCropFilter.Apply(Fft, input, image, _spectrum,
                    _plan.InputPixelSize / _plan.OutputPixelSize, _threads);
            current = _resampled;
            _spline.Resample(image, current, _threads);
            shape = resampled;
        }
        else
        {
            current = image;
            shape = input;
        }
        // RELION windows twice: a non-square image back to its aspect, then to the new box (zeros in between stay
        // zeros).
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
