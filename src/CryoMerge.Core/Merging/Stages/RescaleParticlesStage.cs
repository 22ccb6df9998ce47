using CryoMerge.Core.Formats;
using CryoMerge.Core.Merging.Pipeline;

namespace CryoMerge.Core.Merging.Stages;

/// <summary>
/// Methods 1 and 2, before re-extraction: the particles of a data set processed at a wrong pixel size, on the true
/// scale (<see cref="ParticleRescaling"/>, the paper's Method 1 step iii). Every value in Angstrom (origins and their
/// priors, helical track lengths, CTF values) becomes true Angstrom, so that an origin still shifts the particle by
/// the same physical distance in the re-extracted image, whatever its pixel size. Method 2 re-extracts from the
/// data set's own micrographs, so coordinates stay; method 1 extracts from the rescaled micrographs, so coordinates
/// are multiplied by true / reached micrograph pixel and the micrograph names point to the rescaled micrographs, which
/// a micrographs STAR file of their own lists. One item per data set.
/// </summary>
public sealed class RescaleParticlesStage : IMergeStage
{
    public const string ParticlesName = "particles_true_scale.star";
    public const string MicrographsName = "micrographs_rescaled.star";

    public static readonly WorkKind<Parameters, Result> Work = new("rescale-particles", WorkPlacement.DataSet, Run);

    public string Name => "rescale-particles";

    public IReadOnlyList<WorkKind> Kinds => [Work];

    /// <param name="NominalPixel">Micrograph pixel size the data set was processed with (A).</param>
    /// <param name="TruePixel">Its true micrograph pixel size on the reference's scale (A).</param>
    /// <param name="TargetPixel">Pixel size of the micrographs the particles will be extracted from (A).</param>
    /// <param name="Rescaled">Method 1: the micrographs that were rescaled and where to list their copies.</param>
    public sealed record Parameters(string Particles, string Output, double NominalPixel, double TruePixel,
        double TargetPixel,
        RescaledMicrographs? Rescaled = null);

    /// <summary>Method 1: the micrographs STAR file whose micrographs were rescaled into <paramref
    /// name="Folder"/>.</summary>
    /// <param name="Project">The folder the new micrographs STAR file's names are relative to: the data set's output
    /// folder, so that they read "Micrographs/mic001.mrc" and the extracted stacks
    /// "Extract/Micrographs/mic001.mrcs".</param>
    public sealed record RescaledMicrographs(string Micrographs, string? ProjectDirectory, string Folder, string Output,
        string Project);

    public sealed record Result(string Particles, string? Micrographs, int Rows, IReadOnlyList<string> Warnings);

    public IReadOnlyList<WorkItem> Plan(MergeState state)
    {
        var plan = state.Plan;
        var items = new List<WorkItem>();
        if (plan.Method is not (MergeMethod.ReExtract or MergeMethod.RescaleMicrographs)) return items;
        var reference = state.DataSets[plan.Reference];
        foreach (var set in plan.DataSets)
        {
            var d = state.DataSets[set.Name];
            string folder = state.DataSetFolder(set.Name);
            double nominal = d.MicrographPixelSize, truePixel = d.MicrographPixelSize * d.Scale;
            Parameters parameters;
            if (plan.Method == MergeMethod.RescaleMicrographs && set.Name != plan.Reference)
            {
                double reached = d.Values.MicrographPixelReached ?? reference.MicrographPixelSize * reference.Scale;
                var rescaled = new RescaledMicrographs(d.Micrographs!, d.ProjectDirectory,
                    RescaleMicrographsStage.Folder(state, set.Name), Path.Combine(folder, MicrographsName), folder);
                parameters = new Parameters(d.Particles!, Path.Combine(folder, ParticlesName), nominal, truePixel,
                    reached, rescaled);
            }
            else
            {
                // Method 2 (and method 1's reference): re-extracted from its own micrographs; only the A values change.
                if (Math.Abs(d.Scale - 1) < 1e-9 || (set.Name == plan.Reference && d.HasImages)) continue;
                parameters = new Parameters(d.Particles!, Path.Combine(folder, ParticlesName), nominal, truePixel,
                    truePixel);
            }
            items.Add(Work.Item(new WorkItemId(Name, set.Name), parameters));
        }
        return items;
    }

    public void Complete(MergeState state, IReadOnlyList<WorkResult> results)
    {
        foreach (var r in results)
        {
            var x = Work.ResultOf(r);
            var d = state.DataSets[r.Id.DataSet];
            d.Particles = x.Particles;
            if (x.Micrographs is not null)
            {
                // The new micrographs STAR file names the rescaled micrographs relative to the data set's output
                // folder.
                d.Micrographs = x.Micrographs;
                d.ProjectDirectory = d.ParticlesBase = state.DataSetFolder(d.Name);
            }
            state.Notes.AddRange(x.Warnings.Select(w => $"{d.Name}: {w}"));
        }
    }

    private static WorkOutput<Result> Run(Parameters p, WorkEnvironment environment, CancellationToken cancel)
    {
        OutputFiles.EnsureNotInput(p.Output, p.Particles);
        var set = StarDataSet.Read(p.Particles);
        var warnings = new List<string>();
        bool changes = Math.Abs(p.TruePixel / p.NominalPixel - 1) > 1e-9 || Math.Abs(p.TruePixel / p.TargetPixel
            - 1) > 1e-9;
        if (changes)
        {
            var before = ExtractionCentres.Read(set);
            var report = ParticleRescaling.Rescale(set, new RescaleParticlesRequest(p.NominalPixel, p.TruePixel,
                p.TargetPixel));
            warnings.AddRange(report.Change.Warnings);
            if (before is { } coordinates) ExtractionCentres.Follow(set, coordinates, report.CoordinateFactor,
                p.TargetPixel);
        }
        string? micrographs = null;
        if (p.Rescaled is { } rescaled)
        {
            cancel.ThrowIfCancellationRequested();
            var names = RescaledNames(rescaled);
            RenameMicrographs(set, names, warnings);
            micrographs = WriteMicrographs(rescaled, names, p.TargetPixel);
        }
        set.File.Write(p.Output);
        string[] outputs = micrographs is null ? [p.Output] : [p.Output, micrographs];
        return new(new Result(p.Output, micrographs, set.Data.RowCount, warnings), Outputs: outputs);
    }

    /// <summary>Each micrograph's name in the STAR file and its rescaled copy's name relative to the data set's output
    /// folder.</summary>
    private static Dictionary<string, string> RescaledNames(RescaledMicrographs r)
    {
        var names = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var m in MicrographList.Read(r.Micrographs, r.ProjectDirectory))
            names[m.NameInStar] = RelionPaths.RelativeName(r.Project,
                Path.GetFullPath(RescaleMicrographsStage.OutputOf(r.Folder, m, r.Micrographs)));
        return names;
    }

    /// <summary>Points every particle to its micrograph's rescaled copy (matched by name, else as RELION does by the
    /// part after jobNNN/); particles of micrographs not listed keep their name and are skipped by the
    /// extraction.</summary>
    private static void RenameMicrographs(StarDataSet set, Dictionary<string, string> names, List<string> warnings)
    {
        var column = set.RequireData(RelionLabels.MicrographName, "to find each particle's micrograph");
        var byPost = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (old, renamed) in names) byPost.TryAdd(RelionPaths.DecomposePipelineName(old).Post, renamed);
        int unmatched = 0;
        column.SetAll(i =>
        {
            string name = column.GetString(i);
            if (names.TryGetValue(name,
                out string? renamed) || byPost.TryGetValue(RelionPaths.DecomposePipelineName(name).Post, out renamed))
                return StarValues.Quote(renamed);
            unmatched++;
            return column.Raw(i);
        });
        if (unmatched
            > 0) warnings.Add(
            $"{set.Path}: {unmatched} particles name micrographs the micrographs STAR file does not list");
    }

    /// <summary>The micrographs STAR file of the rescaled micrographs: their names and the pixel size they
    /// reached.</summary>
    private static string WriteMicrographs(RescaledMicrographs r, Dictionary<string, string> names, double reached)
    {
        OutputFiles.EnsureNotInput(r.Output, r.Micrographs);
        var warnings = new List<string>();
        var set = StarDataSet.Read(r.Micrographs);
        if (set.Generation == StarGeneration.Relion30) set = Relion30Conversion.ToRelion31(set, warnings);
        var column = set.RequireData(RelionLabels.MicrographName, "to name the rescaled micrographs");
        column.SetAll(i => StarValues.Quote(names[column.GetString(i)]));
        var pixel = set.RequireOptics(RelionLabels.MicrographPixelSize,
            "to state the rescaled micrographs' pixel size");
        pixel.SetAll(_ => StarValues.FormatDouble(reached));
        set.File.Write(r.Output);
        return r.Output;
    }
}
