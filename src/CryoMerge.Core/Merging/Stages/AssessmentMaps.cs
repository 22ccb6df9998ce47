using CryoMerge.Core.Assessment;
using CryoMerge.Core.Merging.Pipeline;
using CryoMerge.Core.Reconstruction;

namespace CryoMerge.Core.Merging.Stages;

/// <summary>
/// The half maps of the assessment (plan section <c>assess</c>), made as a sharded reconstruction
/// (<see cref="ShardedReconstruction"/>: particle-shard items, partial sums added in shard order, one solve per map)
/// from the merged particle file, so that every map is on the reference's grid and scale: each data set's (its optics
/// groups), the merge's (every row), and those of the one-by-one series (the best k data sets). Halves are
/// rlnRandomSubset (<see cref="AssessmentSources"/> gives one to rows without).
/// </summary>
public static class AssessmentMaps
{
    /// <summary>Folder of the assessment's maps and files inside the merge's output.</summary>
    public const string Folder = "assessment";

    /// <summary>Name of the merged map in reports and files.</summary>
    public const string MergedName = "merge";

    /// <summary>A pair of half maps to make: the rows of these data sets (every row when <paramref name="All"/>).
    /// </summary>
    private sealed record MapJob(string Name, string FileStem, AssessedMapKind Kind, IReadOnlyList<string> DataSets,
        bool All);

    /// <summary>
    /// The stages: the source, each data set's and the merge's maps, the order, the series' maps, the report.
    /// </summary>
    public static IReadOnlyList<IMergeStage> Stages() =>
    [
        new AssessPrepareStage(),
        new BackProjectStage("assess-backproject", s => Planned(s, first: true)),
        new SolveMapsStage("assess-maps", s => s.Assessment?.MapsPlan, (s, maps) => Done(s, Jobs(s), maps)),
        new AssessOrderStage(),
        new BackProjectStage("assess-steps-backproject", s => Planned(s, first: false)),
        new SolveMapsStage("assess-steps", s => s.Assessment?.StepsPlan, (s, maps) => Done(s, StepJobs(s), maps)),
        new AssessStage(),
    ];

    /// <summary>Each data set's rows in the merged file: the join writes them data set by data set, the reference first
    /// and the others in the plan's order (<see cref="JoinStage"/>).</summary>
    public static Dictionary<string, RowRange> RowRanges(MergeState state)
    {
        var order = state.Plan.DataSets.Select(d => d.Name).OrderBy(n => n == state.Plan.Reference ? 0 : 1).ToList();
        var ranges = new Dictionary<string, RowRange>(StringComparer.Ordinal);
        int start = 0;
        foreach (string name in order)
        {
            int count = (int)state.DataSets[name].ParticleCount;
            ranges[name] = new RowRange(start, count);
            start += count;
        }
        if (start != state.MergedParticleCount)
            throw new InvalidOperationException(
                $"the data sets hold {start} particles but the merged file {state.MergedParticleCount}: "
                + "cannot tell their rows apart");
        return ranges;
    }

    /// <summary>The shard plan of the maps (first) or of the series' maps, made once and kept in the state.</summary>
    private static ReconstructionPlan? Planned(MergeState state, bool first)
    {
        if (state.Plan.Assess is null || state.Assessment is not { Source: { } } a) return null;
        if (first) return a.MapsPlan ??= Plan(state, Jobs(state), "maps");
        var steps = StepJobs(state);
        return steps.Count == 0 ? null : a.StepsPlan ??= Plan(state, steps, "steps");
    }

    private static ReconstructionPlan Plan(MergeState state, IReadOnlyList<MapJob> jobs, string work)
    {
        var options = state.Plan.Assess!;
        var source = state.Assessment!.Source!;
        string folder = Path.Combine(state.Plan.Output, Folder);
        var solver = options.SkipGridding ? new SolverOptions { SkipGridding = true } : null;
        var requests = new List<MapRequest>();
        foreach (var job in jobs)
            for (int half = 1; half <= 2; half++)
            {
                var groups = job.All ? null : job.DataSets.SelectMany(d => source.OpticsGroups[d]).ToList();
                requests.Add(new MapRequest($"{job.FileStem}-half{half}", source.Particles,
                    Path.Combine(folder, $"{job.FileStem}_half{half}.mrc"),
                    new ParticleSelection { RandomSubset = half, OpticsGroups = groups }, Ctf: options.Ctf,
                    Solver: solver));
            }
        return ShardedReconstruction.Plan(requests, Path.Combine(folder, "shards-" + work),
            state.Plan.ParticlesPerShard);
    }

    /// <summary>Each data set alone and the whole merge.</summary>
    private static IReadOnlyList<MapJob> Jobs(MergeState state)
    {
        var names = state.Plan.DataSets.Select(d => d.Name).ToList();
        return [.. names.Select(n => new MapJob(n, $"dataset-{n}", AssessedMapKind.DataSet, [n], false)),
            new MapJob(MergedName, MergedName, AssessedMapKind.Merged, names, true)];
    }

    /// <summary>The best k data sets together, for every k between one (its own map) and all (the merge's).</summary>
    private static IReadOnlyList<MapJob> StepJobs(MergeState state)
    {
        if (state.Assessment?.Order is not { } order) return [];
        var jobs = new List<MapJob>();
        for (int k = 2; k < order.Count; k++)
        {
            var sets = order.Take(k).ToList();
            jobs.Add(new MapJob(string.Join("+", sets), $"best{k}", AssessedMapKind.Step, sets, false));
        }
        return jobs;
    }

    /// <summary>The maps come in plan order: each job's half 1, then its half 2.</summary>
    private static void Done(MergeState state, IReadOnlyList<MapJob> jobs, IReadOnlyList<ReconstructedMap> maps)
    {
        var a = state.Assessment!;
        bool fromFile = a.Source!.SubsetsFromFile;
        for (int i = 0; i < jobs.Count; i++)
        {
            var (h1, h2, job) = (maps[2 * i], maps[2 * i + 1], jobs[i]);
            a.Maps.RemoveAll(m => m.Name == job.Name);
            a.Maps.Add(new AssessedMap(job.Name, job.Kind, job.DataSets, h1.Particles + h2.Particles, h1.Output,
                h2.Output, fromFile));
        }
    }
}

/// <summary>
/// The assessment's first stage: a new <see cref="AssessmentState"/> and its source (each data set's optics groups in
/// the merged file, and halves for rows without rlnRandomSubset), one item.
/// </summary>
public sealed class AssessPrepareStage : IMergeStage
{
    public static readonly WorkKind<Parameters, AssessmentSource> Work =
        new("assess-prepare", WorkPlacement.DataSet, Run);

    public string Name => "assess-prepare";

    public IReadOnlyList<WorkKind> Kinds => [Work];

    public sealed record Parameters(string Particles, IReadOnlyDictionary<string, RowRange> Rows);

    public IReadOnlyList<WorkItem> Plan(MergeState state)
    {
        if (state.Plan.Assess is null || state.MergedParticles is null) return [];
        state.Assessment = new AssessmentState();
        var parameters = new Parameters(state.MergedParticles, AssessmentMaps.RowRanges(state));
        return [Work.Item(new WorkItemId(Name, Key: "all"), parameters)];
    }

    public void Complete(MergeState state, IReadOnlyList<WorkResult> results)
    {
        if (results.Count > 0) state.Assessment!.Source = Work.ResultOf(results.Single());
    }

    private static WorkOutput<AssessmentSource> Run(Parameters p, WorkEnvironment environment, CancellationToken cancel)
    {
        var source = AssessmentSources.Prepare(p.Particles, p.Rows);
        return new(source, Outputs: source.Particles == p.Particles ? [] : [source.Particles]);
    }
}
