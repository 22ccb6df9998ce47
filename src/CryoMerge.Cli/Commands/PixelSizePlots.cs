using CryoMerge.Core.Analysis;
using CryoMerge.Plots;

namespace CryoMerge.Cli.Commands;

/// <summary>
/// The plots of <c>pixel-size --plot DIR</c>: the score against candidate pixel size (the paper's Fig. 6a) and the FSC
/// curves at the nominal and the best pixel size (Fig. 3b), each as a PNG with its numbers in a CSV beside it.
/// </summary>
internal static class PixelSizePlots
{
    public const string ScorePng = PixelSizePlotData.ScoreStem + ".png",
        ScoreCsv = PixelSizePlotData.ScoreStem + ".csv";
    public const string FscPng = PixelSizePlotData.FscStem + ".png", FscCsv = PixelSizePlotData.FscStem + ".csv";

    /// <summary>Writes the four files atomically; returns their paths.</summary>
    public static string[] Write(string directory, PixelSizeOutcome o)
    {
        var data = new PixelSizePlotData(o.Method, o.ScoreName, o.Best, o.Low, o.High, o.NominalPixelSize,
            o.Profile.Select(p => new ScaleProfilePoint(p.PixelSize, p.Score)).ToList(), o.Before, o.After);
        var csv = data.WriteCsv(directory);
        var png = new ScottPlotRenderer().PixelSize(directory, "", data);
        return [png[0], csv[0], png[1], csv[1]];
    }
}
