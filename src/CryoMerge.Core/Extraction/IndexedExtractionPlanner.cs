using CryoMerge.Core.Formats;

namespace CryoMerge.Core.Extraction;

/// <summary>
/// Plans an extraction from a coordinate STAR file as <see cref="ExtractionPlanner"/> does (the same checks, the
/// same outputs, the same words), but streams the coordinates instead of holding them: memory is a constant per
/// micrograph (its row, its particle count, its size), none per particle. The particles themselves go to the plan's
/// <see cref="CoordinateIndex"/>, written by <see cref="IndexedExtractionPlan.WriteIndex"/>, which the work items and
/// the gather read.
/// </summary>
public static class IndexedExtractionPlanner
{
    /// <param name="coordinatesStar">STAR file with rlnMicrographName and rlnCoordinateX/Y.</param>
    /// <param name="projectDirectory">Where relative micrograph names resolve first (as for
    /// <see cref="ExtractionPlanner.Plan"/>).</param>
    public static IndexedExtractionPlan Plan(string micrographsStar, string coordinatesStar,
        ExtractionSettings settings, string outputDirectory, ICollection<string>? warnings = null,
        string? projectDirectory = null)
    {
        settings.Validate();
        var notes = new List<string>();
        var mics = MicrographTable.Read(micrographsStar);
        var coords = CoordinateStream.Open(coordinatesStar);
        var counts = new int[mics.Count];
        var unmatched = new Dictionary<string, int>(StringComparer.Ordinal);
        coords.ForEachRow(mics, (_, _, m, line, cells) =>
        {
            if (m >= 0) counts[m]++;
            else
            {
                string name = coords.MicrographName(line, cells);
                unmatched[name] = unmatched.GetValueOrDefault(name) + 1;
            }
        });
        if (unmatched.Count > 0)
            notes.Add(
                $"{coordinatesStar}: {unmatched.Values.Sum()} particles on {unmatched.Count} micrographs not listed " +
                $"in {mics.Path} are skipped (first: {unmatched.Keys.First()})");
        if (counts.All(c => c == 0))
            throw new CryoMergeInputException(coordinatesStar,
                $"names no particle on any micrograph of {micrographsStar}");

        var micrographs = new List<IndexedMicrograph>();
        var planned = new List<IndexedExtractionPlan.PlannedMicrograph>();
        var stacks = new Dictionary<string, string>(StringComparer.Ordinal);
        var headerChecked = new HashSet<int>();
        long first = 0;
        for (int m = 0; m < mics.Count; m++)
        {
            if (counts[m] == 0) continue;
            string name = mics.Name(m);
            string path = RelionPaths.Resolve(name, micrographsStar, projectDirectory)
                ?? throw new CryoMergeInputException(name,
                    $"micrograph not found on disk (listed in {micrographsStar}, {counts[m]} particles in " +
                    $"{coordinatesStar}); nothing was written");
            int group = mics.OpticsGroup(m);
            double pixel = mics.PixelSize(group);
            var (width, height, headerPixel) = ExtractionPlanner.Header(path);
            if (headerChecked.Add(group) && PixelSizes.Disagreement(path, headerPixel, new PixelSizeAnswer(pixel,
                $"rlnMicrographPixelSize of optics group {group}")) is { } w)
                notes.Add(w);
            string stack = ExtractionPlanner.StackPath(outputDirectory, name, micrographsStar);
            if (stacks.TryGetValue(stack, out var other))
                throw new CryoMergeInputException(name,
                    $"would be extracted to {stack} like {other}; RELION names stacks after the micrograph name, " +
                    $"which must differ");
            stacks[stack] = name;
            OutputFiles.EnsureNotInput(stack, path, micrographsStar, coordinatesStar);
            micrographs.Add(new IndexedMicrograph(name, path, stack, settings.OutputPixelSize(pixel), first,
                counts[m]));
            planned.Add(new IndexedExtractionPlan.PlannedMicrograph(m, width, height));
            first += counts[m];
        }
        if (warnings is not null) foreach (var n in notes) warnings.Add(n);
        string starPath = Path.Combine(outputDirectory, ExtractionPlanner.StarName);
        string indexPath = Path.Combine(outputDirectory, CoordinateIndex.FileName);
        OutputFiles.EnsureNotInput(starPath, micrographsStar, coordinatesStar);
        OutputFiles.EnsureNotInput(indexPath, micrographsStar, coordinatesStar);
        return new IndexedExtractionPlan(settings, outputDirectory, starPath, indexPath, mics, coords, micrographs,
            planned, notes);
    }
}
