using CryoMerge.Core.Formats;

namespace CryoMerge.Core.Extraction;

/// <summary>Where the particle coordinates come from.</summary>
public abstract record CoordinateSource
{
    /// <summary>A STAR file with rlnMicrographName and rlnCoordinateX/Y (a picking result or a refined particle file).</summary>
    public sealed record StarFileSource(string Path) : CoordinateSource;

    /// <summary>RELION's per-micrograph files: directory + micrograph name (after jobNNN/, no extension) + suffix.</summary>
    public sealed record PerMicrograph(string Directory, string Suffix) : CoordinateSource;
}

/// <summary>
/// A checked extraction: every input read and validated, every output name and STAR row decided, nothing written
/// yet. Run its <see cref="Items"/> (in any order, anywhere), then write the STAR file from the results with
/// <see cref="BuildStar"/>.
/// </summary>
public sealed class ExtractionPlan
{
    internal ExtractionPlan(ExtractionSettings settings, string outputDirectory, string starPath,
        IReadOnlyList<string> columns, StarTable optics,
        IReadOnlyList<MicrographExtractionItem> items, IReadOnlyList<string> warnings)
    {
        Settings = settings;
        OutputDirectory = outputDirectory;
        StarPath = starPath;
        Columns = columns;
        Optics = optics;
        Items = items;
        Warnings = warnings;
    }

    public ExtractionSettings Settings { get; }

    /// <summary>DIR, the folder every output is written into.</summary>
    public string OutputDirectory { get; }

    /// <summary>Every file the extraction writes, stacks and STAR file (see <see cref="OutputRecord"/>).</summary>
    public IEnumerable<string> OutputPaths => Items.Select(i => i.StackPath).Append(StarPath);

    /// <summary>DIR/particles.star.</summary>
    public string StarPath { get; }

    /// <summary>Columns of the particles table, in order.</summary>
    public IReadOnlyList<string> Columns { get; }

    /// <summary>The output optics table (the micrographs' optics with image pixel size, size and dimensionality).</summary>
    public StarTable Optics { get; }

    /// <summary>One item per micrograph that has particles, in the order of the micrographs STAR file.</summary>
    public IReadOnlyList<MicrographExtractionItem> Items { get; }

    public IReadOnlyList<string> Warnings { get; }

    public int ParticleCount => Items.Sum(i => i.Coordinates.Count);

    /// <summary>The particles STAR file (RELION 3.1: data_optics and data_particles) with rows in item order.</summary>
    public StarFile BuildStar(IEnumerable<MicrographExtractionResult> results)
    {
        var byStack = results.ToDictionary(r => r.StackPath, StringComparer.Ordinal);
        return Build(item => byStack.TryGetValue(item.StackPath, out var result)
            ? result.Rows
            : throw new InvalidOperationException($"no result for {item.MicrographName}"));
    }

    /// <summary>
    /// The particles STAR file from the plan alone, once every stack is on disk: an item's rows do not depend on
    /// how its extraction went, so a gather step on another node (after the extractions ran elsewhere) needs
    /// only the plan.
    /// </summary>
    public StarFile BuildStarFromItems() => Build(item => File.Exists(item.StackPath)
        ? item.Rows
        : throw new CryoMergeInputException(item.StackPath, $"particle stack of {item.MicrographName} is missing; extract it first"));

    private StarFile Build(Func<MicrographExtractionItem, IReadOnlyList<string[]>> rowsOf)
    {
        var table = new StarTable();
        foreach (var c in Columns) table.AddColumn(c, "");
        foreach (var item in Items)
            foreach (var row in rowsOf(item)) table.AddRow(row);
        var file = new StarFile();
        file.AddTableBlock("optics", Optics, 30001);
        file.AddTableBlock("particles", table, 30001);
        return file;
    }
}
