using CryoMerge.Core.Formats;

namespace CryoMerge.Core.Extraction;

/// <summary>
/// Writes an indexed extraction's particles.star (<see cref="IndexedExtractionPlan"/>) from its coordinate index, the
/// micrographs STAR file and the coordinate rows read again one by one: the same bytes as
/// relion_preprocess's rows and columns, with memory at a constant per micrograph and none per particle.
/// </summary>
public static class IndexedParticleStar
{
    /// <summary>
    /// Writes DIR/particles.star atomically. With <paramref name="requireStacks"/>, every stack must be on disk
    /// first. Returns the particles written and what planning noted (the index keeps it). An index made from other
    /// files than <paramref name="micrographsStar"/> and <paramref name="coordinatesStar"/> as they are now is
    /// refused: plan and write it again first (<see cref="CoordinateIndex.IsCurrent"/>).
    /// </summary>
    /// <param name="micrographsStar">The micrographs STAR file the extraction was planned from.</param>
    /// <param name="coordinatesStar">The coordinate STAR file it was planned from.</param>
    public static (long Particles, IReadOnlyList<string> Notes) Write(string outputDirectory, string micrographsStar,
        string coordinatesStar, ExtractionSettings settings, bool requireStacks = false)
    {
        string indexPath = Path.Combine(outputDirectory, CoordinateIndex.FileName);
        var index = CoordinateIndex.Read(indexPath);
        if (!index.MadeFrom(micrographsStar, coordinatesStar))
            throw new CryoMergeInputException(indexPath,
                $"is out of date: {coordinatesStar} or {micrographsStar} changed since it was written; plan again");
        var mics = MicrographTable.Read(micrographsStar);
        var layout = new ExtractionRows(mics, index.Columns);
        var stacks = index.Micrographs
            .Select(m => ExtractionPlanner.StackPath(outputDirectory, mics.Name(m.Row), micrographsStar)).ToList();
        if (requireStacks)
            for (int i = 0; i < stacks.Count; i++)
                if (!File.Exists(stacks[i]))
                    throw new CryoMergeInputException(stacks[i],
                        $"particle stack of {mics.Name(index.Micrographs[i].Row)} is missing; extract it first");
        var head = new StarFile();
        head.AddTableBlock("optics", mics.OutputOptics(settings, keepMicrographPixelSize: true),
            ExtractionPlan.Version);
        string starPath = Path.Combine(outputDirectory, ExtractionPlanner.StarName);
        long written = StarLoopStream.Write(starPath, head, "particles", ExtractionPlan.Version, layout.Columns, sink =>
        {
            using var rows = new StarRowReader(coordinatesStar, index.Columns.Count);
            using var offsets = index.RowOffsets(indexPath).GetEnumerator();
            for (int i = 0; i < stacks.Count; i++)
            {
                var (row, particles, _) = index.Micrographs[i];
                var fixedCells = layout.FixedCells(row);
                for (int k = 0; k < particles; k++)
                {
                    if (!offsets.MoveNext()) throw new CryoMergeInputException(indexPath, "is truncated; plan again");
                    var cells = rows.Row(offsets.Current, out var line);
                    layout.WriteRow(fixedCells, k, stacks[i], line, cells, sink);
                }
            }
        });
        return (written, index.Notes);
    }
}
