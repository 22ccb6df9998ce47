using CryoMerge.Core.Formats;
using CryoMerge.Core.Merging.Pipeline;

namespace CryoMerge.Core.Merging.Stages;

/// <summary>
/// Joins every data set's final particle file, reference first, into one RELION 3.1+ file in the output folder:
/// each data set keeps its own optics groups (renamed where names collide), missing columns get RELION's neutral
/// values, duplicate image names are refused (<see cref="StarJoin"/>). When the plan asks for it (outputFormat cs or
/// both), the joined particles are also written as particles.cs for cryoSPARC (<see cref="RelionToCryosparc"/>), each
/// data set's images with their own contrast (blob/sign); with cs alone the STAR file goes to star/particles.star.
/// </summary>
public sealed class JoinStage : IMergeStage
{
    public const string OutputName = "particles.star";
    public const string CryosparcName = "particles.cs";

    public static readonly WorkKind<Parameters, Result> Work = new("join", WorkPlacement.DataSet, Run);

    public string Name => "join";

    public IReadOnlyList<WorkKind> Kinds => [Work];

    /// <param name="Cryosparc">particles.cs to write beside the STAR file, or null.</param>
    /// <param name="BlobSigns">blob/sign of each input's images (1 white, -1 dark), for the .cs file.</param>
    public sealed record Parameters(IReadOnlyList<string> Inputs, string Output, string? Cryosparc = null,
        IReadOnlyList<float>? BlobSigns = null);

    public sealed record Result(string Output, int Rows, IReadOnlyList<string> Groups, IReadOnlyList<string> Warnings,
        string? Cryosparc = null);

    public IReadOnlyList<WorkItem> Plan(MergeState state)
    {
        var order = state.Plan.DataSets.Select(d => d.Name).OrderBy(n => n == state.Plan.Reference ? 0 : 1).ToList();
        var inputs = order.Select(n => state.DataSets[n].Particles!).ToList();
        var format = state.Plan.OutputFormat;
        string star = format == MergeOutputFormat.Cryosparc
            ? Path.Combine(state.Plan.Output, "star", OutputName)
            : Path.Combine(state.Plan.Output, OutputName);
        string? cs = format == MergeOutputFormat.Star ? null : Path.Combine(state.Plan.Output, CryosparcName);
        var parameters = new Parameters(inputs, star, cs, order.Select(n => BlobSign(state, n)).ToList());
        return [Work.Item(new WorkItemId(Name, Key: "all"), parameters)];
    }

    public void Complete(MergeState state, IReadOnlyList<WorkResult> results)
    {
        var x = Work.ResultOf(results.Single());
        state.MergedParticles = x.Output;
        state.MergedParticleCount = x.Rows;
        state.MergedCryosparc = x.Cryosparc;
        state.Notes.AddRange(x.Warnings);
    }

    private static WorkOutput<Result> Run(Parameters p, WorkEnvironment environment, CancellationToken cancel)
    {
        OutputFiles.EnsureNotInput(p.Output, p.Inputs);
        var report = StarJoin.JoinFiles(p.Inputs, p.Output);
        var groups = report.OpticsGroups.Select(g => $"{g.Name} ({g.Number})").ToList();
        if (p.Cryosparc is null)
            return new(new Result(p.Output, report.Rows, groups, report.Warnings), report.Rows, Outputs: [p.Output]);
        // Rows come input by input: the sign of a row is its input's.
        var ends = new List<int>();
        foreach (var input in report.Inputs) ends.Add((ends.Count == 0 ? 0 : ends[^1]) + input.Rows);
        var signs = p.BlobSigns ?? [];
        float Sign(int row)
        {
            int k = ends.FindIndex(e => row < e);
            return k >= 0 && k < signs.Count ? signs[k] : 1;
        }
        var cs = CryosparcConversion.ToCryosparc(p.Output, p.Cryosparc, new CryosparcExportOptions(BlobSign: Sign));
        var warnings = report.Warnings.Concat(cs.Notes.Select(n => $"{CryosparcName}: {n}")).ToList();
        var result = new Result(p.Output, report.Rows, groups, warnings, p.Cryosparc);
        return new(result, report.Rows, Outputs: [p.Output, p.Cryosparc]);
    }

    /// <summary>
    /// The contrast of a data set's images in the joined file: re-extracted images (method 2) are white when the
    /// extraction inverts them (the default), black otherwise; kept images are as read (a .cs file's blob/sign, white
    /// for STAR files, RELION's convention).
    /// </summary>
    private static float BlobSign(MergeState state, string name)
    {
        var d = state.DataSets[name];
        bool reextracted = state.Plan.Method == MergeMethod.ReExtract && !(name == state.Plan.Reference && d.HasImages);
        if (reextracted) return (state.Plan.Extraction ?? new ExtractionBoxes()).Invert ? 1 : -1;
        return d.BlobSign ?? 1;
    }
}
