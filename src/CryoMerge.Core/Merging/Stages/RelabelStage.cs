using CryoMerge.Core.Merging.Pipeline;

namespace CryoMerge.Core.Merging.Stages;

/// <summary>
/// Method 3: each non-reference data set's optics groups get its true pixel size (defocus and origins in Angstrom
/// rescaled with it, <see cref="OpticsRelabel"/>); no image is touched. RELION >= 3.1 then refines the groups
/// together. One item per data set.
/// </summary>
public sealed class RelabelStage : IMergeStage
{
    public const string Kind = "relabel";
    public const string OutputName = "particles_relabelled.star";

    public string Name => "relabel";

    public sealed record Parameters(string Input, string Output, double PixelSize);

    public sealed record Result(string Output, int Rows, IReadOnlyList<string> Warnings);

    public IReadOnlyList<WorkItem> Plan(MergeState state)
    {
        if (state.Plan.Method != MergeMethod.Relabel) return [];
        return state.DataSets.Values.Where(d => d.Name != state.Plan.Reference && d.PixelSize is not null && Math.Abs(d.Scale - 1) > 1e-9)
            .OrderBy(d => d.Name, StringComparer.Ordinal)
            .Select(d => WorkItem.Create($"{Name}/{d.Name}", Kind,
                new Parameters(d.Particles!, Path.Combine(state.DataSetFolder(d.Name), OutputName), d.PixelSize!.Value), d.Name))
            .ToList();
    }

    public void Complete(MergeState state, IReadOnlyList<WorkResult> results)
    {
        foreach (var r in results)
        {
            var d = state.DataSets[r.Id.Split('/')[1]];
            var x = r.ResultAs<Result>();
            d.Particles = x.Output;
            state.Notes.AddRange(x.Warnings.Select(w => $"{d.Name}: {w}"));
        }
    }

    public sealed class Handler : IWorkHandler
    {
        public string Kind => RelabelStage.Kind;

        public WorkResult Execute(WorkItem item, WorkEnvironment environment, CancellationToken cancellationToken)
        {
            var p = item.ParametersAs<Parameters>();
            OutputFiles.EnsureNotInput(p.Output, p.Input);
            var report = OpticsRelabel.RelabelFile(p.Input, p.Output, new RelabelRequest(p.PixelSize));
            return WorkResult.Create(item, new Result(p.Output, report.Rows, report.Warnings), outputs: [p.Output]);
        }
    }
}
