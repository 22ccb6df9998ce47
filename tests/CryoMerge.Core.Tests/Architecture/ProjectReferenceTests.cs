using CryoMerge.Core.Analysis;
using CryoMerge.Tests;

namespace CryoMerge.Core.Tests.Architecture;

/// <summary>
/// The projects reference each other only as <see cref="ProjectRules"/> (and docs/ARCHITECTURE.md) allow, in their
/// .csproj files; and compiled Core references no Orleans, no console and nothing of ours. The compiled references of
/// the other assemblies are checked in CryoMerge.Cli.Tests, whose output holds them all.
/// </summary>
public sealed class ProjectReferenceTests
{
    public static TheoryData<string> Projects => new(ProjectRules.AllowedReferences.Keys);

    [Fact]
    public void EverySourceProjectHasItsRule()
    {
        Assert.Equal(ProjectRules.AllowedReferences.Keys.Order(StringComparer.Ordinal), ProjectRules.SourceProjects());
    }

    [Theory]
    [MemberData(nameof(Projects))]
    public void ACsprojReferencesOnlyTheProjectsItMay(string project)
    {
        var references = ProjectRules.ProjectReferences(project).ToList();
        var allowed = ProjectRules.AllowedReferences[project];
        Assert.All(references, r => Assert.True(allowed.Contains(r),
            $"{project}.csproj references {r}; allowed: {string.Join(", ", allowed.DefaultIfEmpty("none"))}"));
        if (project == "CryoMerge.Cli") Assert.Contains("CryoMerge.Hosting", references);   // the reader reads them
    }

    [Theory]
    [MemberData(nameof(Projects))]
    public void OnlyTheGrainsHostingAndTheCommandUseOrleansPackages(string project)
    {
        var orleans = ProjectRules.PackageReferences(project).Where(ProjectRules.IsOrleans).ToList();
        if (ProjectRules.MayUseOrleans.Contains(project))
        {
            // The reader sees them.
            if (project is "CryoMerge.Grains" or "CryoMerge.Hosting") Assert.NotEmpty(orleans);
            return;
        }
        Assert.True(orleans.Count == 0, $"{project}.csproj references {string.Join(", ", orleans)}");
    }

    [Fact]
    public void CompiledCoreReferencesNoOrleansNoConsoleAndNoneOfOurAssemblies()
    {
        var references = ProjectRules.CompiledReferences(typeof(ScaleFitter).Assembly).ToList();
        Assert.Contains("MathNet.Numerics", references);   // the list is real
        Assert.DoesNotContain(references, ProjectRules.IsOrleans);
        Assert.DoesNotContain("System.Console", references);
        Assert.DoesNotContain(references, r => ProjectRules.ProjectOf(r) is not null);
        // And the reading of names works: this test assembly references Core.
        Assert.Contains(ProjectRules.CompiledReferences(typeof(ProjectReferenceTests).Assembly),
            r => ProjectRules.ProjectOf(r) == "CryoMerge.Core");
    }
}
