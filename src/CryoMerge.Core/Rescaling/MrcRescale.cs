using System.Runtime.ExceptionServices;
using CryoMerge.Core.Formats;
using CryoMerge.Core.Imaging;

namespace CryoMerge.Core.Rescaling;

/// <summary>
/// Rescales one MRC file (a map, a micrograph, a particle stack or a movie) into a new file, as
/// relion_image_handler --rescale_angpix / --new_box does (or by cubic B-splines to the exact pixel size).
/// This is the unit of work a distributed worker runs: paths and a small options record in, a small result
/// record out. Stacks and movies are streamed: a few workers each hold one image and its buffers, whatever
/// the number of frames. The output appears atomically; on any failure or cancellation nothing is left
/// under its name, and the input is never written.
/// </summary>
public static class MrcRescale
{
    /// <param name="imagesDone">Called (from worker threads) with 1 after each image or map is written; for
    /// progress.</param>
    public static RescaleResult Rescale(string input, string output, RescaleOptions options, IFftBackend fft,
        CancellationToken cancellationToken = default, Action<int>? imagesDone = null)
    {
        options.Validate();
        string inputPath = RelionPaths.StripTypeSuffix(input), outputPath = RelionPaths.StripTypeSuffix(output);
        OutputFiles.EnsureNotInput(outputPath, inputPath);
        FileFormats.RequireMrc(inputPath);
        using var mrc = MrcFile.Open(inputPath, MrcReadOptions.Permissive);
        var plan = FileRescalePlan.Create(mrc, input, options);
        cancellationToken.ThrowIfCancellationRequested();

        int threads = options.Threads > 0 ? options.Threads : Environment.ProcessorCount;
        long perWorker = ImageRescaler.WorkerBytes(plan.Image);
        // A header with an absurd pixel size asks for an absurd box: say so instead of running out of memory.
        long available = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;
        if (perWorker > available / 2)
        {
            string what = plan.Kind == ImageFileKind.Map ? "map" : "image";
            throw new CryoMergeInputException(input,
                FormattableString.Invariant($"rescaling one {what} from {plan.Image.InputPixelSize:0.######} A ")
                + FormattableString.Invariant($"to {plan.Image.OutputPixelSize:0.######} A would need ")
                + FormattableString.Invariant($"{perWorker / 1e9:0.#} GB, more than half of the ")
                + FormattableString.Invariant($"{available / 1e9:0.#} GB ")
                + "available; check both pixel sizes");
        }
        long byMemory = Math.Max(1, (options.MaxBufferBytes ?? RescaleOptions.DefaultMaxBufferBytes) / Math.Max(1,
            perWorker));
        int workers = plan.Kind == ImageFileKind.Map ? 1 : (int)Math.Clamp(Math.Min(options.MaxImagesInFlight
            ?? threads, byMemory), 1, plan.Images);
        // Images in parallel get one FFT thread each; a lone image or map gets them all.
        int perImageThreads = workers > 1 ? 1 : options.Threads;
        var flight = new Flight();
        try
        {
            using var writer = MrcWriter.Create(outputPath, plan.OutputFileShape, plan.OutputHeader(mrc));
            if (workers == 1) Work(mrc, writer, plan, fft, perImageThreads, flight, cancellationToken, imagesDone);
            else
            {
                using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                RunWorkers(workers, () => Work(mrc, writer, plan, fft, perImageThreads, flight, stop.Token, imagesDone),
                    stop, cancellationToken);
            }
            cancellationToken.ThrowIfCancellationRequested();
            writer.Commit();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Disk full, no permission and the like: the temporary file is gone already; name the output, not the
            // temporary file.
            string reason = e.Message.Split(" : '")[0].TrimEnd('.', ' ');
            throw new CryoMergeInputException(output, $"not written: {reason}; nothing was left under this name", e);
        }
        var image = plan.Image;
        return new RescaleResult(input, output, plan.Kind, options.Method, plan.FileShape, plan.OutputFileShape,
            plan.Images,
            image.InputPixelSize, plan.PixelSize.Source, image.RequestedPixelSize, image.OutputPixelSize, image.NewBox,
            plan.BetterBoxes(), plan.Notes, workers, flight.Peak, flight.BufferBytes);
    }

    /// <summary>One worker: takes the next image until none is left, with buffers allocated once.</summary>
    private static void Work(MrcFile mrc, MrcWriter writer, FileRescalePlan plan, IFftBackend fft, int threads,
        Flight flight,
        CancellationToken cancellationToken, Action<int>? imagesDone)
    {
        var rescaler = new ImageRescaler(fft, plan.Image, threads);
        var frame = new float[rescaler.FrameLength];
        flight.AddBuffers(rescaler.BufferBytes + 4L * frame.Length);
        int inputCount = checked((int)plan.Image.InputShape.Count);
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            int index = flight.Next();
            if (index >= plan.Images) return;
            flight.Enter();
            try
            {
                var data = frame.AsSpan(0, inputCount);
                if (plan.Kind == ImageFileKind.Map) mrc.ReadSections(0, plan.FileShape.Z, data);
                else mrc.ReadSection(index, data);
                string what = plan.Kind == ImageFileKind.Map ? "the map" : $"image {index + 1}";
                NonFiniteValues.Require(data, plan.Input, what,
                    plan.FileShape.X, plan.FileShape.Y);
                var result = rescaler.Rescale(frame);
                if (plan.Kind == ImageFileKind.Map) writer.WriteAll(result);
                else writer.WriteSection(index, result);
            }
            finally
            {
                flight.Leave();
            }
            imagesDone?.Invoke(1);
        }
    }

    /// <summary>Runs the workers on their own threads; the first failure stops the others and is rethrown as
    /// itself.</summary>
    private static void RunWorkers(int workers, Action work, CancellationTokenSource stop,
        CancellationToken cancellationToken)
    {
        var tasks = new Task[workers];
        for (int w = 0; w < workers; w++)
            tasks[w] = Task.Factory.StartNew(() =>
            {
                try { work(); }
                catch { stop.Cancel(); throw; }
            }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        try
        {
            Task.WaitAll(tasks);
        }
        catch (AggregateException e)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var first = e.InnerExceptions.FirstOrDefault(x => x is not OperationCanceledException)
                ?? e.InnerExceptions[0];
            ExceptionDispatchInfo.Capture(first).Throw();
        }
    }

    /// <summary>Hands out image indices and counts images in flight and buffer bytes, across workers.</summary>
    private sealed class Flight
    {
        private int _next = -1, _current, _peak;
        private long _bufferBytes;

        public int Peak => Volatile.Read(ref _peak);

        public long BufferBytes => Interlocked.Read(ref _bufferBytes);

        public int Next() => Interlocked.Increment(ref _next);

        public void AddBuffers(long bytes) => Interlocked.Add(ref _bufferBytes, bytes);

        public void Enter()
        {
            int now = Interlocked.Increment(ref _current);
            int peak;
            while (now > (peak = Volatile.Read(ref _peak)) && Interlocked.CompareExchange(ref _peak, now,
                peak) != peak) { }
        }

        public void Leave() => Interlocked.Decrement(ref _current);
    }
}
