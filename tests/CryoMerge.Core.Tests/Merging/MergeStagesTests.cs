using System.Reflection;
using CryoMerge.Core.Merging;
using CryoMerge.Core.Merging.Pipeline;
using CryoMerge.Core.Merging.Stages;

namespace CryoMerge.Core.Tests.Merging;

/// <summary>
/// The stage declarations are the only list of work kinds: these tests fail when a kind is declared but not reachable
/// from <see cref="MergeStages"/>, when its records are not in the generated serialiser, or when a stage plans a kind
/// it
/// does not declare. (The grains project checks the routing of every placement.)
/// </summary>
public sealed class MergeStagesTests
{
    public static TheoryData<string> KindNames => new(MergeStages.Kinds.Select(k => k.Name));

    public static TheoryData<MergeMethod> Methods => new(Enum.GetValues<MergeMethod>());

    [Fact]
    public void EveryWorkKindDeclaredInCoreIsReachableFromTheStageList()
    {
        var declared = typeof(WorkKind).Assembly.GetTypes()
            .SelectMany(t =>
                t.GetFields(BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic |
                BindingFlags.DeclaredOnly))
            .Where(f => typeof(WorkKind).IsAssignableFrom(f.FieldType))
            .Select(f => (Field: $"{f.DeclaringType!.Name}.{f.Name}", Kind: (WorkKind)f.GetValue(null)!))
            .ToList();
        Assert.True(declared.Count >= 10, $"found {declared.Count} declarations");
        Assert.All(declared, d => Assert.True(MergeStages.Kinds.Contains(d.Kind),
            $"{d.Field} ('{d.Kind.Name}') is in no stage of MergeStages"));
        Assert.Equal(declared.Count, MergeStages.Kinds.Count);
    }

    [Theory]
    [MemberData(nameof(KindNames))]
    public void EveryKindsParametersAndResultComeFromTheGeneratedSerialiser(string name)
    {
        var kind = MergeStages.Kinds.Single(k => k.Name == name);
        foreach (var type in new[] { kind.ParameterType, kind.ResultType })
            Assert.True(StageJson.Options.GetTypeInfo(type).OriginatingResolver == StageJsonContext.Default,
                $"{type.FullName} of kind '{name}' is not listed in StageJsonContext");
    }

    [Fact]
    public void EveryKindHasAUniqueNameAndIsTheDefaultHandlerOfItsName()
    {
        Assert.Equal(MergeStages.Kinds.Count, MergeStages.Kinds.Select(k => k.Name).Distinct().Count());
        Assert.All(MergeStages.Kinds, k => Assert.Same(k, MergeStages.Handlers.Find(k.Name)));
    }

    [Theory]
    [MemberData(nameof(Methods))]
    public void EachMethodsStagesHaveDistinctNamesAndDeclareTheirKinds(MergeMethod method)
    {
        var stages = MergeStages.For(method);
        Assert.Equal(stages.Count, stages.Select(s => s.Name).Distinct().Count());
        Assert.All(stages, s => Assert.NotEmpty(s.Kinds));
        Assert.Equal("prepare", stages[0].Name);
        Assert.Equal("summary", stages[^1].Name);
    }

    [Fact]
    public void AStagePlanningAKindItDoesNotDeclareIsRefusedBeforeTheItemRuns()
    {
        var item = JoinStage.Work.Item(new WorkItemId("ctf", "DS2"),
            new JoinStage.Parameters([new JoinStage.Input("DS2", "a.star", "/")], "b.star", "/", "/out"));
        var e = Assert.Throws<InvalidOperationException>(() => new CtfStage().KindOf(item));
        Assert.Contains("ctf/DS2", e.Message);
        Assert.Same(JoinStage.Work, new JoinStage().KindOf(item));
        // A kind runs only its own items.
        Assert.Throws<InvalidOperationException>(() => CtfStage.Work.Execute(item, new WorkEnvironment(null!),
            TestContext.Current.CancellationToken));
    }

    [Theory]
    [InlineData("prepare", "DS1", "", "prepare/DS1")]
    [InlineData("join", "", "all", "join/all")]
    [InlineData("pixel-size-profile", "DS2", "003", "pixel-size-profile/DS2/003")]
    [InlineData("extract", "DS2", "/data/out/DS2/Extract/mic1.mrcs", "extract/DS2//data/out/DS2/Extract/mic1.mrcs")]
    [InlineData("extract", "a/b", "k", "extract/a/b/k")]
    public void AWorkItemIdKeepsItsPartsAndHasAStableStringForm(string stage, string dataSet, string key,
        string expected)
    {
        var id = new WorkItemId(stage, dataSet, key);
        Assert.Equal(expected, id.ToString());
        // The parts are read, never parsed back from the string: a data set name with a '/' stays whole.
        var item = PrepareStage.Work.Item(id, new PrepareStage.Parameters("p.star", null, null));
        Assert.Equal(dataSet, item.DataSet);
        Assert.Equal(new WorkItemId(stage, dataSet, key), item.Id);
    }
}
