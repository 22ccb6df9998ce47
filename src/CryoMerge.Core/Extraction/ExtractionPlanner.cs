using System.Globalization;
using CryoMerge.Core.Formats;

namespace CryoMerge.Core.Extraction;

/// <summary>
/// Reads the micrographs STAR file and the coordinates, checks everything that can be checked before a pixel is
/// written (micrographs on disk and 2-D, coordinates inside by RELION's rule, sizes, unique output names) and
/// decides every output: stack DIR/(micrograph name after jobNNN/, without extension).mrcs as relion_preprocess
/// names it, image names "000001@stack", and the STAR rows (written from the plan by <see
/// cref="ExtractionPlan.WriteStar"/>).
/// </summary>
public static class ExtractionPlanner
{
    public const string StarName = "particles.star";

    /// <param name="projectDirectory">Where relative micrograph names resolve first (RELION's project folder), for a
    /// micrographs STAR file that was rewritten away from its project (the merge's CTF-scaled copy).</param>
    public static ExtractionPlan Plan(string micrographsStar, CoordinateSource coordinates, ExtractionSettings settings,
        string outputDirectory,
        ICollection<string>? warnings = null, string? projectDirectory = null)
    {
        settings.Validate();
        var notes = new List<string>();
        var mics = MicrographTable.Read(micrographsStar);
        var coords = coordinates switch
        {
            CoordinateSource.StarFileSource s => CoordinateSets.FromStar(s.Path, mics, notes),
            CoordinateSource.PerMicrograph d => CoordinateSets.FromDirectory(d.Directory, d.Suffix, mics,
            micrographsStar, notes),
            _ => throw new ArgumentException("unknown coordinate source"),
        };
        if (coords.Sets.All(s => s is null || s.Rows.Count == 0))
            throw new CryoMergeInputException(coords.Description,
                $"names no particle on any micrograph of {micrographsStar}");

        var layout = new ExtractionRows(mics, coords);
        var items = new List<MicrographExtractionItem>();
        var planned = new List<ExtractionPlan.PlannedMicrograph>();
        var stacks = new Dictionary<string, string>(StringComparer.Ordinal);
        var headerChecked = new HashSet<int>();
        for (int m = 0; m < mics.Count; m++)
        {
            var set = coords.Sets[m];
            if (set is null || set.Rows.Count == 0) continue;
            string name = mics.Name(m);
            string path = RelionPaths.Resolve(name, micrographsStar, projectDirectory)
                ?? throw new CryoMergeInputException(name,
                    $"micrograph not found on disk (listed in {micrographsStar}, {set.Rows.Count} particles in " +
                    $"{set.Source}); nothing was written");
            int group = mics.OpticsGroup(m);
            double pixel = mics.PixelSize(group);
            var (width, height, headerPixel) = Header(path);
            if (headerChecked.Add(group) && PixelSizes.Disagreement(path, headerPixel, new PixelSizeAnswer(pixel,
                $"rlnMicrographPixelSize of optics group {group}")) is { } w)
                notes.Add(w);
            var positions = new ParticleCoordinate[set.Rows.Count];
            for (int k = 0; k < positions.Length; k++)
            {
                var (x, y) = set.Coordinate(k);
                if (ParticleProcessor.IsOutside(ParticleProcessor.Truncate(x), ParticleProcessor.Truncate(y),
                    settings.Box, width, height))
                    throw new CryoMergeInputException(set.Source, string.Create(CultureInfo.InvariantCulture,
                        $"particle at ({x}, {y}) lies entirely outside micrograph {name} ({width} x {height}) with a " +
                        $"{settings.Box}-pixel box; nothing was written"));
                positions[k] = new ParticleCoordinate(x, y);
            }
            string stack = StackPath(outputDirectory, name, micrographsStar);
            if (stacks.TryGetValue(stack, out var other))
                throw new CryoMergeInputException(name,
                    $"would be extracted to {stack} like {other}; RELION names stacks after the micrograph name, " +
                    $"which must differ");
            stacks[stack] = name;
            OutputFiles.EnsureNotInput(stack, path, micrographsStar, set.Source);
            items.Add(new MicrographExtractionItem(name, path, stack, settings.OutputPixelSize(pixel), positions));
            planned.Add(new ExtractionPlan.PlannedMicrograph(m, set, (long)width * height));
        }
        if (warnings is not null) foreach (var n in notes) warnings.Add(n);
        var optics = mics.OutputOptics(settings,
            keepMicrographPixelSize: coordinates is CoordinateSource.StarFileSource);
        string starPath = Path.Combine(outputDirectory, StarName);
        OutputFiles.EnsureNotInput(starPath, [micrographsStar,
            .. coords.Sets.Where(c => c is not null).Select(c => c!.Source).Distinct()]);
        return new ExtractionPlan(settings, outputDirectory, starPath, layout, optics, items, planned, notes);
    }

    /// <summary>DIR/(micrograph name after jobNNN/, without extension).mrcs: named after the micrograph as
    /// relion_preprocess names it, but always inside the output folder.</summary>
    internal static string StackPath(string outputDirectory, string micrographName, string micrographsStar) =>
        OutputFiles.InsideFolder(outputDirectory,
            StripExtension(RelionPaths.DecomposePipelineName(micrographName).Post) + ".mrcs", micrographsStar);

    internal static (int Width, int Height, double Pixel) Header(string path)
    {
        using var mrc = MrcFile.Open(path, MrcReadOptions.Permissive);
        if (mrc.Shape.Z != 1)
            throw new CryoMergeInputException(path,
                $"is {mrc.Shape}; a single 2-D micrograph is needed (stacks and tomograms are not extracted)");
        return (mrc.Shape.X, mrc.Shape.Y, mrc.PixelSize.X);
    }

    /// <summary>RELION's FileName::withoutExtension of the part after the last '/'.</summary>
    internal static string StripExtension(string path)
    {
        int slash = path.LastIndexOf('/');
        int dot = path.LastIndexOf('.');
        return dot > slash ? path[..dot] : path;
    }
}
