using CryoMerge.Core.Merging.Pipeline;

namespace CryoMerge.Core.Merging.Stages;

/// <summary>
/// Method 3: each non-reference data set's optics groups get its true pixel size (defocus and origins in Angstrom
/// rescaled with it, <see cref="OpticsRelabel"/>); no image is touched. RELION >= 3.1 then refines the groups
/// together. One item per data set.
/// </summary>
public sealed class RelabelStage : IMergeStage
{
    public const string OutputName = "particles_relabelled.star";

    public static readonly WorkKind<Parameters, Result> Work = new("relabel", WorkPlacement.DataSet, Run);

    public string Name => "relabel";

    public IReadOnlyList<WorkKind> Kinds => [Work];

    public sealed record Parameters(string Input, string Output, double PixelSize);

    public sealed record Result(string Output, int Rows, IReadOnlyList<string> Warnings);

    public IReadOnlyList<WorkItem> Plan(MergeState state)
    {
        if (state.Plan.Method != MergeMethod.Relabel) return [];
        return state.DataSets.Values.Where(d => d.Name != state.Plan.Reference && d.PixelSize is not null && Math.Abs(d.Scale - 1) > 1e-9)
            .OrderBy(d => d.Name, StringComparer.Ordinal)
            .Select(d => Work.Item(new WorkItemId(Name, d.Name), new Parameters(
                d.Particles!, Path.Combine(state.DataSetFolder(d.Name), OutputName), d.PixelSize!.Value)))
            .ToList();
    }

    public void Complete(MergeState state, IReadOnlyList<WorkResult> results)
    {
        foreach (var r in results)
        {
            var d = state.DataSets[r.Id.DataSet];
            var x = Work.ResultOf(r);
            d.Particles = x.Output;
            state.Notes.AddRange(x.Warnings.Select(w => $"{d.Name}: {w}"));
        }
    }

    private static WorkOutput<Result> Run(Parameters p, WorkEnvironment environment, CancellationToken cancel)
    {
        OutputFiles.EnsureNotInput(p.Output, p.Input);
        var report = OpticsRelabel.RelabelFile(p.Input, p.Output, new RelabelRequest(p.PixelSize));
        return new(new Result(p.Output, report.Rows, report.Warnings), Outputs: [p.Output]);
    }
}
