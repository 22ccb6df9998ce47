using System.Globalization;
using CryoMerge.Core.Analysis;
using CryoMerge.Core.Imaging;

namespace CryoMerge.Core.Assessment;

/// <summary>
/// Did the merge help? From half maps on one grid (each data set's, the merge's and those of the one-by-one series):
/// the masked half-map FSC of each and its 0.143 resolution; the FSC between data sets' maps and with the merged map,
/// against what their half maps predict for maps of one structure (this, not the half-map FSC of the merge, reveals a
/// wrong relative scale: a merge's halves hold the same mix of scales and agree with each other); and the paper's
/// strategy, data sets added one at a time from the best, with a verdict per addition and the Rosenthal-Henderson line
/// (1/d^2 against ln N). Every FSC uses one soft mask: the given one, or <see cref="AutoMask"/> of the merged map.
/// A few transforms per map: seconds for the maps of a merge.
/// </summary>
public static class MapAssessment
{
    public const double FscThreshold = 0.143;

    /// <summary>The maps' common soft mask and how it was made.</summary>
    public static (Grid Mask, string Description) Mask(IFftBackend fft, AssessedMap merged, string? maskFile)
    {
        var full = FullMap(merged);
        if (maskFile is not null) return (MapVolume.LoadMask(maskFile, full), maskFile);
        var mask = AutoMask.Create(fft, full);
        return (mask, "automatic (merged map low-passed to 15 A, thresholded, dilated 5 A, soft edge 6 A)");
    }

    /// <summary>Masked half-map FSC and resolution of one map.</summary>
    public static MapMeasurement Measure(IFftBackend fft, AssessedMap map, Grid mask)
    {
        var h1 = Load(map.Half1);
        var h2 = Load(map.Half2);
        if (h1.Shape != mask.Shape || h2.Shape != mask.Shape)
            throw new CryoMergeInputException(map.Half2,
                $"half maps {h1.Shape} and {h2.Shape} are not on the mask's grid {mask.Shape}");
        var fsc = FourierShellCorrelation.Masked(fft, h1.Grid, h2.Grid, mask, h1.PixelSize);
        return new MapMeasurement(map.Name, map.Kind, map.DataSets, map.Particles, Resolution(fsc),
            fsc.ResolutionAt(FscThreshold), fsc);
    }

    /// <summary>Data sets best first: highest half-map resolution first (ties by name).</summary>
    public static IReadOnlyList<string> BestFirst(IEnumerable<MapMeasurement> dataSets) =>
        dataSets.Where(m => m.Kind == AssessedMapKind.DataSet).OrderBy(m => m.Resolution)
            .ThenBy(m => m.Name, StringComparer.Ordinal).Select(m => m.Name).ToList();

    /// <summary>
    /// The whole report. <paramref name="maps"/> holds a <see cref="AssessedMapKind.DataSet"/> map per data set, one
    /// <see cref="AssessedMapKind.Merged"/> map and a <see cref="AssessedMapKind.Step"/> map for every prefix of
    /// <paramref name="order"/> longer than one data set and shorter than all.
    /// </summary>
    public static AssessmentReport Assess(IFftBackend fft, IReadOnlyList<AssessedMap> maps, IReadOnlyList<string> order,
        string? maskFile, AssessmentThresholds thresholds)
    {
        var merged = maps.Single(m => m.Kind == AssessedMapKind.Merged);
        var (mask, maskDescription) = Mask(fft, merged, maskFile);
        double pixel = PixelSizeOf(merged);
        var measured = maps.Select(m => Measure(fft, m, mask)).ToList();
        var byName = measured.ToDictionary(m => m.Name);
        var mapByName = maps.ToDictionary(m => m.Name);
        var notes = new List<string>();
        if (maps.Any(m => !m.SubsetsFromFile))
            notes.Add("some particles have no rlnRandomSubset: they were put in half 1 or 2 by row number "
                + "(odd rows 1, even rows 2)");

        // The map of the first k data sets (best first): a data set's own map, a step map, or the merged map.
        AssessedMap Prefix(int k) => k == 1 ? mapByName[order[0]]
            : k == order.Count ? merged
            : maps.Single(m => m.Kind == AssessedMapKind.Step && m.DataSets.Count == k);
        var fulls = new Dictionary<string, Grid>();
        Grid Full(AssessedMap m) => fulls.TryGetValue(m.Name, out var g) ? g : fulls[m.Name] = FullMap(m).Grid;

        MapAgreement Compare(AssessedMap a, AssessedMap b)
        {
            var fsc = FourierShellCorrelation.Masked(fft, Full(a), Full(b), mask, pixel);
            bool independent = !a.DataSets.Intersect(b.DataSets).Any();
            var expected = Expected(byName[a.Name].HalfMapFsc, byName[b.Name].HalfMapFsc);
            return new MapAgreement(a.Name, b.Name, independent, fsc, expected, Agreement(fsc, expected),
                Resolution(fsc));
        }

        var agreements = new List<MapAgreement>();
        for (int i = 0; i < order.Count; i++)
            for (int j = i + 1; j < order.Count; j++)
                agreements.Add(Compare(mapByName[order[i]], mapByName[order[j]]));
        foreach (string name in order) agreements.Add(Compare(mapByName[name], merged));

        var steps = new List<AdditionStep>();
        for (int k = 1; k <= order.Count; k++)
        {
            var map = byName[Prefix(k).Name];
            if (k == 1)
            {
                steps.Add(new AdditionStep(1, order[0], map.DataSets, map.Particles, map.Resolution, null, null, null,
                    Invariant($"the best data set alone: {map.Resolution:0.##} A from {map.Particles} particles")));
                continue;
            }
            var previous = byName[Prefix(k - 1).Name];
            // The added data set against the data sets before it: no particle in common, so their noise is independent.
            var agreement = k == 2 && agreements.FirstOrDefault(a => a.A == order[0] && a.B == order[1]) is { } pair
                ? pair : Compare(mapByName[order[k - 1]], Prefix(k - 1));
            var (verdict, reason) = Judge(map, previous, agreement, thresholds);
            steps.Add(new AdditionStep(k, order[k - 1], map.DataSets, map.Particles, map.Resolution,
                previous.Resolution, agreement.Agreement, verdict, reason));
        }
        long all = measured.Single(m => m.Kind == AssessedMapKind.Merged).Particles;
        return new AssessmentReport(pixel, mask.Shape.X, maskDescription, order, measured, agreements, steps,
            RosenthalHenderson(steps, all), thresholds, notes);
    }

    /// <summary>The verdict on one addition, with its reason.</summary>
    public static (AdditionVerdict Verdict, string Reason) Judge(MapMeasurement now, MapMeasurement before,
        MapAgreement added, AssessmentThresholds t)
    {
        double change = (before.Resolution - now.Resolution) / before.Resolution;
        string resolution =
            Invariant($"{before.Resolution:0.##} -> {now.Resolution:0.##} A ({-change * 100:+0.#;-0.#;0} %)");
        if (added.Agreement is double a && a < t.MinimumAgreement)
            return (AdditionVerdict.Hurt,
                Invariant($"{resolution}, but its map keeps only {a:0.00} of the correlation with the data sets ")
                + Invariant($"before it that their half maps predict (below {t.MinimumAgreement:0.00}): they differ, ")
                + "as a wrong relative pixel size would make them; the half-map FSC of a merge cannot see this");
        string agree = added.Agreement is double g
            ? Invariant($"; agreement with the data sets before it {g:0.00}") : "";
        if (change > t.ResolutionChange) return (AdditionVerdict.Helped, resolution + agree);
        if (change < -t.ResolutionChange) return (AdditionVerdict.Hurt, resolution + agree);
        return (AdditionVerdict.NoChange, Invariant($"{resolution}, within {t.ResolutionChange * 100:0.#} %{agree}"));
    }

    /// <summary>
    /// C_ref(A) x C_ref(B) per shell, C_ref = sqrt(2 F / (1 + F)) of each half-map FSC F (negative F as 0).
    /// </summary>
    public static double[] Expected(FscCurve a, FscCurve b)
    {
        int n = Math.Min(a.ShellCount, b.ShellCount);
        var e = new double[n];
        for (int i = 0; i < n; i++) e[i] = CRef(a.Fsc[i]) * CRef(b.Fsc[i]);
        return e;
    }

    private static double CRef(double fsc) => fsc <= 0 ? 0 : Math.Sqrt(2 * fsc / (1 + fsc));

    /// <summary>
    /// How much of the predicted correlation two maps keep at the resolution they reach together. Maps of one
    /// structure differ only by noise: measured / expected FSC is 1 at every shell. A systematic difference (a relative
    /// scale error above all: its loss grows as 1 - (pi e D s)^2 / 10 with spatial frequency s) makes the ratio fall
    /// with s^2. So 1 - ratio is fitted as c s^2 over the shells 1.. where the expected FSC is at least 0.143 (weighted
    /// by the expected FSC squared, as the measured FSC's noise shrinks where it is high), and the fit is read at the
    /// last such shell: about 1 for consistent maps; null when no shell qualifies.
    /// </summary>
    public static double? Agreement(FscCurve fsc, double[] expected)
    {
        double sxy = 0, sxx = 0, limit = 0;
        for (int i = 1; i < Math.Min(fsc.ShellCount, expected.Length); i++)
        {
            double e = expected[i];
            if (e < FscThreshold) continue;
            double s2 = fsc.Frequency[i] * fsc.Frequency[i], w = e * e;
            sxy += w * (1 - fsc.Fsc[i] / e) * s2;
            sxx += w * s2 * s2;
            limit = s2;
        }
        return sxx > 0 ? 1 - sxy / sxx * limit : null;
    }

    /// <summary>Where the FSC falls below 0.143, interpolated between shells (A).</summary>
    public static double Resolution(FscCurve fsc) => 1 / fsc.FrequencyAt(FscThreshold);

    /// <summary>1/d^2 against ln N through the steps, by least squares; null with fewer than two steps.</summary>
    public static RosenthalHendersonFit? RosenthalHenderson(IReadOnlyList<AdditionStep> steps, long mergedParticles)
    {
        if (steps.Count < 2) return null;
        var x = steps.Select(s => Math.Log(s.Particles)).ToArray();
        var y = steps.Select(s => 1 / (s.Resolution * s.Resolution)).ToArray();
        double mx = x.Average(), my = y.Average(), sxy = 0, sxx = 0;
        for (int i = 0; i < x.Length; i++)
        {
            sxy += (x[i] - mx) * (y[i] - my);
            sxx += (x[i] - mx) * (x[i] - mx);
        }
        if (!(sxx > 0)) return null;
        double slope = sxy / sxx, intercept = my - slope * mx;
        double? b = slope > 0 ? 2 / slope : null;
        double inverse = intercept + slope * Math.Log(2.0 * mergedParticles);
        double? doubled = slope > 0 && inverse > 0 ? 1 / Math.Sqrt(inverse) : null;
        return new RosenthalHendersonFit(intercept, slope, b, doubled);
    }

    /// <summary>
    /// The average of a pair's halves: the map of all its particles (up to the gridding weights of each half).
    /// </summary>
    public static MapVolume FullMap(AssessedMap map)
    {
        var h1 = Load(map.Half1);
        var h2 = Load(map.Half2);
        if (h1.Shape != h2.Shape)
            throw new CryoMergeInputException(map.Half2, $"is {h2.Shape}, its other half {h1.Shape}");
        var sum = new Grid(h1.Shape);
        for (int i = 0; i < sum.Data.Length; i++) sum.Data[i] = 0.5f * (h1.Grid.Data[i] + h2.Grid.Data[i]);
        return h1 with { Name = map.Name, Grid = sum };
    }

    private static double PixelSizeOf(AssessedMap map) => Load(map.Half1).PixelSize;

    private static MapVolume Load(string path) => MapVolume.Load(path);

    private static string Invariant(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
