using CryoMerge.Core.Merging.Pipeline;

namespace CryoMerge.Core.Merging.Stages;

/// <summary>
/// Joins every data set's final particle file, reference first, into one RELION 3.1+ file in the output folder:
/// each data set keeps its own optics groups (renamed where names collide), missing columns get RELION's neutral
/// values, duplicate image names are refused (<see cref="StarJoin"/>).
/// </summary>
public sealed class JoinStage : IMergeStage
{
    public const string OutputName = "particles.star";

    public static readonly WorkKind<Parameters, Result> Work = new("join", WorkPlacement.DataSet, Run);

    public string Name => "join";

    public IReadOnlyList<WorkKind> Kinds => [Work];

    public sealed record Parameters(IReadOnlyList<string> Inputs, string Output);

    public sealed record Result(string Output, int Rows, IReadOnlyList<string> Groups, IReadOnlyList<string> Warnings);

    public IReadOnlyList<WorkItem> Plan(MergeState state)
    {
        var order = state.Plan.DataSets.Select(d => d.Name).OrderBy(n => n == state.Plan.Reference ? 0 : 1).ToList();
        var inputs = order.Select(n => state.DataSets[n].Particles!).ToList();
        var parameters = new Parameters(inputs, Path.Combine(state.Plan.Output, OutputName));
        return [Work.Item(new WorkItemId(Name, Key: "all"), parameters)];
    }

    public void Complete(MergeState state, IReadOnlyList<WorkResult> results)
    {
        var x = Work.ResultOf(results.Single());
        state.MergedParticles = x.Output;
        state.MergedParticleCount = x.Rows;
        state.Notes.AddRange(x.Warnings);
    }

    private static WorkOutput<Result> Run(Parameters p, WorkEnvironment environment, CancellationToken cancel)
    {
        OutputFiles.EnsureNotInput(p.Output, p.Inputs);
        var report = StarJoin.JoinFiles(p.Inputs, p.Output);
        var groups = report.OpticsGroups.Select(g => $"{g.Name} ({g.Number})").ToList();
        return new(new Result(p.Output, report.Rows, groups, report.Warnings), report.Rows, Outputs: [p.Output]);
    }
}
