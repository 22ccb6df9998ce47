namespace CryoMerge.Core.Merging.Pipeline;

/// <summary>
/// A step of the merge: plans independent work items from the current state, and, once every item has a
/// result, folds the results (in item order, so the outcome does not depend on which node finished first)
/// into the state. Planning and folding are cheap; the work is in the items.
/// </summary>
/// <remarks>
/// <para>How to add a stage. It is declared in one file, <c>Merging/Stages/MyStage.cs</c>
/// (<c>Stages.CtfStage</c> is a short example):</para>
/// <list type="number">
/// <item>Nested <c>Parameters</c> and <c>Result</c> records: paths and small numbers, never image data.</item>
/// <item>Its kind, once: <c>public static readonly WorkKind&lt;Parameters, Result&gt; Work = new("my-kind",
/// WorkPlacement.DataSet, Run);</c> where <c>Run(Parameters, WorkEnvironment, CancellationToken)</c> does the work
/// and returns a <see cref="WorkOutput{TResult}"/>. The placement says which worker grain runs it.</item>
/// <item><c>Kinds =&gt; [Work]</c>; <c>Plan</c> makes items with
/// <c>Work.Item(new WorkItemId(Name, dataSet), parameters)</c>; <c>Complete</c> reads <c>Work.ResultOf(result)</c> and
/// <c>result.Id.DataSet</c>, and sets named properties of the state (<see cref="DataSetState"/>,
/// <see cref="DataSetValues"/>).</item>
/// </list>
/// <para>Then add the stage to <c>Stages.MergeStages.For</c> for each method that runs it, and list its two records in
/// <c>Stages.StageJsonContext</c>. The handler registry, the grain routing and the checks derive from those
/// declarations: <c>MergeStagesTests</c> fails when a kind is not reachable from the stage list or its records are not
/// in the generated serialiser; both runners refuse an item of a kind its stage does not declare; the grains project
/// does not build while a placement has no grain. This namespace knows no stage: the stages and their list sit above
/// it (docs/ARCHITECTURE.md).</para>
/// </remarks>
public interface IMergeStage
{
    /// <summary>Short name shown in progress and traces ("pixel-size", "extract"); the stage of its item ids.</summary>
    string Name { get; }

    /// <summary>The kinds of work item this stage plans.</summary>
    IReadOnlyList<WorkKind> Kinds { get; }

    /// <summary>The work items of this stage; an empty list means the stage has nothing to do for this plan.</summary>
    IReadOnlyList<WorkItem> Plan(MergeState state);

    /// <summary>Updates the state from the results, which come in the order of <see cref="Plan"/>.</summary>
    void Complete(MergeState state, IReadOnlyList<WorkResult> results);
}

public static class MergeStageExtensions
{
    /// <summary>The declared kind of one of the stage's items; throws when the stage does not declare it.</summary>
    public static WorkKind KindOf(this IMergeStage stage, WorkItem item) =>
        stage.Kinds.FirstOrDefault(k => k.Name == item.Kind)
        ?? throw new InvalidOperationException(
            $"stage {stage.Name} planned {item.Id}, of kind '{item.Kind}', which it does not declare");
}
