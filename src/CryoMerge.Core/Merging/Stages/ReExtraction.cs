using System.Globalization;
using CryoMerge.Core.Extraction;
using CryoMerge.Core.Merging.Pipeline;

namespace CryoMerge.Core.Merging.Stages;

/// <summary>
/// How method 2 extracts one data set (the paper's steps i-iii): from its own micrographs (CTF already scaled to
/// the true pixel), at a box E, Fourier-rescaled to a box R with E/R as close as boxscaler finds to the reference
/// image pixel over the data set's true micrograph pixel, windowed to the reference box, normalised with the
/// background circle of a data set extracted at the final box. The reference itself is extracted at the final
/// box only when its particle file has no images yet.
/// </summary>
/// <param name="Micrographs">Micrographs STAR file (the CTF-scaled copy for a rescaled data set).</param>
/// <param name="Coordinates">Particle or coordinate STAR file giving rlnMicrographName and rlnCoordinateX/Y.</param>
/// <param name="ProjectDirectory">Where relative micrograph names resolve.</param>
/// <param name="Output">Folder of the stacks and particles.star.</param>
/// <param name="Pair">The box pair, null when no rescaling is needed.</param>
public sealed record ReExtractionJob(string DataSet, string Micrographs, string Coordinates, string? ProjectDirectory,
    string Output,
    ExtractionSettings Settings, BoxPair? Pair, double MicrographPixel, double TargetPixel)
{
    /// <summary>Pixel size of the extracted images (A).</summary>
    public double ImagePixel => Settings.OutputPixelSize(MicrographPixel);

    /// <summary>The plan with its particles on disk (<see cref="IndexedExtractionPlanner"/>): what the merge
    /// runs.</summary>
    public IndexedExtractionPlan PlanIndexed(ICollection<string>? warnings = null) =>
        IndexedExtractionPlanner.Plan(Micrographs, Coordinates, Settings, Output, warnings, ProjectDirectory);
}

internal static class ReExtraction
{
    public const string FolderName = "Extract";

    /// <summary>
    /// The extractions of a merge, in plan order. Method 2: every data set but a reference that has images, with a
    /// box pair where its pixel differs from the reference's. Method 1: the others from their rescaled micrographs
    /// at the final box (their pixel is the reference's within the micrographs' rounding), the reference when it has
    /// no images. Method 3, which relabels images: each data set without images, at its own box and pixel size.
    /// </summary>
    public static IReadOnlyList<ReExtractionJob> Jobs(MergeState state) => state.Plan.Method switch
    {
        MergeMethod.ReExtract => ReExtract(state),
        MergeMethod.RescaleMicrographs => FromRescaledMicrographs(state),
        _ => ForRelabelling(state),
    };

    /// <summary>The box of the merged particles: the reference's images', else the plan's.</summary>
    private static int FinalBox(MergeState state)
    {
        var plan = state.Plan;
        var reference = state.DataSets[plan.Reference];
        var ex = plan.Extraction ?? new ExtractionBoxes();
        return ex.Window ?? (reference.HasImages && reference.ImageBox > 0 ? reference.ImageBox : ex.Box
            ?? throw new CryoMergeInputException(plan.ReferenceDataSet.Particles!,
                "the reference has no particle images, so the plan must give extraction.window (the final box)"));
    }

    private static ReExtractionJob AtOwnPixel(MergeState state, string dataSet, int box)
    {
        var d = state.DataSets[dataSet];
        var ex = state.Plan.Extraction ?? new ExtractionBoxes();
        double micrographPixel = d.MicrographPixelSize * d.Scale;
        var settings = ExtractionSettings.Create(box, null, null, ex.BackgroundDiameter, null, ex.Normalize, true,
            ex.Invert, new List<string>());
        return new ReExtractionJob(dataSet, d.Micrographs!, d.Particles!, d.ProjectDirectory, Output(state, dataSet),
            settings, null,
            micrographPixel, micrographPixel);
    }

    private static string Output(MergeState state, string dataSet) => Path.Combine(state.DataSetFolder(dataSet),
        FolderName);

    private static List<ReExtractionJob> FromRescaledMicrographs(MergeState state)
    {
        var plan = state.Plan;
        int finalBox = FinalBox(state);
        var jobs = new List<ReExtractionJob>();
        foreach (var set in plan.DataSets)
        {
            var d = state.DataSets[set.Name];
            if (set.Name == plan.Reference && d.HasImages) continue;
            var job = AtOwnPixel(state, set.Name, finalBox);
            // The others' micrographs are at the pixel size their rescaling reached.
            if (set.Name != plan.Reference && d.Values.MicrographPixelReached is double reached)
                job = job with { MicrographPixel = reached, TargetPixel = reached };
            jobs.Add(job);
        }
        return jobs;
    }

    private static List<ReExtractionJob> ForRelabelling(MergeState state)
    {
        var plan = state.Plan;
        var reference = state.DataSets[plan.Reference];
        var jobs = new List<ReExtractionJob>();
        foreach (var set in plan.DataSets)
        {
            var d = state.DataSets[set.Name];
            if (d.HasImages) continue;
            if (d.Micrographs is null)
                throw new CryoMergeInputException(set.Particles!,
                    $"method 3 relabels particle images, and the particles of {set.Name} "
                    + "name none (no rlnImageName): give its micrographs in the plan to extract them, or extract " +
                        "them first");
            // Its own box, else the reference's field of view in its pixels (even).
            int referenceBox = FinalBox(state);
            int box = d.ImageBox > 0 ? d.ImageBox : set.Name == plan.Reference ? referenceBox
                : 2 * (int)Math.Round(referenceBox * reference.MicrographPixelSize * reference.Scale
                    / (d.MicrographPixelSize * d.Scale) / 2);
            jobs.Add(AtOwnPixel(state, set.Name, box) with { MicrographPixel = d.MicrographPixelSize,
                TargetPixel = d.MicrographPixelSize });
        }
        return jobs;
    }

    private static List<ReExtractionJob> ReExtract(MergeState state)
    {
        var plan = state.Plan;
        var reference = state.DataSets[plan.Reference];
        var ex = plan.Extraction ?? new ExtractionBoxes();
        int finalBox = FinalBox(state);
        // The reference's images, as processed, at its trusted scale: the pixel every data set is brought to.
        double targetPixel = (reference.HasImages ? reference.ImagePixelSize : reference.MicrographPixelSize)
            * reference.Scale;
        var jobs = new List<ReExtractionJob>();
        foreach (var set in plan.DataSets)
        {
            var d = state.DataSets[set.Name];
            if (set.Name == plan.Reference && d.HasImages) continue;
            double micrographPixel = d.MicrographPixelSize * d.Scale;
            var warnings = new List<string>();
            ExtractionSettings settings;
            BoxPair? pair = null;
            if (set.Name == plan.Reference || Math.Abs(micrographPixel / targetPixel - 1) < 1e-6)
            {
                settings = ExtractionSettings.Create(finalBox, null, null, ex.BackgroundDiameter, null, ex.Normalize,
                    true, ex.Invert, warnings);
            }
            else
            {
                pair = ex.Box is int e && ex.Scale is int r
                    ? new BoxPair(e, r, (double)r / e, micrographPixel * e / r, 0, 0)
                    : ChoosePair(ex, finalBox, micrographPixel, targetPixel);
                if (pair.RescaledBox < finalBox)
                    throw new CryoMergeInputException(plan.Name, string.Create(CultureInfo.InvariantCulture,
                        $"data set {set.Name}: rescaled box {pair.RescaledBox} is smaller than the final box " +
                        $"{finalBox}; raise extraction.minBox"));
                var window = BoxScaler.Window(pair, finalBox);
                settings = ExtractionSettings.Create(pair.ExtractBox, pair.RescaledBox,
                    finalBox == pair.RescaledBox ? null : finalBox,
                    ex.BackgroundDiameter ?? window.BackgroundDiameter, null, ex.Normalize, true, ex.Invert, warnings);
            }
            jobs.Add(new ReExtractionJob(set.Name, d.Micrographs!, d.Particles!, d.ProjectDirectory,
                Output(state, set.Name),
                settings, pair, micrographPixel, targetPixel));
        }
        return jobs;
    }

    /// <summary>Pixel error a box pair may leave by default (%): well below what any merge notices (science.md section
    /// 5).</summary>
    public const double PairTolerancePercent = 0.02;

    /// <summary>
    /// The smallest box pair (extraction box first) whose pixel error is within <see cref="PairTolerancePercent"/>,
    /// searched from the box that covers the final box's field of view; boxscaler's closest pair if none is. A
    /// plan's minBox/maxBox bound the search as boxscaler's range does.
    /// </summary>
    private static BoxPair ChoosePair(ExtractionBoxes ex, int finalBox, double micrographPixel, double targetPixel)
    {
        int minBox = ex.MinBox ?? Math.Max(2, (int)Math.Floor(finalBox * targetPixel / micrographPixel));
        int maxBox = ex.MaxBox ?? minBox + BoxScaler.DefaultRange;
        var pairs = BoxScaler.Search(minBox, maxBox, micrographPixel, targetPixel,
            answers: 400).Where(p => p.RescaledBox >= finalBox).ToList();
        if (pairs.Count == 0)
            throw new CryoMergeInputException("extraction", string.Create(CultureInfo.InvariantCulture,
                $"no box pair in [{minBox}, {maxBox}) rescales to at least the final box {finalBox}; raise " +
                $"extraction.maxBox"));
        return pairs.Where(p => Math.Abs(p.PixelErrorPercent) <= PairTolerancePercent).MinBy(p => (p.ExtractBox,
            Math.Abs(p.PixelErrorPercent))) ?? pairs[0];
    }
}
