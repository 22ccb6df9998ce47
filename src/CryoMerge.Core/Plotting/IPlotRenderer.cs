using CryoMerge.Core.Analysis;
using CryoMerge.Core.Assessment;

namespace CryoMerge.Core.Plotting;

// Above Analysis and Assessment: it draws the results of both, and neither needs to know it.
/// <summary>Draws plots as PNG files (implemented outside Core, which stays free of graphics).</summary>
public interface IPlotRenderer
{
    /// <summary>Draws the score and FSC plots of <paramref name="data"/> into <paramref name="directory"/>; returns the
    /// PNG paths.</summary>
    IReadOnlyList<string> PixelSize(string directory, string prefix, PixelSizePlotData data);

    /// <summary>
    /// Draws the assessment's plots (FSC curves, agreement between maps, Rosenthal-Henderson) into
    /// <paramref name="directory"/>; returns the PNG paths (none by default).
    /// </summary>
    IReadOnlyList<string> Assessment(string directory, AssessmentReport report) => [];
}
