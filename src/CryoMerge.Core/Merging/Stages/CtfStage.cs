using CryoMerge.Core.Merging.Pipeline;

namespace CryoMerge.Core.Merging.Stages;

/// <summary>
/// Methods 1 and 2: the CTF of a data set whose pixel size was wrong was fitted at the wrong pixel; its defocus is
/// rescaled to the true pixel (r^2 plus the band-weighted Cs constant, <see cref="CtfScaling"/>) and the
/// micrograph pixel-size columns set to the true value, in a new micrographs STAR file. One item per data set
/// whose scale is not 1.
/// </summary>
public sealed class CtfStage : IMergeStage
{
    public const string OutputName = "micrographs_ctf.star";

    public static readonly WorkKind<Parameters, Result> Work = new("scale-ctf", WorkPlacement.DataSet, Run);

    public string Name => "ctf";

    public IReadOnlyList<WorkKind> Kinds => [Work];

    public sealed record Parameters(string Input, string Output, double OldPixel, double NewPixel);

    public sealed record Result(string Output, int Rows, IReadOnlyList<string> Warnings);

    public IReadOnlyList<WorkItem> Plan(MergeState state)
    {
        if (state.Plan.Method == MergeMethod.Relabel) return [];
        var items = new List<WorkItem>();
        foreach (var d in state.DataSets.Values.OrderBy(d => d.Name, StringComparer.Ordinal))
        {
            if (Math.Abs(d.Scale - 1) < 1e-9 || d.Micrographs is null) continue;
            string output = Path.Combine(state.DataSetFolder(d.Name), OutputName);
            double pixel = d.MicrographPixelSize;
            items.Add(Work.Item(new WorkItemId(Name, d.Name), new Parameters(d.Micrographs, output, pixel,
                pixel * d.Scale)));
        }
        return items;
    }

    public void Complete(MergeState state, IReadOnlyList<WorkResult> results)
    {
        foreach (var r in results)
        {
            var d = state.DataSets[r.Id.DataSet];
            var x = Work.ResultOf(r);
            d.Micrographs = x.Output;
            d.Values.MicrographPixelTrue = d.MicrographPixelSize * d.Scale;
            state.Notes.AddRange(x.Warnings.Select(w => $"{d.Name}: {w}"));
        }
    }

    private static WorkOutput<Result> Run(Parameters p, WorkEnvironment environment, CancellationToken cancel)
    {
        OutputFiles.EnsureNotInput(p.Output, p.Input);
        var report = CtfScaling.ScaleCtfFile(p.Input, p.Output, new ScaleCtfRequest(p.OldPixel, p.NewPixel));
        return new(new Result(p.Output, report.Rows, report.Warnings), Outputs: [p.Output]);
    }
}
