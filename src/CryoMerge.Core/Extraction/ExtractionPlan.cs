using CryoMerge.Core.Formats;

namespace CryoMerge.Core.Extraction;

/// <summary>Where the particle coordinates come from.</summary>
public abstract record CoordinateSource
{
    /// <summary>A STAR file with rlnMicrographName and rlnCoordinateX/Y (a picking result or a refined particle
    /// file).</summary>
    public sealed record StarFileSource(string Path) : CoordinateSource;

    /// <summary>RELION's per-micrograph files: directory + micrograph name (after jobNNN/, no extension) +
    /// suffix.</summary>
    public sealed record PerMicrograph(string Directory, string Suffix) : CoordinateSource;
}

/// <summary>
/// A checked extraction (<see cref="ExtractionPlanner"/>): every input read and validated, every output name
/// decided, nothing written yet. <see cref="ParticleExtraction.Run"/> runs it on this machine: the particles of each
/// of its <see cref="Items"/>, then the STAR file, whose rows follow from the plan alone. A plan from a coordinate
/// STAR file keeps its particles on disk (<see cref="IndexedExtractionPlan"/>); one from per-micrograph coordinate
/// files holds them.
/// </summary>
public abstract class ExtractionPlan
{
    private readonly bool _keepMicrographPixelSize;

    private protected ExtractionPlan(ExtractionSettings settings, string outputDirectory, MicrographTable mics,
        IReadOnlyList<IndexedMicrograph> items, IReadOnlyList<PlannedMicrograph> planned,
        IReadOnlyList<string> warnings, bool keepMicrographPixelSize)
    {
        Settings = settings;
        OutputDirectory = outputDirectory;
        StarPath = Path.Combine(outputDirectory, ExtractionPlanner.StarName);
        Mics = mics;
        Items = items;
        Planned = planned;
        Warnings = warnings;
        _keepMicrographPixelSize = keepMicrographPixelSize;
    }

    /// <summary>What the plan keeps of a micrograph besides its item: its row and its size.</summary>
    internal sealed record PlannedMicrograph(int Row, int Width, int Height);

    public ExtractionSettings Settings { get; }

    /// <summary>DIR, the folder every output is written into.</summary>
    public string OutputDirectory { get; }

    /// <summary>DIR/particles.star.</summary>
    public string StarPath { get; }

    /// <summary>One per micrograph that has particles, in the order of the micrographs STAR file.</summary>
    public IReadOnlyList<IndexedMicrograph> Items { get; }

    public IReadOnlyList<string> Warnings { get; }

    public long ParticleCount => Items.Sum(i => (long)i.Particles);

    /// <summary>Every file the extraction writes, stacks and STAR file (see <see cref="OutputRecord"/>).</summary>
    public virtual IEnumerable<string> OutputPaths => Items.Select(i => i.StackPath).Append(StarPath);

    /// <summary>The output optics table (the micrographs' optics with image pixel size, size and
    /// dimensionality).</summary>
    public StarTable Optics => Mics.OutputOptics(Settings, _keepMicrographPixelSize);

    /// <summary>Width times height of item <paramref name="index"/>'s micrograph, for estimates of its cost.</summary>
    public long MicrographPixels(int index) => (long)Planned[index].Width * Planned[index].Height;

    internal MicrographTable Mics { get; }

    /// <summary>By item: its micrograph's row and size.</summary>
    internal IReadOnlyList<PlannedMicrograph> Planned { get; }

    /// <summary>Makes what the items need before they run (a coordinate index).</summary>
    internal abstract void Prepare();

    /// <summary>The extraction item of <see cref="Items"/>[<paramref name="index"/>], with its coordinates.</summary>
    internal abstract MicrographExtractionItem Item(int index);

    /// <summary>
    /// Writes the particles STAR file (RELION 3.1: data_optics and data_particles, rows in item order, as
    /// relion_preprocess writes them) atomically, streamed row by row. An item's rows do not depend on how its
    /// extraction went, so the plan alone writes them. With <paramref name="requireStacks"/>, every stack must be on
    /// disk first. Returns the rows written.
    /// </summary>
    public abstract long WriteStar(bool requireStacks = false);

    /// <summary>Removes what <see cref="Prepare"/> made, once the STAR file is written or the run failed.</summary>
    internal virtual void Finish()
    {
    }

    /// <summary>The STAR version written, RELION 3.1's.</summary>
    internal const int Version = 30001;
}
