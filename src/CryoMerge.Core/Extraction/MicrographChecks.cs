using System.Globalization;
using CryoMerge.Core.Formats;

namespace CryoMerge.Core.Extraction;

/// <summary>
/// The rules an extraction plan applies to each micrograph that has particles, in one place for both planners
/// (<see cref="ExtractionPlanner"/> with per-micrograph coordinate files, <see cref="IndexedExtractionPlanner"/> with
/// one coordinate STAR file): the micrograph is on disk and 2-D, a pixel size its header disagrees with is noted once
/// per optics group, no particle lies entirely outside it (RELION's rule), and its stack has a name of its own inside
/// the output folder that replaces no input.
/// </summary>
internal sealed class MicrographChecks(MicrographTable mics, string micrographsStar, string? projectDirectory,
    string outputDirectory, ExtractionSettings settings, ICollection<string> notes)
{
    private readonly Dictionary<string, string> _stacks = new(StringComparer.Ordinal);
    private readonly HashSet<int> _headerChecked = [];

    /// <summary>Micrograph <paramref name="m"/>'s file, or null when it is not on disk.</summary>
    public string? Find(int m) => RelionPaths.Resolve(mics.Name(m), micrographsStar, projectDirectory);

    /// <summary>The error of a micrograph with <paramref name="particles"/> particles in
    /// <paramref name="coordinates"/> that is not on disk.</summary>
    public CryoMergeInputException NotFound(int m, int particles, string coordinates) => new(mics.Name(m),
        $"micrograph not found on disk (listed in {micrographsStar}, {particles} particles in {coordinates}); " +
        "nothing was written");

    /// <summary>Width, height and pixel size of a micrograph's header; refuses anything but one 2-D image.</summary>
    public static (int Width, int Height, double Pixel) Header(string path)
    {
        using var mrc = MrcFile.Open(path, MrcReadOptions.Permissive);
        if (mrc.Shape.Z != 1)
            throw new CryoMergeInputException(path,
                $"is {mrc.Shape}; a single 2-D micrograph is needed (stacks and tomograms are not extracted)");
        return (mrc.Shape.X, mrc.Shape.Y, mrc.PixelSize.X);
    }

    /// <summary>Notes, for the first micrograph of each optics group, a header pixel size that disagrees with the
    /// group's.</summary>
    public void NotePixelSize(int m, string path, double headerPixel)
    {
        int group = mics.OpticsGroup(m);
        if (_headerChecked.Add(group) && PixelSizes.Disagreement(path, headerPixel, new PixelSizeAnswer(
            mics.PixelSize(group), $"rlnMicrographPixelSize of optics group {group}")) is { } w)
            notes.Add(w);
    }

    /// <summary>Whether a particle at (<paramref name="x"/>, <paramref name="y"/>) lies entirely outside a
    /// micrograph of <paramref name="width"/> x <paramref name="height"/> pixels.</summary>
    public bool IsOutside(double x, double y, int width, int height) => ParticleProcessor.IsOutside(
        ParticleProcessor.Truncate(x), ParticleProcessor.Truncate(y), settings.Box, width, height);

    /// <summary>The error of a particle of micrograph <paramref name="m"/>, given in <paramref name="coordinates"/>,
    /// that lies entirely outside it.</summary>
    public CryoMergeInputException Outside(string coordinates, int m, double x, double y, int width, int height) =>
        new(coordinates, string.Create(CultureInfo.InvariantCulture,
            $"particle at ({x}, {y}) lies entirely outside micrograph {mics.Name(m)} ({width} x {height}) with a " +
            $"{settings.Box}-pixel box; nothing was written"));

    /// <summary>
    /// The item of micrograph <paramref name="m"/> (file <paramref name="path"/>, particles from
    /// <paramref name="coordinates"/>): its stack, named after the micrograph as relion_preprocess names it, must
    /// differ from every other micrograph's and be no input.
    /// </summary>
    public IndexedMicrograph Item(int m, string path, string coordinates, long firstParticle, int particles)
    {
        string name = mics.Name(m);
        string stack = ExtractionPlanner.StackPath(outputDirectory, name, micrographsStar);
        if (_stacks.TryGetValue(stack, out var other))
            throw new CryoMergeInputException(name,
                $"would be extracted to {stack} like {other}; RELION names stacks after the micrograph name, " +
                $"which must differ");
        _stacks[stack] = name;
        OutputFiles.EnsureNotInput(stack, path, micrographsStar, coordinates);
        return new IndexedMicrograph(name, path, stack, settings.OutputPixelSize(mics.PixelSize(mics.OpticsGroup(m))),
            firstParticle, particles);
    }
}
