using CryoMerge.Core.Plotting;
using System.Globalization;
using CryoMerge.Core;
using CryoMerge.Core.Analysis;

namespace CryoMerge.Plots;

/// <summary>
/// PNG plots with ScottPlot, headless (SkiaSharp without system fonts or X): 900 x 600, written atomically. Every
/// number in a legend is the one the merge's summary gives (<see cref="PixelSizePlotData"/> makes the legends).
/// </summary>
public sealed partial class ScottPlotRenderer : IPlotRenderer
{
    public IReadOnlyList<string> PixelSize(string directory, string prefix, PixelSizePlotData o)
    {
        string scorePng = PixelSizePlotData.PathOf(directory, prefix, PixelSizePlotData.ScoreStem, ".png");
        string fscPng = PixelSizePlotData.PathOf(directory, prefix, PixelSizePlotData.FscStem, ".png");
        Save(ScorePlot(prefix, o), scorePng);
        Save(FscPlot(prefix, o), fscPng);
        return [scorePng, fscPng];
    }

    /// <summary>
    /// The score against candidate pixel size (the paper's Fig. 6a), with BEST, its range, the nominal pixel size and a
    /// pixel size the plan gives as lines in the legend; one far outside the profile's span (the nominal usually is) is
    /// named in the legend with how far off it lies, so that the peak stays readable.
    /// </summary>
    private static ScottPlot.Plot ScorePlot(string prefix, PixelSizePlotData o)
    {
        var plot = new ScottPlot.Plot();
        double[] xs = o.Profile.Select(p => p.PixelSize).ToArray();
        var line = plot.Add.Scatter(xs, o.Profile.Select(p => p.Correlation).ToArray());
        line.LegendText = o.Method == "fit"
            ? "score at each candidate (rotation and shift re-fitted)" : "score at each candidate";
        var best = plot.Add.VerticalLine(o.Best, 2f, ScottPlot.Colors.OrangeRed);
        best.LegendText = o.BestLegend;
        var low = plot.Add.VerticalLine(o.Low, 1.5f, ScottPlot.Colors.OrangeRed);
        low.LinePattern = ScottPlot.LinePattern.Dashed;
        low.LegendText = o.RangeLegend;
        var high = plot.Add.VerticalLine(o.High, 1.5f, ScottPlot.Colors.OrangeRed);
        high.LinePattern = ScottPlot.LinePattern.Dashed;
        double span = xs.Length == 0 ? 0 : xs.Max() - xs.Min();
        Mark(plot, o.NominalPixelSize, o.NominalLegend, ScottPlot.Colors.Gray, xs, span);
        if (o.UsedPixelSize is double used) Mark(plot, used, o.UsedLegend!, ScottPlot.Colors.Purple, xs, span);
        string title = prefix.Length > 0 ? prefix + ": " : "";
        string whose = o.Reference is null ? "the reference" : o.Reference + "'s";
        plot.Title(Invariant($"{title}pixel size on {whose} scale ({o.Method})"));
        plot.XLabel("Candidate pixel size (A)");
        plot.YLabel(o.ScoreName);
        plot.ShowLegend(ScottPlot.Alignment.LowerCenter);
        return plot;
    }

    /// <summary>A pixel size as a line, or only in the legend when it lies more than a span beyond the profile.
    /// </summary>
    private static void Mark(ScottPlot.Plot plot, double value, string legend, ScottPlot.Color color,
        double[] xs, double span)
    {
        if (xs.Length > 0 && value >= xs.Min() - span && value <= xs.Max() + span)
        {
            var line = plot.Add.VerticalLine(value, 1.5f, color);
            line.LinePattern = ScottPlot.LinePattern.Dotted;
            line.LegendText = legend;
            return;
        }
        plot.Legend.ManualItems.Add(new ScottPlot.LegendItem
        {
            LabelText = legend + ", off this axis",
            LineColor = color,
            LineWidth = 1.5f,
            LinePattern = ScottPlot.LinePattern.Dotted,
        });
    }

    /// <summary>
    /// The FSC of the two maps with map 2 at the nominal and at the found pixel size (the paper's Fig. 3b), under a
    /// soft sphere around the particle and corrected for that mask as relion_postprocess does, so that the curves
    /// fall to about zero beyond what the maps share.
    /// </summary>
    private static ScottPlot.Plot FscPlot(string prefix, PixelSizePlotData o)
    {
        var plot = new ScottPlot.Plot();
        int shells = Math.Min(o.Before.ShellCount, o.After.ShellCount);
        double[] freq = Enumerable.Range(0, shells).Select(i => o.After.Frequency[i]).ToArray();
        plot.Add.Scatter(freq, o.Before.Fsc.Take(shells).ToArray()).LegendText =
            o.FscBeforeLegend;
        plot.Add.Scatter(freq, o.After.Fsc.Take(shells).ToArray()).LegendText =
            o.FscAfterLegend;
        foreach (double t in PixelSizePlotData.FscThresholds)
        {
            var line = plot.Add.HorizontalLine(t, 1f, ScottPlot.Colors.Gray);
            line.LinePattern = ScottPlot.LinePattern.Dotted;
        }
        string title = prefix.Length > 0 ? prefix + ": " : "";
        plot.Title(title + (o.Method == "fit"
            ? "FSC of the two maps, before and after\n"
                + "(soft sphere around the particle, corrected for the mask as relion_postprocess does)"
            : "FSC between the maps (whole box), before and after"));
        plot.XLabel("Spatial frequency (1/A); resolution = 1 / frequency");
        plot.YLabel("FSC");
        plot.ShowLegend(ScottPlot.Alignment.LowerLeft);
        return plot;
    }

    /// <summary>Draws a small plot in memory: loads SkiaSharp and its fonts, so that the first real plot does not.
    /// </summary>
    public static void Warm()
    {
        var plot = new ScottPlot.Plot();
        plot.Add.Scatter(new double[] { 0, 1 }, new double[] { 0, 1 }).LegendText = "warm";
        plot.Title("warm");
        plot.ShowLegend();
        plot.GetImageBytes(120, 80, ScottPlot.ImageFormat.Png);
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
