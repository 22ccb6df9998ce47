using CryoMerge.Core.Merging;
using CryoMerge.Core.Merging.Pipeline;
using CryoMerge.Core.Merging.Stages;
using CryoMerge.Grains.Workers;

namespace CryoMerge.Grains.Tests;

/// <summary>The routing of work kinds to worker grains, derived from each kind's placement (no cluster
/// needed).</summary>
public sealed class WorkGrainsTests
{
    public static TheoryData<WorkPlacement> Placements => new(Enum.GetValues<WorkPlacement>());

    [Theory]
    [MemberData(nameof(Placements))]
    public void EveryPlacementHasAWorkerGrainInterfaceWithOneGrainClass(WorkPlacement placement)
    {
        var contract = WorkGrains.InterfaceFor(placement);
        Assert.True(contract.IsInterface && typeof(IWorkItemGrain).IsAssignableFrom(contract), contract.Name);
        var grains = typeof(WorkItemGrain).Assembly.GetTypes().Where(t => t is { IsClass: true,
            IsAbstract: false } && contract.IsAssignableFrom(t));
        Assert.Single(grains);
    }

    [Fact]
    public void PlacementsGoToDistinctGrainsAndEveryKindIsRouted()
    {
        var placements = Enum.GetValues<WorkPlacement>();
        Assert.Equal(placements.Length, placements.Select(WorkGrains.InterfaceFor).Distinct().Count());
        Assert.All(MergeStages.Kinds, k => Assert.NotNull(WorkGrains.InterfaceFor(k.Placement)));
        Assert.Equal(typeof(IMicrographGrain), WorkGrains.InterfaceFor(ExtractStage.Work.Placement));
        Assert.Equal(typeof(IMicrographGrain), WorkGrains.InterfaceFor(RescaleMicrographsStage.Work.Placement));
        Assert.Equal(typeof(IParticleShardGrain), WorkGrains.InterfaceFor(WindowStacks.Work.Placement));
        Assert.Equal(typeof(IScaleCandidateGrain), WorkGrains.InterfaceFor(PixelSizeProfileStage.Work.Placement));
        Assert.Equal(typeof(IDataSetGrain), WorkGrains.InterfaceFor(JoinStage.Work.Placement));
    }
}
