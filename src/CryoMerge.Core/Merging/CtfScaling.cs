using CryoMerge.Core.Formats;

namespace CryoMerge.Core.Merging;

/// <summary>A scale-ctf request: the pixel size the CTF was fitted with, the right one, and how defocus
/// follows.</summary>
public sealed record ScaleCtfRequest(double OldPixel, double NewPixel, DefocusOptions? Defocus = null);

/// <summary>
/// The paper's Method 2 step (i) for RELION 3.0 and 3.1+ micrograph and particle files: defocus U and V (and the
/// other pixel-size-dependent values) recomputed for a new pixel size without refitting the CTF; scale_ctf.sh
/// done right. Pixel sizes (optics table, or 3.0 magnification) follow, so the file states the new pixel size.
/// </summary>
public static class CtfScaling
{
    public static MetadataChangeReport ScaleCtfFile(string input, string output, ScaleCtfRequest request) =>
        StarFileTransform.Run(input, output, set => (set.File, ScaleCtf(set, request)));

    /// <summary>Changes the data set in memory.</summary>
    public static MetadataChangeReport ScaleCtf(StarDataSet set, ScaleCtfRequest request)
    {
        StarFileTransform.RequirePositive(set.Path, request.OldPixel, "the old pixel size");
        StarFileTransform.RequirePositive(set.Path, request.NewPixel, "the new pixel size");
        StarFileTransform.RequireDifferent(set.Path, request.OldPixel, request.NewPixel, "the old and new pixel sizes");
        if (set.Kind == StarDataKind.Coordinates)
            throw new CryoMergeInputException(set.Path,
                "is a coordinate file without CTF values; scale-ctf takes micrograph or particle files");
        set.RequireData(RelionLabels.DefocusU, "to rescale defocus");
        var defocus = request.Defocus ?? DefocusOptions.Default;
        if (defocus.Band?.Problem is { } problem) throw new CryoMergeInputException("", $"CTF fit band: {problem}");
        var warnings = new List<string>();
        if (StarFileTransform.PixelMismatch(set, request.OldPixel, "the old pixel size") is { } w) warnings.Add(w);
        var report = PixelRelabelling.RelabelAll(set, new PixelChange(request.OldPixel, request.NewPixel), defocus);
        return new MetadataChangeReport(set.Path, set.Generation, set.Kind, set.Data.RowCount, report, warnings);
    }
}
