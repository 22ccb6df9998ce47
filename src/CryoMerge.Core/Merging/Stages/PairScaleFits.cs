using System.Globalization;
using CryoMerge.Core.Merging.Pipeline;

namespace CryoMerge.Core.Merging.Stages;

/// <summary>
/// With more than two data sets, the pixel-size stage also fits every pair of non-reference data sets whose maps
/// both exist, map against map, and checks that all the relative scales agree around every cycle
/// (<see cref="ScaleCycles"/>). A pair's fit is an item of its own, like a fit against the reference, so the fits
/// spread over the nodes. A data set whose pixel size the plan gives enters with that scale (no range): the cycles
/// then check it against the maps.
/// </summary>
public static class PairScaleFits
{
    /// <summary>
    /// The pairs to fit: both have maps, neither is the reference; the earlier data set's map is the fit's
    /// reference.
    /// </summary>
    public static IEnumerable<(string From, string To)> Pairs(MergeState state)
    {
        var others = state.Plan.DataSets.Where(d => d.Name != state.Plan.Reference && d.Map is not null)
            .Select(d => d.Name).ToList();
        for (int i = 0; i < others.Count; i++)
            for (int j = i + 1; j < others.Count; j++)
                yield return (others[i], others[j]);
    }

    /// <summary>Map <paramref name="to"/> against map <paramref name="from"/>, each at its header pixel size.</summary>
    public static MapFitFiles ParametersFor(MergeState state, string from, string to)
    {
        var a = state.Plan.DataSets.Single(d => d.Name == from);
        var b = state.Plan.DataSets.Single(d => d.Name == to);
        return new MapFitFiles(a.Map!, state.DataSets[from].MapPixelSize, a.HalfMap2,
            b.Map!, state.DataSets[to].MapPixelSize, b.HalfMap2, 0.1);
    }

    /// <summary>
    /// The scale of a pair's fit: the fit gives map B's pixel size on map A's header scale, q; the data sets' true
    /// pixel sizes relate as (q / mA) x (nB / mB) / (nA / mA) = q nB / (mB nA), n the nominal and m the map's
    /// header pixel size.
    /// </summary>
    public static PairScale FromFit(MergeState state, string from, string to, PixelSizeStage.Result fit)
    {
        var (a, b) = (state.DataSets[from], state.DataSets[to]);
        double factor = b.NominalPixelSize / (b.MapPixelSize * a.NominalPixelSize);
        return new PairScale(from, to, fit.PixelSize * factor, fit.Low * factor, fit.High * factor);
    }

    /// <summary>A data set's scale on the reference's: fitted with its range, or given (no range).</summary>
    public static PairScale? AgainstReference(MergeState state, string name)
    {
        var reference = state.DataSets[state.Plan.Reference];
        var d = state.DataSets[name];
        if (d.PixelSize is not double p || reference.PixelSize is not double r) return null;
        return d.PixelSizeLow is double lo && d.PixelSizeHigh is double hi
            ? new PairScale(reference.Name, name, p / r, lo / r, hi / r)
            : new PairScale(reference.Name, name, p / r, p / r, p / r, PairScale.Given);
    }

    /// <summary>Every scale and cycle into the state, with a note: all close, or a warning per open cycle.</summary>
    public static void Check(MergeState state, IReadOnlyList<PairScale> pairFits)
    {
        var c = CultureInfo.InvariantCulture;
        var scales = state.Plan.DataSets.Where(d => d.Name != state.Plan.Reference)
            .Select(d => AgainstReference(state, d.Name)).OfType<PairScale>().Concat(pairFits).ToList();
        var cycles = ScaleCycles.Check(state.Plan.DataSets.Select(d => d.Name).ToList(), scales);
        state.PairScales = scales;
        state.ScaleCycles = cycles.ToList();
        if (cycles.Count == 0) return;
        var open = cycles.Where(x => !x.Closes).ToList();
        if (open.Count == 0)
        {
            double largest = cycles.Max(x => Math.Abs(x.Ranges));
            state.Notes.Add(string.Create(c, $"scale cycles: all {cycles.Count} close within their ranges ")
                + string.Create(c, $"(largest misfit {largest:0.##} of the ranges)"));
            return;
        }
        foreach (var x in open) state.Notes.Add($"WARNING: scale cycle {x.Describe()}");
        var suspects = ScaleCycles.Suspects(cycles);
        string doubt = suspects.Count == 0 ? "no single scale is to blame"
            : "suspect " + string.Join(", ", suspects.Select(s => Describe(scales, s.A, s.B)));
        state.Notes.Add($"WARNING: {open.Count} of {cycles.Count} scale cycles do not close within their ranges: "
            + $"a fitted scale (or a pixel size the plan gives) is wrong; {doubt}");
    }

    private static string Describe(IReadOnlyList<PairScale> scales, string a, string b) =>
        scales.FirstOrDefault(s => s.Connects(a, b)) is { Source: PairScale.Given }
            ? $"{a}-{b} (given by the plan)"
            : $"{a}-{b}";
}
