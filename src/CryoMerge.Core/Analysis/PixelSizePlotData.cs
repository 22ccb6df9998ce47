using System.Globalization;
using System.Text;

namespace CryoMerge.Core.Analysis;

/// <summary>
/// What the pixel-size plots show: the score against candidate pixel size (the paper's Fig. 6a) and the FSC curves at
/// the nominal and the best pixel size (Fig. 3b). The numbers go to CSV here; PNGs are drawn by an
/// the plot renderer (Plotting.IPlotRenderer) where one is installed.
/// </summary>
/// <param name="Method">"fit" or "fsc-sweep".</param>
/// <param name="ScoreName">What the profile's score measures.</param>
public sealed record PixelSizePlotData(string Method, string ScoreName, double Best, double Low, double High,
    double NominalPixelSize,
    IReadOnlyList<ScaleProfilePoint> Profile, FscCurve Before, FscCurve After)
{
    public const string ScoreStem = "pixel-size-score", FscStem = "pixel-size-fsc";

    /// <summary>The pixel size used instead of BEST, when one was given (A).</summary>
    public double? UsedPixelSize { get; init; }

    /// <summary>Whose scale the pixel sizes are on (a data set's name), or null for "the reference".</summary>
    public string? Reference { get; init; }

    /// <summary>Where the FSC curves are read: the thresholds the plots and the merge's report give crossings for.
    /// </summary>
    public static readonly double[] FscThresholds = [0.5, 0.143];

    /// <summary>"0.5 at 6.21 A, 0.143 at 6.05 A": a curve's crossings, as the FSC plot's legend and the report give
    /// them.</summary>
    public static string Crossings(FscCurve curve) => string.Join(", ",
        FscThresholds.Select(t => Invariant($"{t:0.###} at {curve.CrossingResolution(t):0.##} A")));

    /// <summary>The score plot's legend for BEST.</summary>
    public string BestLegend => Invariant($"found (BEST): {Best:0.#####} A");

    /// <summary>The score plot's legend for the range (dashed lines at both ends).</summary>
    public string RangeLegend => Invariant($"range: {Low:0.#####} - {High:0.#####} A");

    /// <summary>The score plot's legend for the nominal pixel size.</summary>
    public string NominalLegend => Mark(NominalPixelSize, "nominal");

    /// <summary>The score plot's legend for the pixel size the plan gives, if it gives one.</summary>
    public string? UsedLegend => UsedPixelSize is double used ? Mark(used, "used (the plan's pixelSize)") : null;

    /// <summary>The FSC plot's legends for the curve at the nominal pixel size and at BEST.</summary>
    public string FscBeforeLegend => Invariant($"at the nominal {NominalPixelSize:0.#####} A: {Crossings(Before)}");
    public string FscAfterLegend => Invariant($"at BEST {Best:0.#####} A: {Crossings(After)}");

    private string Mark(double value, string what) =>
        Invariant($"{what}: {value:0.#####} A ({(value / Best - 1) * 100:+0.###;-0.###} % from BEST)");

    /// <summary>A file of these plots in <paramref name="directory"/>: "[prefix-]stem.extension".</summary>
    public static string PathOf(string directory, string prefix, string stem, string extension) =>
        Path.Combine(directory, (prefix.Length > 0 ? prefix + "-" : "") + stem + extension);

    /// <summary>Writes the score and FSC tables atomically; returns their paths.</summary>
    public IReadOnlyList<string> WriteCsv(string directory, string prefix = "")
    {
        string scoreCsv = PathOf(directory, prefix, ScoreStem, ".csv"), fscCsv = PathOf(directory, prefix,
            FscStem, ".csv");
        var csv = new StringBuilder("pixel_size_A,score\n");
        foreach (var p in Profile) csv.Append(Invariant($"{p.PixelSize:R},{p.Correlation:R}\n"));
        OutputFiles.WriteAllText(scoreCsv, csv.ToString());

        csv = new StringBuilder("shell,resolution_A,fsc_nominal,fsc_best\n");
        int shells = Math.Min(Before.ShellCount, After.ShellCount);
        for (int i = 0; i < shells; i++)
            csv.Append(Invariant($"{i},{After.Resolution(i):R},{Before.Fsc[i]:R},{After.Fsc[i]:R}\n"));
        OutputFiles.WriteAllText(fscCsv, csv.ToString());
        return [scoreCsv, fscCsv];
    }

    private static string Invariant(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
