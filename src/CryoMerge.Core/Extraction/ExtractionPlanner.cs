using CryoMerge.Core.Formats;

namespace CryoMerge.Core.Extraction;

/// <summary>
/// Reads the micrographs STAR file and the coordinates, checks everything that can be checked before a pixel is
/// written (<see cref="MicrographChecks"/>: micrographs on disk and 2-D, coordinates inside by RELION's rule, unique
/// output names) and decides every output: stack DIR/(micrograph name after jobNNN/, without extension).mrcs as
/// relion_preprocess names it, image names "000001@stack", and the STAR rows (written from the plan by <see
/// cref="ExtractionPlan.WriteStar"/>). A coordinate STAR file is planned by <see cref="IndexedExtractionPlanner"/>,
/// its particles streamed and kept on disk; per-micrograph coordinate files are read here and held.
/// </summary>
public static class ExtractionPlanner
{
    public const string StarName = "particles.star";

    /// <param name="projectDirectory">Where relative micrograph names resolve first (RELION's project folder), for a
    /// micrographs STAR file that was rewritten away from its project (the merge's CTF-scaled copy).</param>
    public static ExtractionPlan Plan(string micrographsStar, CoordinateSource coordinates, ExtractionSettings settings,
        string outputDirectory, ICollection<string>? warnings = null, string? projectDirectory = null) =>
        coordinates switch
        {
            CoordinateSource.StarFileSource s => IndexedExtractionPlanner.Plan(micrographsStar, s.Path, settings,
                outputDirectory, warnings, projectDirectory),
            CoordinateSource.PerMicrograph d => FromFiles(micrographsStar, d, settings, outputDirectory, warnings,
                projectDirectory),
            _ => throw new ArgumentException("unknown coordinate source", nameof(coordinates)),
        };

    private static ExtractionPlan FromFiles(string micrographsStar, CoordinateSource.PerMicrograph files,
        ExtractionSettings settings, string outputDirectory, ICollection<string>? warnings, string? projectDirectory)
    {
        settings.Validate();
        var notes = new List<string>();
        var mics = MicrographTable.Read(micrographsStar);
        var coords = CoordinateSets.FromDirectory(files.Directory, files.Suffix, mics, micrographsStar, notes);
        if (coords.Sets.All(s => s is null || s.Rows.Count == 0))
            throw new CryoMergeInputException(coords.Description,
                $"names no particle on any micrograph of {micrographsStar}");

        var checks = new MicrographChecks(mics, micrographsStar, projectDirectory, outputDirectory, settings, notes);
        var items = new List<IndexedMicrograph>();
        var planned = new List<ExtractionPlan.PlannedMicrograph>();
        var sets = new List<CoordinateSet>();
        var coordinates = new List<ParticleCoordinate[]>();
        long first = 0;
        for (int m = 0; m < mics.Count; m++)
        {
            var set = coords.Sets[m];
            if (set is null || set.Rows.Count == 0) continue;
            string path = checks.Find(m) ?? throw checks.NotFound(m, set.Rows.Count, set.Source);
            var (width, height, headerPixel) = MicrographChecks.Header(path);
            checks.NotePixelSize(m, path, headerPixel);
            var positions = new ParticleCoordinate[set.Rows.Count];
            for (int k = 0; k < positions.Length; k++)
            {
                var (x, y) = set.Coordinate(k);
                if (checks.IsOutside(x, y, width, height)) throw checks.Outside(set.Source, m, x, y, width, height);
                positions[k] = new ParticleCoordinate(x, y);
            }
            items.Add(checks.Item(m, path, set.Source, first, positions.Length));
            planned.Add(new ExtractionPlan.PlannedMicrograph(m, width, height));
            sets.Add(set);
            coordinates.Add(positions);
            first += positions.Length;
        }
        if (warnings is not null) foreach (var n in notes) warnings.Add(n);
        OutputFiles.EnsureNotInput(Path.Combine(outputDirectory, StarName),
            [micrographsStar, .. coords.Sets.OfType<CoordinateSet>().Select(c => c.Source).Distinct()]);
        return new CoordinateFilesPlan(settings, outputDirectory, mics, new ExtractionRows(mics, coords), items,
            planned, sets, coordinates, notes);
    }

    /// <summary>DIR/(micrograph name after jobNNN/, without extension).mrcs: named after the micrograph as
    /// relion_preprocess names it, but always inside the output folder.</summary>
    internal static string StackPath(string outputDirectory, string micrographName, string micrographsStar) =>
        OutputFiles.InsideFolder(outputDirectory,
            StripExtension(RelionPaths.DecomposePipelineName(micrographName).Post) + ".mrcs", micrographsStar);

    /// <summary>RELION's FileName::withoutExtension of the part after the last '/'.</summary>
    internal static string StripExtension(string path)
    {
        int slash = path.LastIndexOf('/');
        int dot = path.LastIndexOf('.');
        return dot > slash ? path[..dot] : path;
    }
}
