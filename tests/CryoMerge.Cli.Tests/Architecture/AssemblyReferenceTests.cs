using System.Reflection;
using CryoMerge.Tests;

namespace CryoMerge.Cli.Tests.Architecture;

/// <summary>
/// Every compiled assembly of ours uses only the projects its rule lets it reach (<see cref="ProjectRules"/>), Orleans
/// only where allowed, and has no namespace cycle. This project's output holds all of them.
/// </summary>
public sealed class AssemblyReferenceTests
{
    public static TheoryData<string> Projects => new(ProjectRules.AllowedReferences.Keys);

    private static Assembly Load(string project) => Assembly.Load(ProjectRules.AssemblyOf(project));

    [Theory]
    [MemberData(nameof(Projects))]
    public void AnAssemblyUsesOnlyTheProjectsItMayReach(string project)
    {
        var references = ProjectRules.CompiledReferences(Load(project)).ToList();
        var reachable = ProjectRules.Reachable(project);
        foreach (var ours in references.Select(ProjectRules.ProjectOf).OfType<string>())
            Assert.True(reachable.Contains(ours), $"{project} uses {ours}, which its rule does not let it reach");
        if (!ProjectRules.MayUseOrleans.Contains(project))
            Assert.DoesNotContain(references, ProjectRules.IsOrleans);
        if (project == "CryoMerge.Cli") Assert.Contains("CryoMerge.Core", references);   // the reader sees ours
        if (project == "CryoMerge.Grains") Assert.Contains(references, ProjectRules.IsOrleans);
    }

    [Theory]
    [MemberData(nameof(Projects))]
    public void AnAssemblyHasNoNamespaceCycle(string project)
    {
        var graph = NamespaceGraph.Of(Load(project), "CryoMerge");
        var cycles = graph.Cycles();
        Assert.True(cycles.Count == 0, $"namespace cycles in {project}:\n" + string.Join("\n\n",
            cycles.Select(c => string.Join("\n", graph.Describe(c)))));
    }

    [Fact]
    public void OnlyMergeDemoServeStatusAndShardedReconstructRunThroughGrains()
    {
        // docs/ARCHITECTURE.md: these start or reach a silo (reconstruct only with --shards or --cluster); every other
        // command calls Core in the process.
        var viaGrains = Load("CryoMerge.Cli").GetTypes()
            .Where(t => t.Namespace == "CryoMerge.Cli.Commands" && !t.IsNested)
            .Where(t => NamespaceGraph.TypesUsedWithin(t).Any(u => u.Assembly.GetName().Name is { } a
                && (ProjectRules.IsOrleans(a) || a.StartsWith("CryoMerge.Grains", StringComparison.Ordinal)
                    || a == "CryoMerge.Hosting")))
            .Select(t => t.Name).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(["DemoAssessment", "DemoCommand", "DemoTruth", "MergeCommand", "ReconstructCommand",
            "ReconstructSharded",
            "ServeCommand", "StatusCommand"], viaGrains);
    }
}
