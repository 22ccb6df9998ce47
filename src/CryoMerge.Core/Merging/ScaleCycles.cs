using System.Globalization;
using System.Text.Json.Serialization;

namespace CryoMerge.Core.Merging;

/// <summary>
/// A relative scale between two data sets: <see cref="To"/>'s true pixel size over <see cref="From"/>'s, with its
/// honest range. A scale the plan gives (a trusted pixel size) has no range: Low = Ratio = High.
/// </summary>
/// <param name="Source">Where it comes from: <see cref="Fitted"/> (the two maps) or <see cref="Given"/> (the
/// plan's pixel sizes).</param>
public sealed record PairScale(
    string From, string To, double Ratio, double Low, double High, string Source = PairScale.Fitted)
{
    public const string Fitted = "fit";
    public const string Given = "given";

    /// <summary>ln(Ratio): scales multiply along a path, so their logarithms add.</summary>
    [JsonIgnore]
    public double Log => Math.Log(Ratio);

    /// <summary>Half the width of the range in ln-scale (0 for a given scale); about a relative half-width.</summary>
    [JsonIgnore]
    public double LogHalfRange => (Math.Log(High) - Math.Log(Low)) / 2;

    /// <summary>The same scale seen from the other side: From's pixel size over To's.</summary>
    [JsonIgnore]
    public PairScale Reversed => this with { From = To, To = From, Ratio = 1 / Ratio, Low = 1 / High, High = 1 / Low };

    public bool Connects(string a, string b) => (From == a && To == b) || (From == b && To == a);

    /// <summary>The scale from <paramref name="a"/> to <paramref name="b"/> (this one, or reversed).</summary>
    public PairScale Oriented(string a, string b) =>
        From == a && To == b ? this
        : From == b && To == a ? Reversed
        : throw new ArgumentException($"{From}-{To} does not join {a} and {b}");
}

/// <summary>
/// One triangle of data sets A, B, C: the scale found by going round (s_AB x s_BC) against the direct one (s_AC).
/// Each pair is measured on its own, so the two agree only as well as the measurements do.
/// </summary>
/// <param name="LogMisfit">ln(s_AB x s_BC / s_AC): about the relative disagreement.</param>
/// <param name="LogRange">The ranges of the three scales combined in quadrature (ln-scale): how far the misfit may
/// honestly go, as each range is the same number of standard errors and the three errors are independent.</param>
public sealed record ScaleCycle(string A, string B, string C, double AroundRatio, double DirectRatio, double LogMisfit,
    double LogRange)
{
    /// <summary>The misfit in units of the combined range; infinite when scales without ranges disagree.</summary>
    public double Ranges =>
        LogRange > 0 ? LogMisfit / LogRange
        : Math.Abs(LogMisfit) <= ScaleCycles.ExactTolerance ? 0
        : LogMisfit > 0 ? double.PositiveInfinity : double.NegativeInfinity;

    /// <summary>The cycle closes when its misfit lies within the combined range.</summary>
    public bool Closes => Math.Abs(Ranges) <= 1;

    public string Name => $"{A} > {B} > {C}";

    /// <summary>
    /// "DS1 > DS2 > DS3: s(DS1,DS2) x s(DS2,DS3) = 0.83112 against s(DS1,DS3) = 0.83001, misfit +0.134 % = 0.41 of the
    /// ranges (+-0.33 %): closes".
    /// </summary>
    public string Describe()
    {
        var c = CultureInfo.InvariantCulture;
        string ranges = double.IsInfinity(Ranges)
            ? "beyond ranges of zero"
            : string.Create(c, $"{Math.Abs(Ranges):0.##} of the ranges");
        return string.Create(c, $"{Name}: s({A},{B}) x s({B},{C}) = {AroundRatio:0.#####} ")
            + string.Create(c, $"against s({A},{C}) = {DirectRatio:0.#####}, ")
            + string.Create(c, $"misfit {LogMisfit * 100:+0.###;-0.###;0} % = {ranges} (+-{LogRange * 100:0.###} %): ")
            + (Closes ? "closes" : "does NOT close");
    }
}

/// <summary>
/// The consistency of the fitted relative scales of more than two data sets. Every pair whose scale is known is an
/// edge; every triangle of edges is a cycle whose scales must multiply to one within their ranges. Triangles span
/// every cycle of a complete set of pairs (a longer cycle's misfit is the sum of its triangles'), so checking them
/// checks all. Error propagation is in ln-scale, where a product of scales is a sum.
/// </summary>
public static class ScaleCycles
{
    /// <summary>Scales without ranges (all given) close when they agree to this (ln-scale).</summary>
    public const double ExactTolerance = 1e-9;

    /// <summary>Every triangle whose three pairs are known, in the order of <paramref name="order"/>.</summary>
    public static IReadOnlyList<ScaleCycle> Check(IReadOnlyList<string> order, IReadOnlyCollection<PairScale> scales)
    {
        PairScale? Find(string a, string b) => scales.FirstOrDefault(s => s.Connects(a, b))?.Oriented(a, b);
        var cycles = new List<ScaleCycle>();
        for (int i = 0; i < order.Count; i++)
            for (int j = i + 1; j < order.Count; j++)
            {
                if (Find(order[i], order[j]) is not { } ab) continue;
                for (int k = j + 1; k < order.Count; k++)
                {
                    if (Find(order[j], order[k]) is not { } bc || Find(order[i], order[k]) is not { } ac) continue;
                    cycles.Add(Close(ab, bc, ac));
                }
            }
        return cycles;
    }

    /// <summary>The cycle A > B > C from its three scales (A to B, B to C, A to C).</summary>
    public static ScaleCycle Close(PairScale ab, PairScale bc, PairScale ac)
    {
        if (ab.To != bc.From || ab.From != ac.From || bc.To != ac.To)
            throw new ArgumentException($"{ab.From}-{ab.To}, {bc.From}-{bc.To}, {ac.From}-{ac.To} do not form a cycle");
        double misfit = ab.Log + bc.Log - ac.Log;
        double range = Math.Sqrt(Square(ab.LogHalfRange) + Square(bc.LogHalfRange) + Square(ac.LogHalfRange));
        return new ScaleCycle(ab.From, ab.To, bc.To, ab.Ratio * bc.Ratio, ac.Ratio, misfit, range);
    }

    /// <summary>
    /// The pairs to doubt when cycles do not close: in at least one cycle that does not close and in none that does
    /// (a cycle that closes vouches for its three scales). Empty when every cycle closes.
    /// </summary>
    public static IReadOnlyList<(string A, string B)> Suspects(IReadOnlyList<ScaleCycle> cycles)
    {
        static IEnumerable<(string, string)> Pairs(ScaleCycle c) => [(c.A, c.B), (c.B, c.C), (c.A, c.C)];
        var vouched = cycles.Where(c => c.Closes).SelectMany(Pairs).ToHashSet();
        return cycles.Where(c => !c.Closes).SelectMany(Pairs).Distinct().Where(p => !vouched.Contains(p)).ToList();
    }

    private static double Square(double x) => x * x;
}
