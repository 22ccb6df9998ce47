using System.Globalization;
using CryoMerge.Core;
using CryoMerge.Core.Analysis;

namespace CryoMerge.Plots;

/// <summary>PNG plots with ScottPlot, headless (SkiaSharp without system fonts or X): 900 x 600, written atomically.</summary>
public sealed class ScottPlotRenderer : IPlotRenderer
{
    public IReadOnlyList<string> PixelSize(string directory, string prefix, PixelSizePlotData o)
    {
        string scorePng = PixelSizePlotData.PathOf(directory, prefix, PixelSizePlotData.ScoreStem, ".png");
        string fscPng = PixelSizePlotData.PathOf(directory, prefix, PixelSizePlotData.FscStem, ".png");
        string title = prefix.Length > 0 ? prefix + ": " : "";

        var score = new ScottPlot.Plot();
        var line = score.Add.Scatter(o.Profile.Select(p => p.PixelSize).ToArray(), o.Profile.Select(p => p.Correlation).ToArray());
        line.LegendText = o.Method;
        var best = score.Add.VerticalLine(o.Best);
        best.LegendText = Invariant($"BEST {o.Best:0.#####} A");
        score.Add.VerticalLine(o.Low).LinePattern = ScottPlot.LinePattern.Dashed;
        score.Add.VerticalLine(o.High).LinePattern = ScottPlot.LinePattern.Dashed;
        score.Title(Invariant($"{title}pixel size on the reference's scale ({o.Method}): range {o.Low:0.#####} - {o.High:0.#####} A"));
        score.XLabel("Candidate pixel size (A)");
        score.YLabel(o.ScoreName);
        score.ShowLegend();
        Save(score, scorePng);

        var fsc = new ScottPlot.Plot();
        int shells = Math.Min(o.Before.ShellCount, o.After.ShellCount);
        double[] freq = Enumerable.Range(0, shells).Select(i => o.After.Frequency[i]).ToArray();
        fsc.Add.Scatter(freq, o.Before.Fsc.Take(shells).ToArray()).LegendText = Invariant($"nominal {o.NominalPixelSize:0.#####} A ({o.Before.ResolutionAt(0.143):0.##} A at 0.143)");
        fsc.Add.Scatter(freq, o.After.Fsc.Take(shells).ToArray()).LegendText = Invariant($"BEST {o.Best:0.#####} A ({o.After.ResolutionAt(0.143):0.##} A at 0.143)");
        fsc.Add.HorizontalLine(0.143).LinePattern = ScottPlot.LinePattern.Dotted;
        fsc.Add.HorizontalLine(0.5).LinePattern = ScottPlot.LinePattern.Dotted;
        fsc.Title(title + (o.Method == "fit" ? "Masked FSC between the maps, before and after" : "FSC between the maps (whole box), before and after"));
        fsc.XLabel("Spatial frequency (1/A)");
        fsc.YLabel("FSC");
        fsc.ShowLegend();
        Save(fsc, fscPng);
        return [scorePng, fscPng];
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
