using CryoMerge.Core.Formats;
using CryoMerge.Core.Merging.Pipeline;

namespace CryoMerge.Core.Merging.Stages;

/// <summary>
/// Joins every data set's final particle file, reference first (RELION takes the first optics group as the model's
/// unless told otherwise), into one RELION 3.1+ file in the output folder whose names RELION reads from the project
/// folder (<see cref="ProjectNames"/>): images and micrographs relative to it, optics groups named after their data
/// set, no micrograph name shared by two data sets. Missing columns get RELION's neutral values, duplicate image names
/// are refused (<see cref="StarJoin"/>). When the plan asks for it (outputFormat cs or both), the joined particles are
/// also written as particles.cs for cryoSPARC (<see cref="RelionToCryosparc"/>), each data set's images with their own
/// contrast (blob/sign); with cs alone the STAR file goes to star/particles.star.
/// </summary>
public sealed class JoinStage : IMergeStage
{
    public const string OutputName = "particles.star";
    public const string CryosparcName = "particles.cs";

    public static readonly WorkKind<Parameters, Result> Work = new("join", WorkPlacement.DataSet, Run);

    public string Name => "join";

    public IReadOnlyList<WorkKind> Kinds => [Work];

    /// <param name="Inputs">The data sets' particle files, in the order of the merged file.</param>
    /// <param name="Project">The folder the merged file's names are relative to.</param>
    /// <param name="Folder">The plan's output folder, which holds links where micrograph names clash.</param>
    /// <param name="Cryosparc">particles.cs to write beside the STAR file, or null.</param>
    /// <param name="BlobSigns">blob/sign of each input's images (1 white, -1 dark), for the .cs file.</param>
    /// <param name="Overwrite">The plan's overwrite: links may replace files the merge did not write.</param>
    public sealed record Parameters(IReadOnlyList<Input> Inputs, string Output, string Project, string Folder,
        string? Cryosparc = null, IReadOnlyList<float>? BlobSigns = null, bool Overwrite = false);

    /// <summary>One data set's particle file and the folder its relative names resolve from.</summary>
    public sealed record Input(string DataSet, string Particles, string NameBase);

    public sealed record Result(string Output, int Rows, IReadOnlyList<string> Groups, IReadOnlyList<string> Warnings,
        string? Cryosparc = null);

    public IReadOnlyList<WorkItem> Plan(MergeState state)
    {
        var order = state.Plan.DataSets.Select(d => d.Name).OrderBy(n => n == state.Plan.Reference ? 0 : 1).ToList();
        var inputs = order.Select(n => state.DataSets[n])
            .Select(d => new Input(d.Name, d.Particles!,
                d.ParticlesBase ?? Path.GetDirectoryName(Path.GetFullPath(d.Particles!))!))
            .ToList();
        var format = state.Plan.OutputFormat;
        string star = format == MergeOutputFormat.Cryosparc
            ? Path.Combine(state.Plan.Output, "star", OutputName)
            : Path.Combine(state.Plan.Output, OutputName);
        string? cs = format == MergeOutputFormat.Star ? null : Path.Combine(state.Plan.Output, CryosparcName);
        var parameters = new Parameters(inputs, star, state.Plan.ProjectDirectory, state.Plan.Output, cs,
            order.Select(n => BlobSign(state, n)).ToList(), state.Plan.Overwrite);
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
        OutputFiles.EnsureNotInput(p.Output, p.Inputs.Select(i => i.Particles));
        var warnings = new List<string>();
        var taken = new HashSet<string>(StringComparer.Ordinal);
        var links = new List<string>();
        var sources = p.Inputs.Select(input => Source(input, p, taken, links, warnings, cancel)).ToList();
        // One input in memory at a time, the joined rows streamed: the join's memory is the largest data set's.
        var report = StarJoin.JoinTo(sources, p.Output);
        var groups = report.OpticsGroups.Select(g => $"{g.Name} ({g.Number})").ToList();
        warnings.AddRange(report.Warnings);
        if (p.Cryosparc is null)
            return new(new Result(p.Output, report.Rows, groups, warnings), report.Rows, Outputs: [p.Output, .. links]);
        // Rows come input by input: the sign of a row is its input's.
        var ends = new List<int>();
        foreach (var input in report.Inputs) ends.Add((ends.Count == 0 ? 0 : ends[^1]) + input.Rows);
        var signs = p.BlobSigns ?? [];
        float Sign(int row)
        {
            int k = ends.FindIndex(e => row < e);
            return k >= 0 && k < signs.Count ? signs[k] : 1;
        }
        var options = new CryosparcExportOptions(ProjectDirectory: p.Project, BlobSign: Sign);
        var cs = CryosparcConversion.ToCryosparc(p.Output, p.Cryosparc, options);
        warnings.AddRange(cs.Notes.Select(n => $"{CryosparcName}: {n}"));
        var result = new Result(p.Output, report.Rows, groups, warnings, p.Cryosparc);
        return new(result, report.Rows, Outputs: [p.Output, p.Cryosparc, .. links]);
    }

    /// <summary>
    /// A data set's particles as the merged file names them (<see cref="ProjectNames"/>), read afresh each time the
    /// join asks: the first reading decides the micrographs' names (making links where they clash with an earlier
    /// data set's) and notes what it did; later readings give the same names.
    /// </summary>
    private static JoinSource Source(Input input, Parameters p, HashSet<string> taken, List<string> links,
        List<string> warnings, CancellationToken cancel)
    {
        ProjectNames.Separation? separation = null;
        return new JoinSource(input.Particles, () =>
        {
            cancel.ThrowIfCancellationRequested();
            var set = StarDataSet.Read(input.Particles);
            if (set.Generation == StarGeneration.Relion30)
                set = Relion30Conversion.ToRelion31(set, separation is null ? warnings : []);
            ProjectNames.Relocate(set, input.NameBase, p.Project);
            ProjectNames.NameOpticsGroups(set, input.DataSet);
            if (separation is not null)
            {
                ProjectNames.Rename(set, separation.Renamed);
                return set;
            }
            separation = ProjectNames.Separate(set, input.DataSet, p.Project, p.Folder, taken,
                made => OutputRecord.Claim(p.Folder, made, p.Overwrite));
            links.AddRange(separation.Links);
            if (separation.Note is not null) warnings.Add(separation.Note);
            return set;
        });
    }

    /// <summary>
    /// The contrast of a data set's images in the joined file: images the merge extracted are white when the
    /// extraction inverts them (the default), black otherwise; kept images are as read (a .cs file's blob/sign, white
    /// for STAR files, RELION's convention).
    /// </summary>
    private static float BlobSign(MergeState state, string name)
    {
        var d = state.DataSets[name];
        if (d.ReExtracted) return (state.Plan.Extraction ?? new ExtractionBoxes()).Invert ? 1 : -1;
        return d.BlobSign ?? 1;
    }
}
