using CryoMerge.Core.Merging.Pipeline;

namespace CryoMerge.Core.Extraction;

/// <summary>
/// Extraction and windowing as work items of the merge pipeline (one micrograph, one stack), so that a worker node
/// runs them like any other item. Parameters and results are the Core records, as JSON.
/// </summary>
public static class ExtractionWorkHandlers
{
    public const string ExtractKind = "extract-micrograph";
    public const string WindowKind = "window-stack";

    /// <summary>Parameters of an extraction item: the micrograph's work and the settings of the whole extraction.</summary>
    public sealed record ExtractParameters(MicrographExtractionItem Item, ExtractionSettings Settings);

    /// <summary>A work item per micrograph of <paramref name="plan"/>, with stable ids "{prefix}/{stack name}".</summary>
    public static IReadOnlyList<WorkItem> Items(ExtractionPlan plan, string prefix, string dataSet = "") =>
        plan.Items.Select(i => WorkItem.Create($"{prefix}/{i.StackPath}", ExtractKind, new ExtractParameters(i, plan.Settings), dataSet)).ToList();

    /// <summary>A work item per stack of <paramref name="plan"/>.</summary>
    public static IReadOnlyList<WorkItem> Items(WindowPlan plan, string prefix, string dataSet = "") =>
        plan.Items.Select(i => WorkItem.Create($"{prefix}/{i.OutputStack}", WindowKind, i, dataSet)).ToList();

    public static IEnumerable<IWorkHandler> All() => [new Extract(), new Window()];

    /// <summary>
    /// Runs <see cref="MicrographExtractor.Extract"/>; the result is a <see cref="MicrographExtractionResult"/> without
    /// its STAR rows. The rows follow from the plan alone (<see cref="ExtractionPlan.BuildStarFromItems"/>); carried in
    /// every result they made a merge job's checkpoints grow with the number of particles (a few hundred rows per
    /// micrograph, rewritten every checkpoint).
    /// </summary>
    public sealed class Extract : IWorkHandler
    {
        public string Kind => ExtractKind;

        public WorkResult Execute(WorkItem item, WorkEnvironment environment, CancellationToken cancellationToken)
        {
            var p = item.ParametersAs<ExtractParameters>();
            cancellationToken.ThrowIfCancellationRequested();
            var result = MicrographExtractor.Extract(environment.Fft, p.Item, p.Settings) with { Rows = [] };
            long bytes = new FileInfo(p.Item.MicrographPath).Length;
            return WorkResult.Create(item, result, particles: result.ParticleCount, bytesRead: bytes, outputs: [result.StackPath]);
        }
    }

    /// <summary>Runs <see cref="StackWindowing.Window"/>; the result is a <see cref="StackWindowResult"/>.</summary>
    public sealed class Window : IWorkHandler
    {
        public string Kind => WindowKind;

        public WorkResult Execute(WorkItem item, WorkEnvironment environment, CancellationToken cancellationToken)
        {
            var p = item.ParametersAs<StackWindowItem>();
            cancellationToken.ThrowIfCancellationRequested();
            var result = StackWindowing.Window(p, Math.Max(1, environment.ThreadsPerItem));
            return WorkResult.Create(item, result, particles: result.Count, bytesRead: new FileInfo(p.InputStack).Length, outputs: [result.OutputStack]);
        }
    }
}
