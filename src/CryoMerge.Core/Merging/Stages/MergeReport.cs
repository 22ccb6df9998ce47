using System.Globalization;
using CryoMerge.Core.Analysis;
using CryoMerge.Core.Formats;
using CryoMerge.Core.Merging.Pipeline;
using CryoMerge.Core.Merging.Stages;

namespace CryoMerge.Core.Merging.Stages;

/// <summary>
/// The report of a finished merge, for the scientist who runs RELION next (summary.txt, and what merge prints): per
/// data set the pixel size, its range and how it was found, the maps' correlation and FSC before and after (the
/// numbers of the plots), the tolerance verdict in words and what was written where; the merged file; warnings and
/// notes; the next steps in RELION (<see cref="MergeNextSteps"/>). Paths are relative to the project folder.
/// </summary>
public static class MergeReport
{
    private static readonly CultureInfo C = CultureInfo.InvariantCulture;

    public static IEnumerable<string> Lines(MergeState state)
    {
        var plan = state.Plan;
        string why = state.ReferenceReason is null ? "" : $" ({state.ReferenceReason})";
        yield return $"CryoMerge.Distributed merge '{plan.Name}': method {(int)plan.Method}, {MethodName(plan.Method)}";
        yield return $"reference {plan.Reference}{why}";
        yield return "";
        yield return $"RELION project folder: {plan.ProjectDirectory}";
        yield return "  The names in the merged STAR file are relative to it: run RELION there.";
        yield return "";
        yield return "Data sets";
        var verdicts = MergeVerdict.For(state).ToDictionary(v => v.DataSet);
        foreach (var set in plan.DataSets.OrderBy(s => s.Name == plan.Reference ? 0 : 1))
            foreach (string line in DataSet(state, set, verdicts.GetValueOrDefault(set.Name))) yield return line;
        var pairs = state.PairScales.Where(s => s.Source == PairScale.Fitted && s.From != plan.Reference).ToList();
        if (pairs.Count > 0 || state.ScaleCycles.Count > 0)
        {
            yield return "";
            yield return "Scales between the data sets";
            foreach (var s in pairs)
                yield return string.Create(C, $"  scale {s.From} -> {s.To}: {s.Ratio:0.######} ")
                    + string.Create(C, $"({s.Low:0.######} - {s.High:0.######}), {s.To}'s map fitted to {s.From}'s");
            foreach (var cycle in state.ScaleCycles) yield return $"  scale cycle {cycle.Describe()}";
        }
        yield return "";
        yield return "Merged";
        if (state.MergedParticles is not null)
            yield return $"  {Relative(state, state.MergedParticles)}: {state.MergedParticleCount} particles in "
                + $"optics groups {Groups(state)}";
        if (state.MergedCryosparc is not null)
            yield return $"  {Relative(state, state.MergedCryosparc)}: the same particles for cryoSPARC";
        foreach (string file in state.SummaryFiles) yield return $"  {Relative(state, file)}";
        var warnings = state.Notes.Where(n => n.Contains("WARNING", StringComparison.Ordinal)).ToList();
        var notes = state.Notes.Except(warnings).ToList();
        if (plan.ParticleDiameter is null || plan.ExpectedResolution is null)
            notes.Add("give particleDiameter and expectedResolution (A) in the plan for a verdict on the remaining "
                + "scale error");
        if (warnings.Count > 0)
        {
            yield return "";
            yield return "Warnings";
            foreach (string w in warnings) yield return $"  {w}";
        }
        if (notes.Count > 0)
        {
            yield return "";
            yield return "Notes";
            foreach (string n in notes) yield return $"  {n}";
        }
        if (state.MergedParticles is not null)
        {
            yield return "";
            yield return $"Next steps in RELION (from {plan.ProjectDirectory})";
            foreach (string line in MergeNextSteps.Lines(state)) yield return line;
        }
    }

    private static IEnumerable<string> DataSet(MergeState state, DataSetPlan set, ScaleErrorVerdict? verdict)
    {
        var d = state.DataSets[set.Name];
        bool isReference = set.Name == state.Plan.Reference;
        string micrographs = d.MicrographCount > 0 ? $" on {d.MicrographCount} micrographs" : "";
        yield return $"  {d.Name}{(isReference ? ", the reference" : "")}: {d.ParticleCount} particles{micrographs}";
        string nominal = string.Create(C, $"processed at {d.NominalPixelSize:0.#####} A");
        string offset = string.Create(C, $"{(d.Scale - 1) * 100:+0.###;-0.###} %");
        if (isReference)
        {
            string how = set.PixelSize is null
                ? "as processed: the reference sets the scale" : $"given in the plan ({nominal})";
            yield return string.Create(C, $"    pixel size   {d.PixelSize:0.#####} A, {how}");
        }
        else if (set.PixelSize is double given)
        {
            yield return string.Create(C, $"    pixel size   {given:0.#####} A, given in the plan ")
                + $"({nominal}: {offset})";
            if (d.MapFit is { } fit)
                yield return string.Create(C, $"    its map      fits {fit.PixelSize:0.#####} A ")
                    + string.Create(C, $"(range {fit.Low:0.#####} - {fit.High:0.#####} A)")
                    + (fit.Contains(given)
                        ? ": the plan's value is inside the range"
                        : ": the plan's value is OUTSIDE the range (see the warning)");
            else yield return "    its map      none: the plan's value is not checked";
        }
        else if (d.MapFit is { } fit)
            yield return string.Create(C, $"    pixel size   {fit.PixelSize:0.#####} A, ")
                + string.Create(C, $"range {fit.Low:0.#####} - {fit.High:0.#####} A ({nominal}: {offset})");
        if (!isReference && d.MapFit is not null)
        {
            string halves = set.HalfMap2 is null ? "" : ", the range from its half maps too";
            yield return $"    found by     fitting its map {Relative(state, set.Map!)} to {state.Plan.Reference}'s: "
                + $"scale, rotation and shift together{halves}; "
                + string.Create(C, $"masked correlation {d.Values.MapCorrelation:0.#####}");
            if (d.FscBefore is { } before && d.FscAfter is { } after)
                yield return string.Create(C, $"    FSC          of the two maps at {d.NominalPixelSize:0.#####} A: ")
                    + string.Create(C, $"{Crossings(before)}; at {d.MapFit.PixelSize:0.#####} A: {Crossings(after)} ")
                    + $"({d.Name}-{PixelSizePlotData.FscStem}.png)";
            if (d.PixelSizeProfile is { Count: > 0 } profile)
            {
                double factor = d.NominalPixelSize / d.MapPixelSize;
                var peak = profile.MaxBy(p => p.Correlation)!;
                double lowest = profile[0].PixelSize * factor, highest = profile[^1].PixelSize * factor;
                yield return string.Create(C, $"    score        {profile.Count} candidate pixel sizes ")
                    + string.Create(C,
                        $"{lowest:0.#####} - {highest:0.#####} A, highest at {peak.PixelSize * factor:0.#####} A ")
                    + $"({d.Name}-{PixelSizePlotData.ScoreStem}.png)";
            }
        }
        if (verdict is not null) yield return $"    tolerance    {MergeVerdict.Sentence(verdict)}";
        bool first = true;
        foreach (string written in Written(state, d))
        {
            yield return (first ? "    written      " : "                 ") + written;
            first = false;
        }
    }

    /// <summary>"0.5 at 6.21 A, 0.143 at 6.05 A": the same numbers as the plot's legend.</summary>
    public static string Crossings(FscCurve curve) => PixelSizePlotData.Crossings(curve);

    /// <summary>The data set's files the merge wrote (inside the output folder), with what they hold.</summary>
    private static IEnumerable<string> Written(MergeState state, DataSetState d)
    {
        string output = Path.GetFullPath(state.Plan.Output) + Path.DirectorySeparatorChar;
        bool Ours(string? path) =>
            path is not null && Path.GetFullPath(path).StartsWith(output, StringComparison.Ordinal);
        var v = d.Values;
        if (Ours(d.Micrographs))
        {
            string what = v.MicrographsRescaled is int n
                ? string.Create(C, $"{n} micrographs rescaled to {v.MicrographPixelReached:0.#####} A/px, ")
                    + "their CTF on the true scale"
                : "the micrographs with their CTF on the true pixel size "
                    + string.Create(C, $"{v.MicrographPixelTrue:0.#####} A");
            yield return $"{Relative(state, d.Micrographs!)}: {what}";
        }
        if (Ours(d.Particles))
        {
            string what;
            if (d.ReExtracted && v.ParticlesExtracted is long extracted)
            {
                string boxes = v.RescaledBox is int r
                    ? string.Create(C, $"at box {v.ExtractBox}, Fourier-rescaled to {r}")
                        + (v.FinalBox != r ? $" and windowed to {v.FinalBox}" : "")
                    : $"at box {v.ExtractBox}";
                what = string.Create(C, $"{extracted} particles extracted {boxes}: {v.ImagePixelReached:0.#####} A/px");
            }
            else what = "its particles on the true scale";
            if (d.Relabelled)
                what += string.Create(C, $", relabelled to the true pixel size {d.MergedImagePixelSize:0.#####} A");
            yield return $"{Relative(state, d.Particles!)}: {what}";
        }
    }

    private static string Groups(MergeState state)
    {
        var order = state.Plan.DataSets.OrderBy(s => s.Name == state.Plan.Reference ? 0 : 1);
        return string.Join(", ", order.Select(s => state.DataSets[s.Name]).Select(d =>
            string.Create(C, $"{d.Name} ({d.MergedImagePixelSize:0.#####} A/px, box {d.ImageBox})")));
    }

    internal static string Relative(MergeState state, string path) =>
        RelionPaths.RelativeName(state.Plan.ProjectDirectory, Path.GetFullPath(path));

    private static string MethodName(MergeMethod method) => method switch
    {
        MergeMethod.RescaleMicrographs => "micrographs rescaled, particles re-extracted (the paper's method 1)",
        MergeMethod.ReExtract => "particles re-extracted and rescaled (the paper's method 2)",
        _ => "optics groups relabelled, no image resampled (method 3, RELION >= 3.1)",
    };
}
