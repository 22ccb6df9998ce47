using CryoMerge.Core.Merging.Pipeline;

namespace CryoMerge.Core.Merging.Stages;

/// <summary>
/// The stages of a merge for each method: the one list to edit when adding a stage (see <see cref="IMergeStage"/>).
/// Every kind of work item follows from it.
/// </summary>
public static class MergeStages
{
    /// <summary>The stages, in order, that a plan runs through. Stages with nothing to do plan no items.</summary>
    public static IReadOnlyList<IMergeStage> For(MergePlan plan) =>
        plan.IsReconstruction ? Reconstruction()
        : plan.Assess is null ? For(plan.Method)
        : [.. For(plan.Method), .. Assessment];

    /// <summary>
    /// The stages of a reconstruction job (<see cref="MergePlan.Maps"/>): the particle shards of every map, then one
    /// solve per map. The shard plan is made once, by the first stage, and kept in
    /// <see cref="MergeState.Reconstruction"/>; the maps written go to <see cref="MergeState.Maps"/>.
    /// </summary>
    public static IReadOnlyList<IMergeStage> Reconstruction() =>
    [
        new BackProjectStage("backproject", s => s.Reconstruction ??=
            ShardedReconstruction.Plan(s.Plan.Maps ?? [], s.Plan.Output, s.Plan.ParticlesPerShard)),
        new SolveMapsStage("solve-maps", s => s.Reconstruction, (s, maps) => s.Maps = [.. maps]),
    ];

    /// <summary>
    /// The assessment (plan section <c>assess</c>, or <c>cryomerge assess</c> after a merge): half maps of each data
    /// set and the merge as particle-shard items, the order best first, the maps of the one-by-one series, the report.
    /// </summary>
    public static IReadOnlyList<IMergeStage> Assessment { get; } = AssessmentMaps.Stages();

    /// <inheritdoc cref="For(MergePlan)"/>
    public static IReadOnlyList<IMergeStage> For(MergeMethod method) => method switch
    {
        MergeMethod.Relabel =>
        [
            new PrepareStage(), new PixelSizeStage(), new PixelSizeProfileStage(),
            new ExtractStage(), new GatherParticlesStage(), new RelabelStage(), new JoinStage(),
            new SummaryStage(),
        ],
        MergeMethod.RescaleMicrographs =>
        [
            new PrepareStage(), new PixelSizeStage(), new PixelSizeProfileStage(),
            new CtfStage(), new RescaleMicrographsStage(), new RescaleParticlesStage(),
            new ExtractStage(), new GatherParticlesStage(), new RelabelStage(), new JoinStage(),
            new SummaryStage(),
        ],
        _ =>
        [
            new PrepareStage(), new PixelSizeStage(), new PixelSizeProfileStage(),
            new CtfStage(), new RescaleParticlesStage(),
            new ExtractStage(), new GatherParticlesStage(), new RelabelStage(), new JoinStage(),
            new SummaryStage(),
        ],
    };

    /// <summary>
    /// Every kind of work item: those of every method's stages and of a reconstruction job, and
    /// <see cref="WindowStacks.Work"/>, which no stage plans yet but a node can run.
    /// </summary>
    public static IReadOnlyList<WorkKind> Kinds { get; } =
    [
        .. Enum.GetValues<MergeMethod>().SelectMany(For).Concat(Reconstruction()).Concat(Assessment)
            .SelectMany(s => s.Kinds).Append(WindowStacks.Work).Distinct(),
    ];

    /// <summary>The handlers of every kind, which a node runs (worker grains, <see
    /// cref="LocalMergeRunner"/>).</summary>
    public static WorkHandlers Handlers { get; } = new(Kinds);
}
