using System.Globalization;
using CryoMerge.Core.Formats;
using CryoMerge.Core.Merging.Stages;

namespace CryoMerge.Core.Merging.Stages;

/// <summary>
/// What <c>cryomerge merge PLAN --dry-run</c> prints: the stages with their work items, the pixel size each data set
/// will be merged at, and the files the merge will write, from the plan and its input files only. It reads the
/// inputs and writes nothing, not even the output folder. Counts a stage can only know once earlier stages have run
/// (which data sets change scale, how many candidate pixel sizes) are given as upper bounds.
/// </summary>
public static class MergeDryRun
{
    private static readonly CultureInfo C = CultureInfo.InvariantCulture;

    /// <summary>What the inputs of one data set hold.</summary>
    private sealed record Inputs(int Particles, bool HasImages, int ParticleMicrographs, int Micrographs,
        double Nominal);

    public static IReadOnlyList<string> Lines(MergePlan plan)
    {
        var inputs = plan.DataSets.ToDictionary(s => s.Name, Read);
        var lines = new List<string>
        {
            $"dry run of merge '{plan.Name}': method {(int)plan.Method}; nothing is written",
            plan.ReferenceFrom switch
            {
                ReferenceChoice.Plan => $"reference {plan.Reference} (named in the plan)",
                ReferenceChoice.HighestResolution =>
                    "reference: the data set with the highest-resolution map, once the maps are measured "
                    + $"({plan.Reference} until then)",
                _ => $"reference {plan.Reference} (the first data set)",
            },
            $"output folder {plan.Output}" + (Directory.Exists(plan.Output) ? " (exists)" : " (will be created)"),
            $"RELION project folder {plan.ProjectDirectory} (the merged STAR file's names are relative to it)",
            "",
            "data sets and the pixel size each is merged at",
        };
        foreach (var set in plan.DataSets)
        {
            var x = inputs[set.Name];
            string images = x.HasImages ? "with images" : "without images (extracted by the merge)";
            string micrographs = set.Micrographs is null ? "" : $", {x.Micrographs} micrographs";
            lines.Add($"  {set.Name}: {x.Particles} particles {images}{micrographs}; "
                + $"processed at {Angstrom(x.Nominal)}");
            lines.Add("    " + PixelSizeUsed(plan, set, x));
        }
        lines.Add("");
        lines.Add("stages (work items)");
        var stages = Stages(plan, inputs);
        for (int i = 0; i < stages.Count; i++) lines.Add($"  {i + 1}. {stages[i].Name}: {stages[i].Items}");
        lines.Add("");
        lines.Add($"files to be written in {plan.Output}");
        lines.AddRange(Files(plan, inputs).Select(f => "  " + f));
        return lines;
    }

    private static string PixelSizeUsed(MergePlan plan, DataSetPlan set, Inputs x)
    {
        if (set.Name == plan.Reference && plan.ReferenceFrom != ReferenceChoice.HighestResolution)
            return set.PixelSize is double p ? $"pixel size {Angstrom(p)}, given in the plan (the trusted scale)"
                : $"pixel size {Angstrom(x.Nominal)}, as processed (the trusted scale)";
        if (set.PixelSize is double given)
            return $"pixel size {Angstrom(given)}, given in the plan"
                + (set.Map is not null
                    ? "; its map is fitted too, and a disagreement is a warning" : "; no map checks it");
        return $"pixel size found by fitting its map {set.Map} to the reference's (scale, rotation and shift; "
            + $"{Angstrom(x.Nominal)} as processed is where the search starts)";
    }

    private static List<(string Name, string Items)> Stages(MergePlan plan, Dictionary<string, Inputs> inputs)
    {
        var others = plan.Others.ToList();
        int fitted = others.Count(s => s.Map is not null && plan.ReferenceDataSet.Map is not null);
        int pairs = plan.DataSets.Count > 2 ? fitted * (fitted - 1) / 2 : 0;
        // Methods 1 and 2 re-extract every data set but a reference with images; method 3 only those without images.
        var extracted = plan.DataSets.Where(s => plan.Method == MergeMethod.Relabel
            ? !inputs[s.Name].HasImages
            : !(s.Name == plan.Reference && inputs[s.Name].HasImages)).ToList();
        var list = new List<(string, string)>();
        foreach (var stage in MergeStages.For(plan))
        {
            string items = stage switch
            {
                PrepareStage => $"{plan.DataSets.Count} (one per data set)",
                PixelSizeStage => $"{fitted + pairs} (one per data set fitted to the reference"
                    + (pairs > 0 ? $", and {pairs} for the pairs of the others" : "") + ")",
                PixelSizeProfileStage => $"{fitted} or more (shards of {PixelSizeProfileStage.CandidatesPerItem} "
                    + "candidate pixel sizes per fitted data set, known after the fit)",
                CtfStage => $"up to {others.Count} (one per data set whose scale changes)",
                RescaleMicrographsStage => $"{others.Sum(s => inputs[s.Name].Micrographs)} (one per micrograph of "
                    + string.Join(", ", others.Select(s => s.Name)) + ")",
                RescaleParticlesStage => $"up to {plan.DataSets.Count} (one per data set whose A values change)",
                ExtractStage => ExtractItems(extracted, inputs),
                GatherParticlesStage => $"{extracted.Count} (one per data set extracted)",
                RelabelStage => $"up to {others.Count} (one per data set whose scale changes"
                    + (plan.Method == MergeMethod.Relabel ? ")" : " and that is not re-extracted)"),
                JoinStage or SummaryStage => "1",
                _ => "as planned when it starts",
            };
            list.Add((stage.Name, items));
        }
        return list;
    }

    /// <summary>
    /// The extraction's items: one per micrograph with particles, or with batching (the default) consecutive
    /// micrographs sharing an item of about <see cref="ExtractBatches.TargetCost"/>, how many known only once the
    /// boxes are (after the pixel-size fit): between at least <see cref="ExtractBatches.MinItemsPerDataSet"/> per data
    /// set (all of a smaller one's micrographs) and one per micrograph.
    /// </summary>
    private static string ExtractItems(List<DataSetPlan> extracted, Dictionary<string, Inputs> inputs)
    {
        int stacks = extracted.Sum(s => inputs[s.Name].ParticleMicrographs);
        string of = extracted.Count == 0 ? "no data set" : string.Join(", ", extracted.Select(s => s.Name));
        if (!ExtractBatches.Enabled) return $"{stacks} (one per micrograph with particles of {of})";
        int least = extracted.Sum(s => Math.Min(inputs[s.Name].ParticleMicrographs, ExtractBatches.MinItemsPerDataSet));
        int milliseconds = (int)Math.Round(ExtractBatches.TargetCost / 1e6);
        return $"{(least == stacks ? $"{stacks}" : $"{least} to {stacks}")} (the {stacks} micrographs with particles "
            + $"of {of}, consecutive ones sharing an item of about {milliseconds} ms of work, at least "
            + $"{ExtractBatches.MinItemsPerDataSet} items per data set; how many is known once the boxes are, after "
            + "the pixel-size fit)";
    }

    private static IEnumerable<string> Files(MergePlan plan, Dictionary<string, Inputs> inputs)
    {
        int particles = inputs.Values.Sum(x => x.Particles);
        if (plan.OutputFormat != MergeOutputFormat.Cryosparc)
            yield return $"{JoinStage.OutputName}: the merged particles ({particles}), one optics group per data set";
        else yield return $"star/{JoinStage.OutputName}: the merged particles ({particles}), as the merge uses them";
        if (plan.OutputFormat != MergeOutputFormat.Star)
            yield return $"{JoinStage.CryosparcName}: the same for cryoSPARC";
        yield return $"{SummaryStage.TextName}, {SummaryStage.JsonName}: the report, and the merge's state";
        foreach (var set in plan.Others.Where(s => s.Map is not null && plan.ReferenceDataSet.Map is not null))
            yield return $"{set.Name}-pixel-size-score.csv/.png, {set.Name}-pixel-size-fsc.csv/.png: the fit's plots";
        foreach (var set in plan.DataSets)
        {
            var x = inputs[set.Name];
            bool reference = set.Name == plan.Reference;
            var files = new List<string>();
            bool extracted = plan.Method == MergeMethod.Relabel ? !x.HasImages : !(reference && x.HasImages);
            if (!reference && plan.Method != MergeMethod.Relabel) files.Add(CtfStage.OutputName);
            if (!reference && plan.Method == MergeMethod.RescaleMicrographs)
                files.Add($"{x.Micrographs} rescaled micrographs, {RescaleParticlesStage.MicrographsName}");
            if (!reference && plan.Method != MergeMethod.Relabel) files.Add(RescaleParticlesStage.ParticlesName);
            if (extracted)
                files.Add($"{ReExtraction.FolderName}/: {x.ParticleMicrographs} particle stacks, their particles.star");
            if (!reference && (plan.Method == MergeMethod.Relabel || !extracted)) files.Add(RelabelStage.OutputName);
            string when = reference ? "" : " (the STAR files where its scale changes)";
            if (files.Count > 0) yield return $"{set.Name}/: {string.Join("; ", files)}{when}";
        }
    }

    private static Inputs Read(DataSetPlan set)
    {
        if (set.ParticlesFromCryosparc)
            return new Inputs(0, false, 0, Micrographs(set), set.NominalPixelSize ?? 0);
        var particles = StarDataSet.Read(set.Particles!);
        var rows = particles.Data;
        bool hasImages = particles.Kind == StarDataKind.Particles;
        int onMicrographs = rows.TryColumn(RelionLabels.MicrographName) is { } names
            ? Enumerable.Range(0, rows.RowCount).Select(i => names.GetString(i)).Distinct().Count() : 0;
        double nominal = set.NominalPixelSize ?? PixelSizes.OfRow(particles.File, particles.DataBlock, 0)?.Value ?? 0;
        if (nominal <= 0 && set.Map is not null)
        {
            using var map = MrcFile.Open(set.Map);
            nominal = map.PixelSize.X;
        }
        return new Inputs(rows.RowCount, hasImages, onMicrographs, Micrographs(set), nominal);
    }

    private static int Micrographs(DataSetPlan set) =>
        set.Micrographs is null ? 0 : StarDataSet.Read(set.Micrographs).Data.RowCount;

    private static string Angstrom(double value) =>
        value > 0 ? string.Create(C, $"{value:0.#####} A/px") : "an unknown pixel size (give nominalPixelSize)";
}
