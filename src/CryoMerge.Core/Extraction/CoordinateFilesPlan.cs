using CryoMerge.Core.Formats;

namespace CryoMerge.Core.Extraction;

/// <summary>
/// An extraction from RELION's per-micrograph coordinate files (<see cref="CoordinateSource.PerMicrograph"/>): the
/// files are small and many, so the plan holds their tables and every particle's coordinates, and writes the STAR
/// rows from them.
/// </summary>
internal sealed class CoordinateFilesPlan : ExtractionPlan
{
    private readonly ExtractionRows _layout;
    private readonly IReadOnlyList<CoordinateSet> _sets;
    private readonly IReadOnlyList<ParticleCoordinate[]> _coordinates;

    public CoordinateFilesPlan(ExtractionSettings settings, string outputDirectory, MicrographTable mics,
        ExtractionRows layout, IReadOnlyList<IndexedMicrograph> items, IReadOnlyList<PlannedMicrograph> planned,
        IReadOnlyList<CoordinateSet> sets, IReadOnlyList<ParticleCoordinate[]> coordinates,
        IReadOnlyList<string> warnings)
        : base(settings, outputDirectory, mics, items, planned, warnings, keepMicrographPixelSize: false)
    {
        _layout = layout;
        _sets = sets;
        _coordinates = coordinates;
    }

    internal override void Prepare()
    {
    }

    internal override MicrographExtractionItem Item(int index)
    {
        var item = Items[index];
        return new(item.MicrographName, item.MicrographPath, item.StackPath, item.OutputPixelSize,
            _coordinates[index]);
    }

    public override long WriteStar(bool requireStacks = false)
    {
        if (requireStacks)
            foreach (var item in Items)
                if (!File.Exists(item.StackPath))
                    throw new CryoMergeInputException(item.StackPath,
                        $"particle stack of {item.MicrographName} is missing; extract it first");
        var head = new StarFile();
        head.AddTableBlock("optics", Optics, Version);
        return StarLoopStream.Write(StarPath, head, "particles", Version, _layout.Columns, sink =>
        {
            for (int i = 0; i < Items.Count; i++)
                _layout.Write(Planned[i].Row, _sets[i], Items[i].StackPath, sink);
        });
    }
}
