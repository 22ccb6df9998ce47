using CryoMerge.Core.Analysis;
using CryoMerge.Core.Formats;
using CryoMerge.Core.Merging.Pipeline;

namespace CryoMerge.Core.Merging.Stages;

/// <summary>
/// First stage: reads each data set's STAR files and map header (one item per data set) for the pixel sizes it
/// was processed with, its box and counts. A data set's nominal pixel size, unless the plan gives it, is the
/// pixel size of its particle images (= its map's). When the plan names no reference, each item also finds its map's
/// resolution (<see cref="MapResolution"/>) and the best-resolved data set becomes the reference. Particles given as a
/// cryoSPARC .cs file are converted here to a STAR file in the data set's output folder
/// (<see cref="CryosparcMergeInput"/>), which every later stage uses.
/// </summary>
public sealed class PrepareStage : IMergeStage
{
    public static readonly WorkKind<Parameters, Result> Work = new("prepare-dataset", WorkPlacement.DataSet, Run);

    public string Name => "prepare";

    public IReadOnlyList<WorkKind> Kinds => [Work];

    /// <param name="MeasureResolution">Find the map's resolution (the plan names no reference).</param>
    /// <param name="StatedResolution">The map's resolution as the plan states it (A), used as it is.</param>
    /// <param name="CryosparcProject">For .cs particles: the cryoSPARC project folder.</param>
    /// <param name="Folder">For .cs particles: where the converted STAR file goes (the data set's output
    /// folder).</param>
    public sealed record Parameters(string Particles, string? Micrographs, string? Map, bool MeasureResolution = false,
        string? HalfMap2 = null,
        double? StatedResolution = null, string? CryosparcProject = null, string? Folder = null);

    /// <param name="ParticlesStar">The STAR file converted from .cs particles, which later stages use.</param>
    public sealed record Result(double ImagePixelSize, double MicrographPixelSize, double MapPixelSize, int ImageBox,
        bool HasImages,
        int Particles, int Micrographs, string? ProjectDirectory = null, MapResolutionEstimate? MapResolution = null,
        string? ParticlesStar = null, float? BlobSign = null, IReadOnlyList<string>? Notes = null,
        string? ParticlesBase = null, int MapBox = 0);

    public IReadOnlyList<WorkItem> Plan(MergeState state)
    {
        bool measure = state.Plan.ReferenceFrom == ReferenceChoice.HighestResolution;
        return state.Plan.DataSets
            .Select(d => Work.Item(new WorkItemId(Name, d.Name),
                new Parameters(d.Particles!, d.Micrographs, d.Map, measure && d.Map is not null, d.HalfMap2,
                d.Resolution,
                    d.CryosparcProject, d.ParticlesFromCryosparc ? state.DataSetFolder(d.Name) : null)))
            .ToList();
    }

    public void Complete(MergeState state, IReadOnlyList<WorkResult> results)
    {
        foreach (var r in results)
        {
            var x = Work.ResultOf(r);
            var d = state.DataSets[r.Id.DataSet];
            (d.ImagePixelSize, d.MicrographPixelSize, d.MapPixelSize, d.ImageBox, d.HasImages, d.ParticleCount,
                d.MicrographCount, d.ProjectDirectory) =
                (x.ImagePixelSize, x.MicrographPixelSize, x.MapPixelSize, x.ImageBox, x.HasImages, x.Particles,
                x.Micrographs, x.ProjectDirectory);
            if (x.ParticlesStar is not null) (d.Particles, d.BlobSign) = (x.ParticlesStar, x.BlobSign);
            state.Notes.AddRange((x.Notes ?? []).Select(n => $"{d.Name}: {n}"));
            if (d.NominalPixelSize <= 0) d.NominalPixelSize = x.MapPixelSize > 0 ? x.MapPixelSize : x.ImagePixelSize;
            if (d.NominalPixelSize <= 0)
                throw new CryoMergeInputException(state.Plan.DataSets.Single(p => p.Name == d.Name).Particles!,
                    $"no pixel size in the STAR file or the map of data set {d.Name}; give nominalPixelSize in the " +
                    $"plan");
            (d.MapResolution, d.MapResolutionSource) = (x.MapResolution?.Resolution, x.MapResolution?.Source);
            d.ParticlesBase = x.ParticlesBase;
            d.MapBox = x.MapBox;
        }
        ChooseReference(state);
        // The reference is trusted at its nominal pixel size unless the plan says otherwise.
        var reference = state.DataSets[state.Plan.Reference];
        reference.PixelSize ??= reference.NominalPixelSize;
    }

    /// <summary>The reference of a plan that names none: the data set with the highest-resolution map.</summary>
    private static void ChooseReference(MergeState state)
    {
        var plan = state.Plan;
        if (plan.ReferenceFrom != ReferenceChoice.HighestResolution)
        {
            state.ReferenceReason = plan.ReferenceFrom == ReferenceChoice.Plan ? "named in the plan"
                : "the first data set (no two maps to compare)";
            return;
        }
        var candidates = plan.DataSets.Where(d => d.Map is not null).Select(d => (d.Name,
            Estimate: Estimate(state.DataSets[d.Name]))).ToList();
        var (reference, reason) = ReferenceSelection.Choose(candidates);
        state.Plan = plan with { Reference = reference };
        state.ReferenceReason = reason;
        state.Notes.Add($"reference {reference}: {reason}");
    }

    private static MapResolutionEstimate? Estimate(DataSetState d) =>
        d.MapResolution is double r && d.MapResolutionSource is { } source ? new MapResolutionEstimate(r,
        source) : null;

    private static WorkOutput<Result> Run(Parameters p, WorkEnvironment environment, CancellationToken cancel)
    {
        CryosparcMergeInput.Outcome? converted = null;
        if (CryosparcConversion.IsCryosparc(p.Particles))
            converted = CryosparcMergeInput.Convert(p.Particles, p.CryosparcProject, p.Micrographs,
                p.Folder ?? Path.GetDirectoryName(p.Particles)!);
        var particles = StarDataSet.Read(converted?.Star ?? p.Particles);
        var block = particles.DataBlock;
        double imagePixel = PixelSizes.OfRow(particles.File, block, 0)?.Value ?? 0;
        int box = 0;
        if (particles.Optics?.TryColumn(RelionLabels.ImageSize) is { } size && size.TryGetDouble(0,
            out double b)) box = (int)b;
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
        int mapBox = 0;
        if (p.Map is not null)
        {
            using var map = MrcFile.Open(p.Map);
            (mapPixel, mapBox) = (map.PixelSize.X, map.Shape.X);
        }
        cancel.ThrowIfCancellationRequested();
        var resolution = p.MeasureResolution && p.Map is not null ? MeasureResolution(environment, p, mapPixel) : null;
        bool hasImages = particles.Kind == StarDataKind.Particles;
        var result = new Result(imagePixel, micrographPixel, mapPixel, box, hasImages,
            particles.Data.RowCount, micrographs, project, resolution, converted?.Star, converted?.BlobSign,
            converted?.Notes,
            ParticlesBase(particles, hasImages, project), mapBox);
        return new(result, Outputs: converted is null ? null : [converted.Star]);
    }

    /// <summary>
    /// The folder the particle file's names (images, micrographs) are relative to: where its first image resolves
    /// (its RELION project), else the micrographs' project, else the file's own folder.
    /// </summary>
    private static string ParticlesBase(StarDataSet particles, bool hasImages, string? micrographProject)
    {
        string folder = Path.GetDirectoryName(Path.GetFullPath(particles.Path))!;
        if (hasImages && particles.Data.RowCount > 0)
        {
            string name = particles.Data.GetString(0, RelionLabels.ImageName);
            string stack = name.Contains('@') ? name[(name.IndexOf('@') + 1)..] : name;
            if (RelionPaths.Resolve(stack, particles.Path, micrographProject) is { } found)
                return RelionPaths.BaseOf(stack, found) ?? micrographProject ?? folder;
        }
        return micrographProject ?? folder;
    }

    /// <summary>The plan's word, else the half maps' FSC, else the map's own signal/noise (null if it has none to
    /// measure).</summary>
    private static MapResolutionEstimate? MeasureResolution(WorkEnvironment environment, Parameters p, double mapPixel)
    {
        if (p.StatedResolution is double stated) return new MapResolutionEstimate(stated, MapResolutionSource.Plan);
        if (!(mapPixel > 0)) return null;
        var map = MapVolume.Load(p.Map!);
        return p.HalfMap2 is null
            ? MapResolution.FromSignalToNoise(environment.Fft, map)
            : MapResolution.FromHalfMaps(environment.Fft, map, MapVolume.Load(p.HalfMap2, mapPixel));
    }
}
