using CryoMerge.Core.Merging.Pipeline;

namespace CryoMerge.Core.Merging.Stages;

/// <summary>
/// Method 3: each data set's optics groups get its true pixel size (defocus and origins in Angstrom rescaled with
/// it, <see cref="OpticsRelabel"/>); no image is touched. RELION >= 3.1 then refines the groups together. Methods 1
/// and 2 relabel so a data set whose own images are merged as they are (a reference with images, whose pixel size
/// the plan corrects). One item per data set whose scale is not 1.
/// </summary>
public sealed class RelabelStage : IMergeStage
{
    public const string OutputName = "particles_relabelled.star";

    public static readonly WorkKind<Parameters, Result> Work = new("relabel", WorkPlacement.DataSet, Run);

    public string Name => "relabel";

    public IReadOnlyList<WorkKind> Kinds => [Work];

    public sealed record Parameters(string Input, string Output, double PixelSize);

    public sealed record Result(string Output, int Rows, IReadOnlyList<string> Warnings);

    public IReadOnlyList<WorkItem> Plan(MergeState state) =>
        state.Plan.DataSets.Select(p => state.DataSets[p.Name])
            .Where(d => d.PixelSize is not null && Math.Abs(d.Scale - 1) > 1e-9)
            .Where(d => state.Plan.Method == MergeMethod.Relabel || !d.ReExtracted)
            .Select(d => Work.Item(new WorkItemId(Name, d.Name), new Parameters(
                d.Particles!, Path.Combine(state.DataSetFolder(d.Name), OutputName), TruePixel(d))))
            .ToList();

    /// <summary>The true pixel size of the data set's particle images (A).</summary>
    private static double TruePixel(DataSetState d) => (d.ImagePixelSize > 0 ? d.ImagePixelSize
        : d.NominalPixelSize) * d.Scale;

    public void Complete(MergeState state, IReadOnlyList<WorkResult> results)
    {
        foreach (var r in results)
        {
            var d = state.DataSets[r.Id.DataSet];
            var x = Work.ResultOf(r);
            d.Particles = x.Output;
            d.Relabelled = true;
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
