using System.Globalization;
using CryoMerge.Core.Formats;
using CryoMerge.Core.Imaging;
using CryoMerge.Core.Merging.Pipeline;

namespace CryoMerge.Core.Merging.Stages;

/// <summary>
/// Method 1, step i: every micrograph of each non-reference data set is Fourier-rescaled to the reference's
/// micrograph pixel size exactly as relion_image_handler --rescale_angpix does (one work item per micrograph).
/// </summary>
public sealed class RescaleMicrographsStage : IMergeStage
{
    public static readonly WorkKind<Parameters, Result> Work = new("rescale-micrograph", WorkPlacement.Micrograph, Run);

    public string Name => "rescale-micrographs";

    public IReadOnlyList<WorkKind> Kinds => [Work];

    /// <param name="Input">Micrograph file.</param>
    /// <param name="Output">Rescaled micrograph (deterministic name).</param>
    /// <param name="PixelSize">True pixel size of the input on the reference's scale (A).</param>
    /// <param name="TargetPixelSize">Reference micrograph pixel size (A).</param>
    public sealed record Parameters(string Input, string Output, double PixelSize, double TargetPixelSize);

    public sealed record Result(string Output, int Width, int Height, double RealPixelSize, string ContentHash);

    public IReadOnlyList<WorkItem> Plan(MergeState state)
    {
        var plan = state.Plan;
        if (plan.Method != MergeMethod.RescaleMicrographs) return [];
        var reference = state.DataSets[plan.Reference];
        double target = reference.MicrographPixelSize * reference.Scale;
        var items = new List<WorkItem>();
        var outputs = new List<string>();
        foreach (var set in plan.Others)
        {
            var ds = state.DataSets[set.Name];
            // The micrographs' true pixel: as processed, times the data set's scale found by the pixel-size stage.
            double truePixel = ds.MicrographPixelSize * ds.Scale;
            string folder = Folder(state, set.Name);
            foreach (var m in MicrographList.Read(ds.Micrographs!, ds.ProjectDirectory))
            {
                string output = OutputOf(folder, m, ds.Micrographs!);
                outputs.Add(output);
                var id = new WorkItemId(Name, set.Name, m.Row.ToString("D6", CultureInfo.InvariantCulture));
                items.Add(Work.Item(id, new Parameters(m.Path, output, truePixel, target)));
            }
        }
        OutputRecord.Claim(plan.Output, outputs, plan.Overwrite);
        return items;
    }

    /// <summary>The folder of a data set's rescaled micrographs.</summary>
    public static string Folder(MergeState state, string dataSet) =>
        Path.Combine(state.DataSetFolder(dataSet), ProjectNames.MicrographFolder);

    /// <summary>Where a micrograph's rescaled copy is written: its file name in <paramref name="folder"/>.</summary>
    internal static string OutputOf(string folder, MicrographList.Entry micrograph, string source) =>
        OutputFiles.InsideFolder(folder, Path.GetFileName(micrograph.Path), source);

    public void Complete(MergeState state, IReadOnlyList<WorkResult> results)
    {
        foreach (var group in results.GroupBy(r => r.Id.DataSet))
        {
            var reached = group.Select(r => Work.ResultOf(r).RealPixelSize).Distinct().ToList();
            var values = state.DataSets[group.Key].Values;
            values.MicrographPixelReached = reached[0];
            // Micrographs of different sizes reach slightly different pixel sizes; the STAR file states one.
            if (reached.Max() / reached.Min() - 1 > 1e-4)
                state.Notes.Add(string.Create(CultureInfo.InvariantCulture,
                    $"{group.Key}: the rescaled micrographs reached pixel sizes {reached.Min():0.#####} - " +
                    $"{reached.Max():0.#####} A (their sizes differ); the STAR file states {reached[0]:0.#####} A"));
            values.MicrographsRescaled = group.Count();
        }
    }

    /// <summary>Rescales one micrograph; the output is written atomically under its final name.</summary>
    private static WorkOutput<Result> Run(Parameters p, WorkEnvironment environment, CancellationToken cancel)
    {
        cancel.ThrowIfCancellationRequested();
        OutputFiles.EnsureNotInput(p.Output, p.Input);
        Grid image;
        Shape3 shape;
        using (var mrc = MrcFile.Open(p.Input))
        {
            shape = mrc.Shape;
            if (shape.Z != 1) throw new CryoMergeInputException(p.Input,
                $"a micrograph must be a single image, not {shape}");
            image = new Grid(shape, mrc.ReadSection(0));
            NonFiniteValues.Require(image.Data, p.Input, "the micrograph", shape.X);
        }
        var rescale = RelionRescale.Plan(shape, p.PixelSize, p.TargetPixelSize);
        var output = RelionRescale.Apply(environment.Fft, image, rescale, environment.ThreadsPerItem);
        cancel.ThrowIfCancellationRequested();
        MrcWriter.WriteFile(p.Output, output.Shape, output.Data,
            new MrcWriteOptions { PixelSize = Vector3d.All(rescale.RealPixelSize) });
        var result = new Result(p.Output, output.Shape.X, output.Shape.Y, rescale.RealPixelSize,
            FileHash.Content(p.Output));
        return new(result, BytesRead: shape.Count * 4, Outputs: [p.Output]);
    }
}
