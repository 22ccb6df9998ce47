using System.Buffers;
using CryoMerge.Core.Formats;
using CryoMerge.Core.Imaging;

namespace CryoMerge.Core.Extraction;

/// <summary>A particle position in micrograph pixels, as rlnCoordinateX/Y give it.</summary>
public readonly record struct ParticleCoordinate(double X, double Y);

/// <summary>
/// One work item of an extraction: one micrograph, the particles to cut from it and the stack to write (the
/// particles' STAR rows are the plan's, <see cref="ExtractionPlan.WriteStar"/>). Small and immutable: a distributed
/// worker receives it, calls <see cref="MicrographExtractor.Extract"/> and returns the result.
/// </summary>
/// <param name="MicrographName">rlnMicrographName as in the micrographs STAR file.</param>
/// <param name="MicrographPath">Where that micrograph is on disk.</param>
/// <param name="StackPath">Output stack (.mrcs); written atomically, replaced if present.</param>
/// <param name="OutputPixelSize">Pixel size written in the stack header (A).</param>
public sealed record MicrographExtractionItem(
    string MicrographName,
    string MicrographPath,
    string StackPath,
    double OutputPixelSize,
    IReadOnlyList<ParticleCoordinate> Coordinates);

/// <summary>What one micrograph gave: the statistics of its stack.</summary>
/// <param name="FlatImages">Particles whose background was flat and were left unnormalised (RELION warns about
/// each).</param>
public sealed record MicrographExtractionResult(
    string MicrographName,
    string StackPath,
    int ParticleCount,
    int FlatImages,
    double Mean,
    double StdDev,
    double Min,
    double Max);

/// <summary>Extracts the particles of one micrograph into one stack, exactly as relion_preprocess would.</summary>
public static class MicrographExtractor
{
    /// <summary>
    /// Reads the micrograph, cuts and processes every particle in order, writes the stack (float32, header at the
    /// output pixel size) atomically: the same item always gives the same bytes. Pass a
    /// <paramref name="processor"/> to reuse its buffers across micrographs on one thread.
    /// </summary>
    public static MicrographExtractionResult Extract(IFftBackend fft, MicrographExtractionItem item,
        ExtractionSettings settings,
        ParticleProcessor? processor = null)
    {
        if (item.Coordinates.Count == 0) throw new ArgumentException($"{item.MicrographName}: no particles to extract");
        processor ??= new ParticleProcessor(fft, settings);
        if (processor.Settings != settings) throw new ArgumentException("the processor was made for other settings");
        float[] micrograph;
        int width, height;
        using (var mrc = MrcFile.Open(item.MicrographPath, MrcReadOptions.Permissive))
        {
            if (mrc.Shape.Z != 1)
                throw new CryoMergeInputException(item.MicrographPath,
                    $"is {mrc.Shape}; a single 2-D micrograph is needed (stacks and tomograms are not extracted)");
            (width, height) = (mrc.Shape.X, mrc.Shape.Y);
            // Pooled: a fresh 64 MB array per 4096^2 micrograph cost a full (gen 2) collection and newly zeroed
            // pages each time.
            micrograph = ArrayPool<float>.Shared.Rent(width * height);
            try
            {
                mrc.ReadSection(0, micrograph.AsSpan(0, width * height));
                NonFiniteValues.Require(micrograph.AsSpan(0, width * height), item.MicrographPath, "the micrograph",
                    width);
            }
            catch
            {
                ArrayPool<float>.Shared.Return(micrograph);
                throw;
            }
        }
        try
        {
            return Extract(item, settings, processor, micrograph, width, height);
        }
        finally
        {
            ArrayPool<float>.Shared.Return(micrograph);
        }
    }

    private static MicrographExtractionResult Extract(MicrographExtractionItem item, ExtractionSettings settings,
        ParticleProcessor processor,
        float[] micrograph, int width, int height)
    {
        int o = settings.OutputSize;
        var options = new MrcWriteOptions { PixelSize = Vector3d.All(item.OutputPixelSize), IsStack = true };
        using var writer = MrcWriter.Create(item.StackPath, new Shape3(o, o, item.Coordinates.Count), options);
        int flat = 0;
        for (int i = 0; i < item.Coordinates.Count; i++)
        {
            var c = item.Coordinates[i];
            if (ParticleProcessor.IsOutside(ParticleProcessor.Truncate(c.X), ParticleProcessor.Truncate(c.Y),
                settings.Box, width, height))
                throw new CryoMergeInputException(item.MicrographPath,
                    FormattableString.Invariant($"particle {i + 1} at ({c.X}, {c.Y}) lies entirely outside this ")
                    + FormattableString.Invariant($"{width} x {height} micrograph with a {settings.Box}-pixel box"));
            var image = processor.Process(micrograph, width, height, c.X, c.Y);
            if (processor.LastWasFlat) flat++;
            writer.WriteSection(i, image);
        }
        writer.Commit();
        var s = writer.Statistics;
        return new MicrographExtractionResult(item.MicrographName, item.StackPath, item.Coordinates.Count, flat,
            s.Mean, s.StdDev, s.Min, s.Max);
    }
}
