using System.Runtime.ExceptionServices;
using CryoMerge.Core.Formats;

namespace CryoMerge.Core.Extraction;

/// <summary>
/// Plans an extraction from a coordinate STAR file (<see cref="ExtractionPlanner"/>'s checks, outputs and words) in
/// one pass over the file that holds none of it: memory is a constant per micrograph (its row, its particle count,
/// its size), none per particle. The particles themselves go to the plan's <see cref="CoordinateIndex"/>, written by
/// <see cref="IndexedExtractionPlan.WriteIndex"/>, which the work items and the STAR file read.
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
        var stamp = FileStamp.Of(coordinatesStar);
        var checks = new MicrographChecks(mics, micrographsStar, projectDirectory, outputDirectory, settings, notes);
        var counts = new int[mics.Count];
        var paths = new string?[mics.Count];
        var headers = new (int Width, int Height, double Pixel)[mics.Count];
        // A micrograph's first problem (its header, a bad or outside coordinate), raised after the pass in the order
        // of the micrographs, as a plan that checks one micrograph after the other would raise it.
        var problems = new CryoMergeInputException?[mics.Count];
        var unmatched = new Dictionary<string, int>(StringComparer.Ordinal);
        coords.ForEachRow(mics, (_, row, m, line, cells) =>
        {
            if (m < 0)
            {
                string name = coords.MicrographName(line, cells);
                unmatched[name] = unmatched.GetValueOrDefault(name) + 1;
                return;
            }
            if (counts[m]++ == 0 && (paths[m] = checks.Find(m)) is { } path)
            {
                try { headers[m] = MicrographChecks.Header(path); }
                catch (CryoMergeInputException e) { problems[m] = e; }
            }
            if (paths[m] is null || problems[m] is not null) return;
            try
            {
                var (x, y) = coords.Coordinate(row, line, cells);
                var (width, height, _) = headers[m];
                if (checks.IsOutside(x, y, width, height))
                    problems[m] = checks.Outside(coordinatesStar, m, x, y, width, height);
            }
            catch (CryoMergeInputException e) { problems[m] = e; }
        });
        if (unmatched.Count > 0)
            notes.Add(
                $"{coordinatesStar}: {unmatched.Values.Sum()} particles on {unmatched.Count} micrographs not listed " +
                $"in {mics.Path} are skipped (first: {unmatched.Keys.First()})");
        if (counts.All(c => c == 0))
            throw new CryoMergeInputException(coordinatesStar,
                $"names no particle on any micrograph of {micrographsStar}");

        var micrographs = new List<IndexedMicrograph>();
        var planned = new List<ExtractionPlan.PlannedMicrograph>();
        long first = 0;
        for (int m = 0; m < mics.Count; m++)
        {
            if (counts[m] == 0) continue;
            string path = paths[m] ?? throw checks.NotFound(m, counts[m], coordinatesStar);
            if (problems[m] is { } problem) ExceptionDispatchInfo.Throw(problem);
            var (width, height, pixel) = headers[m];
            checks.NotePixelSize(m, path, pixel);
            micrographs.Add(checks.Item(m, path, coordinatesStar, first, counts[m]));
            planned.Add(new ExtractionPlan.PlannedMicrograph(m, width, height));
            first += counts[m];
        }
        if (warnings is not null) foreach (var n in notes) warnings.Add(n);
        string indexPath = Path.Combine(outputDirectory, CoordinateIndex.FileName);
        OutputFiles.EnsureNotInput(Path.Combine(outputDirectory, ExtractionPlanner.StarName), micrographsStar,
            coordinatesStar);
        OutputFiles.EnsureNotInput(indexPath, micrographsStar, coordinatesStar);
        return new IndexedExtractionPlan(settings, outputDirectory, indexPath, mics, coords, stamp, micrographs,
            planned, notes);
    }
}
