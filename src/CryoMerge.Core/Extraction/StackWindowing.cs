using CryoMerge.Core.Formats;
using CryoMerge.Core.Imaging;

namespace CryoMerge.Core.Extraction;

/// <summary>
/// One work item of <c>cryomerge window</c>: crop the listed images of one stack about their centre (RELION's
/// window: pixel N/2 stays the centre, as relion_preprocess --window and relion_image_handler --new_box do).
/// </summary>
/// <param name="InputStack">The stack on disk.</param>
/// <param name="Indices">1-based image numbers to keep, in output order (output image k is input image
/// Indices[k-1]).</param>
/// <param name="OutputStack">The stack to write (atomically; replaced if present).</param>
public sealed record StackWindowItem(string InputStack, IReadOnlyList<int> Indices, string OutputStack, int Size);

/// <summary>What a windowed stack turned out to be.</summary>
public sealed record StackWindowResult(string OutputStack, int Count, double Mean, double StdDev);

/// <summary>Windows particle stacks (the paper's Method 2 step iii, which relion_preprocess no longer does for STAR
/// files).</summary>
public static class StackWindowing
{
    /// <summary>Windows one stack; the header keeps the input's pixel size. Thread-safe; images of one stack may be
    /// processed on <paramref name="threads"/> threads (results do not depend on it).</summary>
    public static StackWindowResult Window(StackWindowItem item, int threads = 1)
    {
        if (item.Size < 2 || item.Size % 2
            != 0) throw new ArgumentException($"the window must be even and at least 2, not {item.Size}");
        using var input = MrcFile.Open(item.InputStack, MrcReadOptions.Permissive with { ForceStack = true });
        var shape = input.Shape;
        if (shape.X != shape.Y) throw new CryoMergeInputException(item.InputStack,
            $"images are {shape.X} x {shape.Y}; square particle images are needed");
        if (item.Size > shape.X)
            throw new CryoMergeInputException(item.InputStack,
                $"images are {shape.X} pixels; a window of {item.Size} would pad them (use relion_image_handler " +
                $"--new_box to pad)");
        foreach (int index in item.Indices)
            if (index < 1 || index > shape.Z) throw new CryoMergeInputException(item.InputStack,
                $"has {shape.Z} images; image {index} is named in the STAR file");
        var options = new MrcWriteOptions { PixelSize = input.PixelSize, IsStack = true };
        using var writer = MrcWriter.Create(item.OutputStack, new Shape3(item.Size, item.Size,
            item.Indices.Count), options);
        try
        {
            Parallel.For(0, item.Indices.Count, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, threads) },
                () => (In: Grid.Square(shape.X), Out: Grid.Square(item.Size)),
                (k, _, buffers) =>
                {
                    input.ReadSection(item.Indices[k] - 1, buffers.In.Data);
                    NonFiniteValues.Require(buffers.In.Data, item.InputStack, $"image {item.Indices[k]}", shape.X);
                    RealSpaceWindow.Window(buffers.In, buffers.Out);
                    writer.WriteSection(k, buffers.Out.Data);
                    return buffers;
                },
                _ => { });
        }
        catch (AggregateException e)
        {
            ParallelFailures.Rethrow(e);
        }
        writer.Commit();
        return new StackWindowResult(item.OutputStack, item.Indices.Count, writer.Statistics.Mean,
            writer.Statistics.StdDev);
    }
}

/// <summary>A checked windowing of every stack a particles STAR file names, with the STAR file to write
/// afterwards.</summary>
public sealed class WindowPlan
{
    internal WindowPlan(StarFile star, string outputDirectory, string starPath, IReadOnlyList<StackWindowItem> items,
        IReadOnlyList<string> warnings)
    {
        Star = star;
        OutputDirectory = outputDirectory;
        StarPath = starPath;
        Items = items;
        Warnings = warnings;
    }

    /// <summary>The output STAR file: the input with new image names and rlnImageSize.</summary>
    public StarFile Star { get; }

    public string StarPath { get; }

    /// <summary>The folder every output is written into.</summary>
    public string OutputDirectory { get; }

    public IReadOnlyList<StackWindowItem> Items { get; }

    public IReadOnlyList<string> Warnings { get; }

    public int ImageCount => Items.Sum(i => i.Indices.Count);

    /// <summary>
    /// Windows every stack (<paramref name="threads"/> at a time) and then writes the STAR file. The outputs are
    /// claimed first (<see cref="OutputRecord"/>; <paramref name="overwrite"/> replaces files cryomerge did not write
    /// there), and a failure removes the stacks this run created.
    /// </summary>
    public IReadOnlyList<StackWindowResult> Run(int threads = 0, Action<StackWindowResult>? progress = null,
        CancellationToken cancel = default,
        bool overwrite = false)
    {
        var claim = OutputRecord.Claim(OutputDirectory, Items.Select(i => i.OutputStack).Append(StarPath), overwrite);
        return claim.Guard(() => RunClaimed(threads, progress, cancel));
    }

    private IReadOnlyList<StackWindowResult> RunClaimed(int threads, Action<StackWindowResult>? progress,
        CancellationToken cancel)
    {
        if (threads <= 0) threads = Environment.ProcessorCount;
        int inner = Math.Max(1, threads / Math.Max(1, Math.Min(threads, Items.Count)));
        foreach (var dir in Items.Select(i => Path.GetDirectoryName(Path.GetFullPath(i.OutputStack))).Distinct())
            if (dir is not null) Directory.CreateDirectory(dir);
        var results = new StackWindowResult[Items.Count];
        try
        {
            var options = new ParallelOptions { MaxDegreeOfParallelism = threads, CancellationToken = cancel };
            Parallel.For(0, Items.Count, options, i =>
            {
                results[i] = StackWindowing.Window(Items[i], inner);
                progress?.Invoke(results[i]);
            });
        }
        catch (AggregateException e)
        {
            ParallelFailures.Rethrow(e);
        }
        Star.Write(StarPath);
        return results;
    }
}
