using CryoMerge.Core.Merging;

namespace CryoMerge.Core.Tests.Merging;

/// <summary>The fitted scales of several data sets must multiply to one around every cycle, within their
/// ranges.</summary>
public sealed class ScaleCyclesTests
{
    /// <summary>A fitted scale with a symmetric relative range of +-<paramref name="half"/> (ln-scale).</summary>
    private static PairScale Fit(string from, string to, double ratio, double half) =>
        new(from, to, ratio, ratio * Math.Exp(-half), ratio * Math.Exp(half));

    // True pixel sizes on one scale: the ratio of any two is exact.
    private static readonly Dictionary<string, double> Truth = new() { ["A"] = 1.0, ["B"] = 1.3, ["C"] = 0.83,
        ["D"] = 1.12 };

    private static List<PairScale> AllPairs(double half, Func<string, string, double>? error = null)
    {
        var names = Truth.Keys.ToList();
        var scales = new List<PairScale>();
        for (int i = 0; i < names.Count; i++)
            for (int j = i + 1; j < names.Count; j++)
                scales.Add(Fit(names[i], names[j], Truth[names[j]] / Truth[names[i]] * (error?.Invoke(names[i],
                    names[j]) ?? 1), half));
        return scales;
    }

    [Fact]
    public void ConsistentScalesCloseEveryTriangle()
    {
        var cycles = ScaleCycles.Check(["A", "B", "C", "D"], AllPairs(0.003));
        Assert.Equal(["A > B > C", "A > B > D", "A > C > D", "B > C > D"], cycles.Select(c => c.Name));
        Assert.All(cycles, c => Assert.True(c.Closes && Math.Abs(c.Ranges) < 1e-9, c.Describe()));
        Assert.Empty(ScaleCycles.Suspects(cycles));
        var abc = cycles[0];
        Assert.Equal(0.83, abc.AroundRatio, 12);
        Assert.Equal(0.83, abc.DirectRatio, 12);
    }

    [Fact]
    public void OneWrongScaleBreaksItsCyclesAndIsTheOnlySuspect()
    {
        // A to C 2 % off, every range +-0.3 %: the misfit is ln(1/1.02) = -1.98 % against sqrt(3) x 0.3 % = 0.52 %.
        var cycles = ScaleCycles.Check(["A", "B", "C", "D"], AllPairs(0.003, (a, b) => (a, b) == ("A",
            "C") ? 1.02 : 1));
        var broken = cycles.Where(c => !c.Closes).Select(c => c.Name).ToList();
        Assert.Equal(["A > B > C", "A > C > D"], broken);
        var abc = cycles[0];
        Assert.Equal(-Math.Log(1.02), abc.LogMisfit, 12);
        Assert.Equal(Math.Sqrt(3) * 0.003, abc.LogRange, 12);
        Assert.Equal(-Math.Log(1.02) / (Math.Sqrt(3) * 0.003), abc.Ranges, 9);
        Assert.Contains("does NOT close", abc.Describe());
        Assert.Equal([("A", "C")], ScaleCycles.Suspects(cycles));
    }

    [Fact]
    public void RangesAddInQuadratureInLogScale()
    {
        // Half-ranges of 0.3 %, 0.4 % and 1.2 % combine to 1.3 %: a misfit of 1.25 % closes, 1.35 % does not.
        PairScale ab = Fit("A", "B", 1.3, 0.003), bc = Fit("B", "C", 0.83 / 1.3, 0.004);
        var closes = ScaleCycles.Close(ab, bc, Fit("A", "C", 0.83 * Math.Exp(-0.0125), 0.012));
        var opens = ScaleCycles.Close(ab, bc, Fit("A", "C", 0.83 * Math.Exp(-0.0135), 0.012));
        Assert.Equal(0.013, closes.LogRange, 12);
        Assert.Equal(0.0125, closes.LogMisfit, 12);
        Assert.True(closes.Closes, closes.Describe());
        Assert.False(opens.Closes, opens.Describe());
        // An asymmetric range counts by its mean half-width in ln-scale, whichever way round the pair is given.
        var skewed = new PairScale("A", "B", 1.3, 1.3 / 1.01, 1.3 * 1.02);
        Assert.Equal((Math.Log(1.02) + Math.Log(1.01)) / 2, skewed.LogHalfRange, 12);
        Assert.Equal(skewed.LogHalfRange, skewed.Reversed.LogHalfRange, 12);
        Assert.Equal(-skewed.Log, skewed.Reversed.Log, 12);
    }

    [Fact]
    public void PairsAreFoundWhicheverWayRoundTheyWereMeasured()
    {
        var forward = AllPairs(0.003, (a, b) => (a, b) == ("B", "C") ? 1.01 : 1);
        var mixed = forward.Select((s, i) => i % 2 == 0 ? s.Reversed : s).ToList();
        var f = ScaleCycles.Check(["A", "B", "C", "D"], forward);
        var m = ScaleCycles.Check(["A", "B", "C", "D"], mixed);
        Assert.Equal(f.Select(c => (c.Name, Math.Round(c.LogMisfit, 12), Math.Round(c.LogRange, 12))),
            m.Select(c => (c.Name, Math.Round(c.LogMisfit, 12), Math.Round(c.LogRange, 12))));
    }

    [Fact]
    public void AMissingPairLeavesOutItsCycles()
    {
        var scales = AllPairs(0.003).Where(s => !s.Connects("C", "D")).ToList();
        var cycles = ScaleCycles.Check(["A", "B", "C", "D"], scales);
        Assert.Equal(["A > B > C", "A > B > D"], cycles.Select(c => c.Name));
    }

    [Fact]
    public void GivenScalesWithoutRangesCloseOnlyWhenTheyAgree()
    {
        PairScale Given(string a, string b, double r) => new(a, b, r, r, r, PairScale.Given);
        var exact = ScaleCycles.Close(Given("A", "B", 1.3), Given("B", "C", 0.83 / 1.3), Given("A", "C", 0.83));
        Assert.True(exact.Closes);
        var off = ScaleCycles.Close(Given("A", "B", 1.3), Given("B", "C", 0.83 / 1.3), Given("A", "C", 0.84));
        Assert.False(off.Closes);
        Assert.True(double.IsNegativeInfinity(off.Ranges));
        // One given scale among fitted ones: only the fitted ranges count.
        var mixed = ScaleCycles.Close(Fit("A", "B", 1.3, 0.003), Fit("B", "C", 0.83 / 1.3, 0.004), Given("A",
            "C", 0.83));
        Assert.Equal(0.005, mixed.LogRange, 12);
    }

    [Fact]
    public void ScalesThatDoNotFormTheCycleAreRefused() =>
        Assert.Throws<ArgumentException>(() => ScaleCycles.Close(Fit("A", "B", 1, 0.01), Fit("C", "D", 1, 0.01),
        Fit("A", "D", 1, 0.01)));
}
