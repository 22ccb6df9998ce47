using System.Globalization;
using CryoMerge.Core.Extraction;
using CryoMerge.Core.Merging.Pipeline;

namespace CryoMerge.Core.Merging.Stages;

/// <summary>
/// Method 2: extracts, rescales and windows every particle of each data set that needs it, one work item per
/// micrograph (<see cref="ExtractionWorkHandlers"/>, exactly relion_preprocess's algorithm). The STAR file is
/// written afterwards by <see cref="GatherParticlesStage"/>.
/// </summary>
public sealed class ExtractStage : IMergeStage
{
    public string Name => "extract";

    public IReadOnlyList<WorkItem> Plan(MergeState state)
    {
        var items = new List<WorkItem>();
        foreach (var job in ReExtraction.Jobs(state))
        {
            var warnings = new List<string>();
            var plan = job.Plan(warnings);
            items.AddRange(ExtractionWorkHandlers.Items(plan, $"{Name}/{job.DataSet}", job.DataSet));
        }
        return items;
    }

    public void Complete(MergeState state, IReadOnlyList<WorkResult> results)
    {
        var jobs = ReExtraction.Jobs(state).ToDictionary(j => j.DataSet);
        foreach (var group in results.GroupBy(r => r.Id.Split('/')[1]))
        {
            var d = state.DataSets[group.Key];
            var job = jobs[group.Key];
            d.Values["extractBox"] = job.Settings.Box;
            if (job.Settings.Scale is int s) d.Values["rescaledBox"] = s;
            d.Values["finalBox"] = job.Settings.OutputSize;
            d.Values["imagePixelReached"] = job.ImagePixel;
            d.Values["particlesExtracted"] = group.Sum(r => r.Particles);
            int flat = group.Sum(r => r.ResultAs<MicrographExtractionResult>().FlatImages);
            if (flat > 0) state.Notes.Add(string.Create(CultureInfo.InvariantCulture, $"{d.Name}: {flat} particle(s) had a flat background and were not normalised"));
        }
    }
}

/// <summary>
/// Method 2, after <see cref="ExtractStage"/>: writes each extracted data set's particles.star (rows in micrograph
/// order, as relion_preprocess writes them) from the plan and the stacks on disk, one item per data set.
/// </summary>
public sealed class GatherParticlesStage : IMergeStage
{
    public const string Kind = "gather-particles";

    public string Name => "gather";

    public sealed record Result(string Star, int Particles, double ImagePixel, int Box, IReadOnlyList<string> Warnings);

    public IReadOnlyList<WorkItem> Plan(MergeState state) =>
        ReExtraction.Jobs(state).Select(j => WorkItem.Create($"{Name}/{j.DataSet}", Kind, j, j.DataSet)).ToList();

    public void Complete(MergeState state, IReadOnlyList<WorkResult> results)
    {
        foreach (var r in results)
        {
            var x = r.ResultAs<Result>();
            var d = state.DataSets[r.Id.Split('/')[1]];
            d.Particles = x.Star;
            d.ParticleCount = x.Particles;
            d.ImagePixelSize = x.ImagePixel;
            d.ImageBox = x.Box;
            d.HasImages = true;
            // A rescaled data set's micrograph headers keep the nominal pixel size while its STAR file now has the
            // true one: that disagreement is the point, not a problem.
            bool rescaled = Math.Abs(d.Scale - 1) > 1e-9;
            state.Notes.AddRange(x.Warnings.Where(w => !(rescaled && w.Contains("pixel size disagrees", StringComparison.Ordinal))).Select(w => $"{d.Name}: {w}"));
        }
    }

    public sealed class Handler : IWorkHandler
    {
        public string Kind => GatherParticlesStage.Kind;

        public WorkResult Execute(WorkItem item, WorkEnvironment environment, CancellationToken cancellationToken)
        {
            var job = item.ParametersAs<ReExtractionJob>();
            var warnings = new List<string>();
            var plan = job.Plan(warnings);
            var star = plan.BuildStarFromItems();
            cancellationToken.ThrowIfCancellationRequested();
            star.Write(plan.StarPath);
            var result = new Result(plan.StarPath, plan.ParticleCount, job.ImagePixel, job.Settings.OutputSize, warnings);
            return WorkResult.Create(item, result, particles: plan.ParticleCount, outputs: [plan.StarPath]);
        }
    }
}
