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
    public const string Kind = "scale-ctf";
    public const string OutputName = "micrographs_ctf.star";

    public string Name => "ctf";

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
            items.Add(WorkItem.Create($"{Name}/{d.Name}", Kind, new Parameters(d.Micrographs, output, d.MicrographPixelSize, d.MicrographPixelSize * d.Scale), d.Name));
        }
        return items;
    }

    public void Complete(MergeState state, IReadOnlyList<WorkResult> results)
    {
        foreach (var r in results)
        {
            var d = state.DataSets[r.Id.Split('/')[1]];
            var x = r.ResultAs<Result>();
            d.Micrographs = x.Output;
            d.Values["micrographPixelTrue"] = d.MicrographPixelSize * d.Scale;
            state.Notes.AddRange(x.Warnings.Select(w => $"{d.Name}: {w}"));
        }
    }

    public sealed class Handler : IWorkHandler
    {
        public string Kind => CtfStage.Kind;

        public WorkResult Execute(WorkItem item, WorkEnvironment environment, CancellationToken cancellationToken)
        {
            var p = item.ParametersAs<Parameters>();
            OutputFiles.EnsureNotInput(p.Output, p.Input);
            var report = CtfScaling.ScaleCtfFile(p.Input, p.Output, new ScaleCtfRequest(p.OldPixel, p.NewPixel));
            return WorkResult.Create(item, new Result(p.Output, report.Rows, report.Warnings), outputs: [p.Output]);
        }
    }
}
