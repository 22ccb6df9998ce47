using System.Globalization;
using System.Text;

namespace CryoMerge.Core.Analysis;

/// <summary>
/// What the pixel-size plots show: the score against candidate pixel size (the paper's Fig. 6a) and the FSC curves at
/// the nominal and the best pixel size (Fig. 3b). The numbers go to CSV here; PNGs are drawn by an
/// <see cref="IPlotRenderer"/> where one is installed.
/// </summary>
/// <param name="Method">"fit" or "fsc-sweep".</param>
/// <param name="ScoreName">What the profile's score measures.</param>
public sealed record PixelSizePlotData(string Method, string ScoreName, double Best, double Low, double High, double NominalPixelSize,
    IReadOnlyList<ScaleProfilePoint> Profile, FscCurve Before, FscCurve After)
{
    public const string ScoreStem = "pixel-size-score", FscStem = "pixel-size-fsc";

    /// <summary>The pixel size used instead of BEST, when one was given (A).</summary>
    public double? UsedPixelSize { get; init; }

    /// <summary>Whose scale the pixel sizes are on (a data set's name), or null for "the reference".</summary>
    public string? Reference { get; init; }

    /// <summary>A file of these plots in <paramref name="directory"/>: "[prefix-]stem.extension".</summary>
    public static string PathOf(string directory, string prefix, string stem, string extension) =>
        Path.Combine(directory, (prefix.Length > 0 ? prefix + "-" : "") + stem + extension);

    /// <summary>Writes the score and FSC tables atomically; returns their paths.</summary>
    public IReadOnlyList<string> WriteCsv(string directory, string prefix = "")
    {
        string scoreCsv = PathOf(directory, prefix, ScoreStem, ".csv"), fscCsv = PathOf(directory, prefix, FscStem, ".csv");
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

/// <summary>Draws plots as PNG files (implemented outside Core, which stays free of graphics).</summary>
public interface IPlotRenderer
{
    /// <summary>Draws the score and FSC plots of <paramref name="data"/> into <paramref name="directory"/>; returns the PNG paths.</summary>
    IReadOnlyList<string> PixelSize(string directory, string prefix, PixelSizePlotData data);
}
