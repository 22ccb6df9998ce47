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
public sealed record ReExtractionJob(string DataSet, string Micrographs, string Coordinates, string? ProjectDirectory, string Output,
    ExtractionSettings Settings, BoxPair? Pair, double MicrographPixel, double TargetPixel)
{
    /// <summary>Pixel size of the extracted images (A).</summary>
    public double ImagePixel => Settings.OutputPixelSize(MicrographPixel);

    public ExtractionPlan Plan(ICollection<string>? warnings = null) =>
        ExtractionPlanner.Plan(Micrographs, new CoordinateSource.StarFileSource(Coordinates), Settings, Output, warnings, ProjectDirectory);
}

internal static class ReExtraction
{
    public const string FolderName = "Extract";

    /// <summary>The jobs of a method 2 merge, in plan order; data sets that keep their images have none.</summary>
    public static IReadOnlyList<ReExtractionJob> Jobs(MergeState state)
    {
        var plan = state.Plan;
        if (plan.Method != MergeMethod.ReExtract) return [];
        var reference = state.DataSets[plan.Reference];
        var ex = plan.Extraction ?? new ExtractionBoxes();
        int finalBox = ex.Window ?? (reference.HasImages && reference.ImageBox > 0 ? reference.ImageBox : ex.Box
            ?? throw new CryoMergeInputException(plan.ReferenceDataSet.Particles!, "the reference has no particle images, so the plan must give extraction.window (the final box)"));
        // The reference's images, as processed, at its trusted scale: the pixel every data set is brought to.
        double targetPixel = (reference.HasImages ? reference.ImagePixelSize : reference.MicrographPixelSize) * reference.Scale;
        var jobs = new List<ReExtractionJob>();
        foreach (var set in plan.DataSets)
        {
            var d = state.DataSets[set.Name];
            if (set.Name == plan.Reference && d.HasImages) continue;
            double micrographPixel = d.MicrographPixelSize * d.Scale;
            string output = Path.Combine(state.DataSetFolder(set.Name), FolderName);
            var warnings = new List<string>();
            ExtractionSettings settings;
            BoxPair? pair = null;
            if (set.Name == plan.Reference || Math.Abs(micrographPixel / targetPixel - 1) < 1e-6)
            {
                settings = ExtractionSettings.Create(finalBox, null, null, ex.BackgroundDiameter, null, ex.Normalize, true, ex.Invert, warnings);
            }
            else
            {
                pair = ex.Box is int e && ex.Scale is int r
                    ? new BoxPair(e, r, (double)r / e, micrographPixel * e / r, 0, 0)
                    : ChoosePair(ex, finalBox, micrographPixel, targetPixel);
                if (pair.RescaledBox < finalBox)
                    throw new CryoMergeInputException(plan.Name, string.Create(CultureInfo.InvariantCulture,
                        $"data set {set.Name}: rescaled box {pair.RescaledBox} is smaller than the final box {finalBox}; raise extraction.minBox"));
                var window = BoxScaler.Window(pair, finalBox);
                settings = ExtractionSettings.Create(pair.ExtractBox, pair.RescaledBox, finalBox == pair.RescaledBox ? null : finalBox,
                    ex.BackgroundDiameter ?? window.BackgroundDiameter, null, ex.Normalize, true, ex.Invert, warnings);
            }
            jobs.Add(new ReExtractionJob(set.Name, d.Micrographs!, d.Particles!, d.ProjectDirectory, output, settings, pair, micrographPixel, targetPixel));
        }
        return jobs;
    }

    /// <summary>Pixel error a box pair may leave by default (%): well below what any merge notices (science.md section 5).</summary>
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
        var pairs = BoxScaler.Search(minBox, maxBox, micrographPixel, targetPixel, answers: 400).Where(p => p.RescaledBox >= finalBox).ToList();
        if (pairs.Count == 0)
            throw new CryoMergeInputException("extraction", string.Create(CultureInfo.InvariantCulture,
                $"no box pair in [{minBox}, {maxBox}) rescales to at least the final box {finalBox}; raise extraction.maxBox"));
        return pairs.Where(p => Math.Abs(p.PixelErrorPercent) <= PairTolerancePercent).MinBy(p => (p.ExtractBox, Math.Abs(p.PixelErrorPercent))) ?? pairs[0];
    }
}
