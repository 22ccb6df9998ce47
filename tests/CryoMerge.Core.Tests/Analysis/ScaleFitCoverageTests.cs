using System.Globalization;
using CryoMerge.Core.Analysis;

namespace CryoMerge.Core.Tests.Analysis;

/// <summary>
/// Whether the printed range means what it says: over seeded synthetic pairs of known truth
/// (<see cref="SyntheticMapPairs.Random"/>), the range must hold the true pixel size at least as often as
/// <see cref="ScaleFitOptions.ClaimedCoverage"/> claims, and its standard error must be neither much too small nor
/// much too large.
/// </summary>
public sealed class ScaleFitCoverageTests(ITestOutputHelper output)
{
    private const int Pairs = 50, FirstSeed = 1000;

    /// <summary>
    /// Misses allowed among the <see cref="Pairs"/> fits: the binomial allowance below the claim. Were the true
    /// coverage exactly the claimed 99 %, the misses would be Binomial(50, 0.01): P(3 or more) = 1.4 %, P(4 or more)
    /// = 0.16 %. Allowing 3 fails a range that keeps its claim less than one time in 600, while one that held the
    /// truth only 90 % of the time would miss 4 or more, and fail, with probability 0.75. (The seeds are fixed, so
    /// the outcome itself is deterministic: these 50 held the truth 50 times, RMS error 1.1 standard errors.)
    /// </summary>
    private const int AllowedMisses = 3;

    [Fact]
    public void TheRangeHoldsTheTruthAsOftenAsItClaims()
    {
        var options = new ScaleFitOptions { EvaluateProfile = false };
        var z = new List<double>();
        int misses = 0;
        for (int seed = FirstSeed; seed < FirstSeed + Pairs; seed++)
        {
            var pair = SyntheticMapPairs.Random(seed);
            var input = new ScaleFitInput(pair.Reference, pair.Map);
            var e = ScaleFitter.Fit(AnalysisTestData.Fft, input, options).Estimate;
            bool holds = e.Contains(pair.TruePixelSize);
            if (!holds) misses++;
            z.Add((e.PixelSize - pair.TruePixelSize) / e.StandardError);
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"seed {seed}: truth {pair.TruePixelSize:0.000000}, BEST {e.PixelSize:0.000000}, " +
                $"range {e.Low:0.000000} - {e.High:0.000000}, " +
                $"error {z[^1]:+0.00;-0.00} standard errors{(holds ? "" : "  MISSED")}"));
        }
        double rms = Math.Sqrt(z.Sum(v => v * v) / z.Count);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"range held the truth {Pairs - misses} of {Pairs} times; RMS error {rms:0.00} standard errors"));
        Assert.True(misses <= AllowedMisses,
            $"{misses} of {Pairs} ranges missed the truth; a {ScaleFitOptions.ClaimedCoverage:P0} range " +
            $"may miss {AllowedMisses}");
        // The standard error itself: the RMS of 50 errors in standard errors is 1 within about 10 % (one standard
        // deviation) when the standard error is honest. Far below 1 the range is wider than it need be and would
        // pass the count above trivially; far above, it held the truth by luck.
        Assert.InRange(rms, 0.6, 1.4);
    }
}
