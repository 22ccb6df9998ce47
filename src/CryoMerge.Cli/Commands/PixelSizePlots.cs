using System.Globalization;
using System.Text;
using CryoMerge.Core;
using CryoMerge.Core.Analysis;

namespace CryoMerge.Cli.Commands;

/// <summary>
/// The plots of <c>pixel-size --plot DIR</c>: the score against candidate pixel size (the paper's Fig. 6a) and the FSC
/// curves at the nominal and the best pixel size (Fig. 3b), each as a PNG with its numbers in a CSV beside it.
/// </summary>
internal static class PixelSizePlots
{
    public const string ScorePng = "pixel-size-score.png", ScoreCsv = "pixel-size-score.csv", FscPng = "pixel-size-fsc.png", FscCsv = "pixel-size-fsc.csv";

    /// <summary>Writes the four files atomically; returns their paths.</summary>
    public static string[] Write(string directory, PixelSizeOutcome o)
    {
        string scorePng = Path.Combine(directory, ScorePng), scoreCsv = Path.Combine(directory, ScoreCsv);
        string fscPng = Path.Combine(directory, FscPng), fscCsv = Path.Combine(directory, FscCsv);

        var csv = new StringBuilder("pixel_size_A,score\n");
        foreach (var p in o.Profile) csv.Append(Invariant($"{p.PixelSize:R},{p.Score:R}\n"));
        OutputFiles.WriteAllText(scoreCsv, csv.ToString());

        csv = new StringBuilder("shell,resolution_A,fsc_nominal,fsc_best\n");
        int shells = Math.Min(o.Before.ShellCount, o.After.ShellCount);
        for (int i = 0; i < shells; i++)
            csv.Append(Invariant($"{i},{o.After.Resolution(i):R},{o.Before.Fsc[i]:R},{o.After.Fsc[i]:R}\n"));
        OutputFiles.WriteAllText(fscCsv, csv.ToString());

        var score = new ScottPlot.Plot();
        var line = score.Add.Scatter(o.Profile.Select(p => p.PixelSize).ToArray(), o.Profile.Select(p => p.Score).ToArray());
        line.LegendText = o.Method;
        var best = score.Add.VerticalLine(o.Best);
        best.LegendText = Invariant($"BEST {o.Best:0.#####} A");
        score.Add.VerticalLine(o.Low).LinePattern = ScottPlot.LinePattern.Dashed;
        score.Add.VerticalLine(o.High).LinePattern = ScottPlot.LinePattern.Dashed;
        score.Title(Invariant($"Map 2 pixel size on map 1's scale ({o.Method}): range {o.Low:0.#####} - {o.High:0.#####} A"));
        score.XLabel("Candidate pixel size of map 2 (A)");
        score.YLabel(o.ScoreName);
        score.ShowLegend();
        Save(score, scorePng);

        var fsc = new ScottPlot.Plot();
        double[] freq = Enumerable.Range(0, shells).Select(i => o.After.Frequency[i]).ToArray();
        fsc.Add.Scatter(freq, o.Before.Fsc.Take(shells).ToArray()).LegendText = Invariant($"nominal {o.NominalPixelSize:0.#####} A ({o.Before.ResolutionAt(0.143):0.##} A at 0.143)");
        fsc.Add.Scatter(freq, o.After.Fsc.Take(shells).ToArray()).LegendText = Invariant($"BEST {o.Best:0.#####} A ({o.After.ResolutionAt(0.143):0.##} A at 0.143)");
        fsc.Add.HorizontalLine(0.143).LinePattern = ScottPlot.LinePattern.Dotted;
        fsc.Add.HorizontalLine(0.5).LinePattern = ScottPlot.LinePattern.Dotted;
        fsc.Title(o.Method == "fit" ? "Masked FSC between the maps, before and after" : "FSC between the maps (whole box), before and after");
        fsc.XLabel("Spatial frequency (1/A)");
        fsc.YLabel("FSC");
        fsc.ShowLegend();
        Save(fsc, fscPng);
        return [scorePng, scoreCsv, fscPng, fscCsv];
    }

    private static void Save(ScottPlot.Plot plot, string path)
    {
        string temporary = OutputFiles.TemporaryPathFor(path) + ".png";
        try
        {
            plot.SavePng(temporary, 900, 600);
            OutputFiles.Commit(temporary, path);
        }
        catch
        {
            OutputFiles.Discard(temporary);
            throw;
        }
    }

    private static string Invariant(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
