using System.Globalization;
using CryoMerge.Core.Extraction;
using CryoMerge.Core.Merging.Pipeline;

namespace CryoMerge.Core.Merging.Stages;

/// <summary>
/// Method 2: extracts, rescales and windows every particle of each data set that needs it, one work item per
/// micrograph (<see cref="MicrographExtractor"/>, exactly relion_preprocess's algorithm). The STAR file is
/// written afterwards by <see cref="GatherParticlesStage"/>.
/// </summary>
public sealed class ExtractStage : IMergeStage
{
    public static readonly WorkKind<Parameters, MicrographExtractionResult> Work =
        new("extract-micrograph", WorkPlacement.Micrograph, Run);

    public string Name => "extract";

    public IReadOnlyList<WorkKind> Kinds => [Work];

    /// <summary>Parameters of an item: the micrograph's work and the settings of the whole extraction.</summary>
    public sealed record Parameters(MicrographExtractionItem Item, ExtractionSettings Settings);

    public IReadOnlyList<WorkItem> Plan(MergeState state)
    {
        var items = new List<WorkItem>();
        foreach (var job in ReExtraction.Jobs(state))
        {
            var warnings = new List<string>();
            var plan = job.Plan(warnings);
            OutputRecord.Claim(state.Plan.Output, plan.OutputPaths, state.Plan.Overwrite);
            items.AddRange(Items(plan, Name, job.DataSet));
        }
        return items;
    }

    /// <summary>A work item per micrograph of <paramref name="plan"/>, keyed by its stack's path.</summary>
    public static IReadOnlyList<WorkItem> Items(ExtractionPlan plan, string stage, string dataSet) =>
        plan.Items.Select(i => Work.Item(new WorkItemId(stage, dataSet, i.StackPath), new Parameters(i, plan.Settings)))
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
            if (flat > 0) state.Notes.Add(string.Create(CultureInfo.InvariantCulture, $"{d.Name}: {flat} particle(s) had a flat background and were not normalised"));
        }
    }

    /// <summary>
    /// Runs <see cref="MicrographExtractor.Extract"/>; the result is a <see cref="MicrographExtractionResult"/> without
    /// its STAR rows. The rows follow from the plan alone (<see cref="ExtractionPlan.BuildStarFromItems"/>); carried in
    /// every result they made a merge job's checkpoints grow with the number of particles (a few hundred rows per
    /// micrograph, rewritten every checkpoint).
    /// </summary>
    private static WorkOutput<MicrographExtractionResult> Run(
        Parameters p, WorkEnvironment environment, CancellationToken cancel)
    {
        cancel.ThrowIfCancellationRequested();
        var result = MicrographExtractor.Extract(environment.Fft, p.Item, p.Settings) with { Rows = [] };
        long bytes = new FileInfo(p.Item.MicrographPath).Length;
        return new(result, result.ParticleCount, bytes, [result.StackPath]);
    }
}

/// <summary>
/// Method 2, after <see cref="ExtractStage"/>: writes each extracted data set's particles.star (rows in micrograph
/// order, as relion_preprocess writes them) from the plan and the stacks on disk, one item per data set.
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
            state.Notes.AddRange(x.Warnings.Where(w => !(rescaled && w.Contains("pixel size disagrees", StringComparison.Ordinal))).Select(w => $"{d.Name}: {w}"));
        }
    }

    private static WorkOutput<Result> Run(ReExtractionJob job, WorkEnvironment environment, CancellationToken cancel)
    {
        var warnings = new List<string>();
        var plan = job.Plan(warnings);
        var star = plan.BuildStarFromItems();
        cancel.ThrowIfCancellationRequested();
        star.Write(plan.StarPath);
        var result = new Result(plan.StarPath, plan.ParticleCount, job.ImagePixel, job.Settings.OutputSize, warnings);
        return new(result, plan.ParticleCount, Outputs: [plan.StarPath]);
    }
}
