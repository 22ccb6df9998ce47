using CryoMerge.Core.Formats;
using CryoMerge.Core.Merging.Pipeline;

namespace CryoMerge.Core.Merging.Stages;

/// <summary>
/// First stage: reads each data set's STAR files and map header (one item per data set) for the pixel sizes it
/// was processed with, its box and counts. A data set's nominal pixel size, unless the plan gives it, is the
/// pixel size of its particle images (= its map's).
/// </summary>
public sealed class PrepareStage : IMergeStage
{
    public static readonly WorkKind<Parameters, Result> Work = new("prepare-dataset", WorkPlacement.DataSet, Run);

    public string Name => "prepare";

    public IReadOnlyList<WorkKind> Kinds => [Work];

    public sealed record Parameters(string Particles, string? Micrographs, string? Map);

    public sealed record Result(double ImagePixelSize, double MicrographPixelSize, double MapPixelSize, int ImageBox, bool HasImages,
        int Particles, int Micrographs, string? ProjectDirectory = null);

    public IReadOnlyList<WorkItem> Plan(MergeState state) =>
        state.Plan.DataSets
            .Select(d => Work.Item(new WorkItemId(Name, d.Name), new Parameters(d.Particles!, d.Micrographs, d.Map)))
            .ToList();

    public void Complete(MergeState state, IReadOnlyList<WorkResult> results)
    {
        foreach (var r in results)
        {
            var x = Work.ResultOf(r);
            var d = state.DataSets[r.Id.DataSet];
            (d.ImagePixelSize, d.MicrographPixelSize, d.MapPixelSize, d.ImageBox, d.HasImages, d.ParticleCount, d.MicrographCount, d.ProjectDirectory) =
                (x.ImagePixelSize, x.MicrographPixelSize, x.MapPixelSize, x.ImageBox, x.HasImages, x.Particles, x.Micrographs, x.ProjectDirectory);
            if (d.NominalPixelSize <= 0) d.NominalPixelSize = x.MapPixelSize > 0 ? x.MapPixelSize : x.ImagePixelSize;
            if (d.NominalPixelSize <= 0)
                throw new CryoMergeInputException(state.Plan.DataSets.Single(p => p.Name == d.Name).Particles!,
                    $"no pixel size in the STAR file or the map of data set {d.Name}; give nominalPixelSize in the plan");
            // The reference is trusted at its nominal pixel size unless the plan says otherwise.
            if (d.Name == state.Plan.Reference && d.PixelSize is null) d.PixelSize = d.NominalPixelSize;
        }
    }

    private static WorkOutput<Result> Run(Parameters p, WorkEnvironment environment, CancellationToken cancel)
    {
        var particles = StarDataSet.Read(p.Particles);
        var block = particles.DataBlock;
        double imagePixel = PixelSizes.OfRow(particles.File, block, 0)?.Value ?? 0;
        int box = 0;
        if (particles.Optics?.TryColumn(RelionLabels.ImageSize) is { } size && size.TryGetDouble(0, out double b)) box = (int)b;
        double micrographPixel = 0;
        int micrographs = 0;
        string? project = null;
        if (p.Micrographs is not null)
        {
            project = MicrographList.ProjectDirectory(p.Micrographs);
            var mics = StarDataSet.Read(p.Micrographs);
            micrographPixel = PixelSizes.OfRow(mics.File, mics.DataBlock, 0)?.Value ?? 0;
            micrographs = mics.Data.RowCount;
        }
        double mapPixel = 0;
        if (p.Map is not null)
        {
            using var map = MrcFile.Open(p.Map);
            mapPixel = map.PixelSize.X;
        }
        var result = new Result(imagePixel, micrographPixel, mapPixel, box, particles.Kind == StarDataKind.Particles,
            particles.Data.RowCount, micrographs, project);
        return new(result);
    }
}
