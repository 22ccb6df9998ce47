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
/// A checked extraction: every input read and validated, every output name decided, nothing written yet. Run its
/// <see cref="Items"/> (in any order, anywhere), then write the STAR file with <see cref="WriteStar"/>: its rows follow
/// from the plan alone (the coordinate tables it holds), so they are neither carried by the items nor built in memory.
/// </summary>
public sealed class ExtractionPlan
{
    private readonly ExtractionRows _layout;
    private readonly IReadOnlyList<PlannedMicrograph> _micrographs;

    internal ExtractionPlan(ExtractionSettings settings, string outputDirectory, string starPath, ExtractionRows layout,
        StarTable optics, IReadOnlyList<MicrographExtractionItem> items, IReadOnlyList<PlannedMicrograph> micrographs,
        IReadOnlyList<string> warnings)
    {
        Settings = settings;
        OutputDirectory = outputDirectory;
        StarPath = starPath;
        _layout = layout;
        Optics = optics;
        Items = items;
        _micrographs = micrographs;
        Warnings = warnings;
    }

    /// <summary>What the plan keeps of an item's micrograph: its row, its particles and its size in pixels.</summary>
    internal sealed record PlannedMicrograph(int Row, CoordinateSet Particles, long Pixels);

    public ExtractionSettings Settings { get; }

    /// <summary>DIR, the folder every output is written into.</summary>
    public string OutputDirectory { get; }

    /// <summary>Every file the extraction writes, stacks and STAR file (see <see cref="OutputRecord"/>).</summary>
    public IEnumerable<string> OutputPaths => Items.Select(i => i.StackPath).Append(StarPath);

    /// <summary>DIR/particles.star.</summary>
    public string StarPath { get; }

    /// <summary>Columns of the particles table, in order.</summary>
    public IReadOnlyList<string> Columns => _layout.Columns;

    /// <summary>The output optics table (the micrographs' optics with image pixel size, size and
    /// dimensionality).</summary>
    public StarTable Optics { get; }

    /// <summary>One item per micrograph that has particles, in the order of the micrographs STAR file.</summary>
    public IReadOnlyList<MicrographExtractionItem> Items { get; }

    public IReadOnlyList<string> Warnings { get; }

    public int ParticleCount => Items.Sum(i => i.Coordinates.Count);

    /// <summary>Width times height of item <paramref name="index"/>'s micrograph, for estimates of its cost.</summary>
    public long MicrographPixels(int index) => _micrographs[index].Pixels;

    /// <summary>
    /// Writes the particles STAR file (RELION 3.1: data_optics and data_particles, rows in item order) atomically,
    /// streamed row by row (<see cref="StarLoopStream"/>): memory stays at one row whatever the number of particles.
    /// An item's rows do not depend on how its extraction went, so a gather step on another node (after the
    /// extractions ran elsewhere) needs only the plan. With <paramref name="requireStacks"/>, every stack must be on
    /// disk first.
    /// </summary>
    public long WriteStar(bool requireStacks = false)
    {
        if (requireStacks)
            foreach (var item in Items)
                if (!File.Exists(item.StackPath))
                    throw new CryoMergeInputException(item.StackPath,
                        $"particle stack of {item.MicrographName} is missing; extract it first");
        var head = new StarFile();
        head.AddTableBlock("optics", Optics, Version);
        return StarLoopStream.Write(StarPath, head, "particles", Version, Columns, sink =>
        {
            for (int i = 0; i < Items.Count; i++)
                _layout.Write(_micrographs[i].Row, _micrographs[i].Particles, Items[i].StackPath, sink);
        });
    }

    /// <summary>The STAR version written, RELION 3.1's.</summary>
    internal const int Version = 30001;
}
