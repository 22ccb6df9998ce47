using System.Globalization;
using CryoMerge.Core.Extraction;
using CryoMerge.Core.Merging.Pipeline;

namespace CryoMerge.Core.Merging.Stages;

/// <summary>
/// Method 2: extracts, rescales and windows every particle of each data set that needs it
/// (<see cref="MicrographExtractor"/>, exactly relion_preprocess's algorithm), a stack per micrograph; a work item
/// holds one micrograph, or several consecutive small ones (<see cref="ExtractBatches"/>). The STAR file is written
/// afterwards by <see cref="GatherParticlesStage"/>, which then deletes the index. Planning streams each data set's
/// coordinates into its <see cref="CoordinateIndex"/> (DIR/particle-coordinates.bin) and keeps a constant per
/// micrograph; an item names its micrographs and where their particles are in that file, never the coordinates
/// themselves, so neither the coordinator nor the job store grows with the particles.
/// </summary>
public sealed class ExtractStage : IMergeStage
{
    public static readonly WorkKind<Parameters, Result> Work = new("extract-micrographs",
        WorkPlacement.Micrograph, Run);

    public string Name => "extract";

    public IReadOnlyList<WorkKind> Kinds => [Work];

    /// <summary>Parameters of an item: the data set's coordinate index, its micrographs, in plan order, and the
    /// settings of the whole extraction.</summary>
    public sealed record Parameters(string Index, IReadOnlyList<IndexedMicrograph> Micrographs,
        ExtractionSettings Settings);

    /// <summary>What the item gave, summed over its micrographs: a record of the same size whatever the item holds,
    /// since the job store keeps one per finished item (no STAR rows or stack names: those are the plan's, and the
    /// stacks are the item's outputs).</summary>
    /// <param name="FlatImages">Particles whose background was flat, so not normalised.</param>
    public sealed record Result(int Micrographs, long Particles, int FlatImages);

    public IReadOnlyList<WorkItem> Plan(MergeState state)
    {
        var items = new List<WorkItem>();
        foreach (var job in ReExtraction.Jobs(state))
        {
            var plan = job.PlanIndexed();
            OutputRecord.Claim(state.Plan.Output, plan.OutputPaths, state.Plan.Overwrite);
            plan.WriteIndex();
            items.AddRange(Items(plan, Name, job.DataSet));
        }
        return items;
    }

    /// <summary>
    /// The work items of <paramref name="plan"/>: consecutive micrographs grouped by <see cref="ExtractBatches"/>, each
    /// item keyed by its first stack's path (and how many follow); unless <paramref name="batched"/> is false (by
    /// default, <see cref="ExtractBatches.Enabled"/>).
    /// </summary>
    public static IReadOnlyList<WorkItem> Items(IndexedExtractionPlan plan, string stage, string dataSet,
        bool? batched = null) =>
        ExtractBatches.Group(plan, batched ?? ExtractBatches.Enabled)
            .Select(g => Work.Item(new WorkItemId(stage, dataSet, ExtractBatches.Key(plan, g.First, g.Count)),
                new Parameters(plan.IndexPath, plan.Items.Skip(g.First).Take(g.Count).ToList(), plan.Settings)))
            .ToList();

    public void Complete(MergeState state, IReadOnlyList<WorkResult> results)
    {
        var jobs = ReExtraction.Jobs(state).ToDictionary(j => j.DataSet);
        foreach (var group in results.GroupBy(r => r.Id.DataSet))
        {
            var d = state.DataSets[group.Key];
            var job = jobs[group.Key];
            d.Values.ExtractBox = job.Settings.Box;
            d.Values.RescaledBox = job.Settings.Scale;
            d.Values.FinalBox = job.Settings.OutputSize;
            d.Values.ImagePixelReached = job.ImagePixel;
            d.Values.ParticlesExtracted = group.Sum(r => r.Particles);
            int flat = group.Sum(r => Work.ResultOf(r).FlatImages);
            if (flat > 0) state.Notes.Add(string.Create(CultureInfo.InvariantCulture,
                $"{d.Name}: {flat} particle(s) had a flat background and were not normalised"));
        }
    }

    /// <summary>
    /// Runs <see cref="MicrographExtractor.Extract"/> on each micrograph of the item in turn, with one set of buffers,
    /// its coordinates read from the index when its turn comes (16 bytes a particle of that micrograph).
    /// </summary>
    private static WorkOutput<Result> Run(Parameters p, WorkEnvironment environment, CancellationToken cancel)
    {
        var processor = new ParticleProcessor(environment.Fft, p.Settings);
        var results = new List<MicrographExtractionResult>(p.Micrographs.Count);
        long bytes = 0;
        foreach (var micrograph in p.Micrographs)
        {
            cancel.ThrowIfCancellationRequested();
            results.Add(MicrographExtractor.Extract(environment.Fft, micrograph.ToItem(p.Index), p.Settings,
                processor));
            bytes += new FileInfo(micrograph.MicrographPath).Length;
        }
        long particles = results.Sum(r => (long)r.ParticleCount);
        return new(new Result(results.Count, particles, results.Sum(r => r.FlatImages)), particles, bytes,
            results.Select(r => r.StackPath).ToList());
    }
}

/// <summary>
/// Method 2, after <see cref="ExtractStage"/>: writes each extracted data set's particles.star (rows in micrograph
/// order, as relion_preprocess writes them) from its coordinate index, the coordinate rows read again one by one,
/// and the stacks on disk, one item per data set (<see cref="IndexedParticleStar"/>: a constant per micrograph,
/// none per particle); then deletes the index.
/// </summary>
public sealed class GatherParticlesStage : IMergeStage
{
    public static readonly WorkKind<ReExtractionJob, Result> Work = new("gather-particles", WorkPlacement.DataSet, Run);

    public string Name => "gather";

    public IReadOnlyList<WorkKind> Kinds => [Work];

    public sealed record Result(string Star, int Particles, double ImagePixel, int Box, IReadOnlyList<string> Warnings);

    public IReadOnlyList<WorkItem> Plan(MergeState state) =>
        ReExtraction.Jobs(state).Select(j => Work.Item(new WorkItemId(Name, j.DataSet), j)).ToList();

    public void Complete(MergeState state, IReadOnlyList<WorkResult> results)
    {
        foreach (var r in results)
        {
            var x = Work.ResultOf(r);
            var d = state.DataSets[r.Id.DataSet];
            d.Particles = x.Star;
            d.ParticleCount = x.Particles;
            d.ImagePixelSize = x.ImagePixel;
            d.ImageBox = x.Box;
            d.HasImages = true;
            d.ReExtracted = true;
            // Its images are named by their full path, its micrographs as the micrographs STAR file names them.
            d.ParticlesBase = d.ProjectDirectory ?? Path.GetDirectoryName(Path.GetFullPath(d.Micrographs!));
            // A rescaled data set's micrograph headers keep the nominal pixel size while its STAR file now has the
            // true one: that disagreement is the point, not a problem.
            bool rescaled = Math.Abs(d.Scale - 1) > 1e-9;
            state.Notes.AddRange(x.Warnings.Where(w => !(rescaled && w.Contains("pixel size disagrees",
                StringComparison.Ordinal))).Select(w => $"{d.Name}: {w}"));
        }
    }

    /// <summary>
    /// Writes the data set's particles.star from its coordinate index, then deletes the index: the merged output
    /// keeps only what the user asked for. An index that is missing (a retried or resumed gather whose first attempt
    /// deleted it) or stale (made from other files than those on disk) is planned and written again first: the same
    /// files give the same bytes.
    /// </summary>
    private static WorkOutput<Result> Run(ReExtractionJob job, WorkEnvironment environment, CancellationToken cancel)
    {
        cancel.ThrowIfCancellationRequested();
        string index = Path.Combine(job.Output, CoordinateIndex.FileName);
        if (!CoordinateIndex.IsCurrent(index, job.Micrographs, job.Coordinates)) job.PlanIndexed().WriteIndex();
        var (particles, notes) = IndexedParticleStar.Write(job.Output, job.Micrographs, job.Coordinates,
            job.Settings, requireStacks: true);
        OutputFiles.Discard(index);
        string star = Path.Combine(job.Output, ExtractionPlanner.StarName);
        var result = new Result(star, checked((int)particles), job.ImagePixel, job.Settings.OutputSize, notes);
        return new(result, particles, Outputs: [star]);
    }
}
