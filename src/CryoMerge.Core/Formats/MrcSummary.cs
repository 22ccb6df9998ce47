using CryoMerge.Core.Imaging;

namespace CryoMerge.Core.Formats;

/// <summary>What <c>cryomerge info</c> reports about an MRC file.</summary>
public sealed record MrcSummary(
    string Path,
    MrcKind Kind,
    Shape3 Shape,
    Shape3 FileShape,
    int Mode,
    bool BigEndian,
    Vector3d PixelSize,
    Vector3d Origin,
    (int X, int Y, int Z) Start,
    (int C, int R, int S) AxisOrder,
    int SpaceGroup,
    int NVersion,
    bool HasMapId,
    ImageStatistics? Statistics,
    MrcHeader Header,
    IReadOnlyList<string> Findings)
{
    /// <summary>Reads the header and, unless <paramref name="computeStatistics"/> is false, one pass over the data.</summary>
    public static MrcSummary Of(MrcFile mrc, bool computeStatistics = true)
    {
        var h = mrc.Header;
        return new MrcSummary(mrc.Path, mrc.Kind, mrc.Shape, new Shape3(h.Nx, h.Ny, h.Nz), h.Mode, mrc.IsBigEndian,
            mrc.PixelSize, mrc.Origin, mrc.Start, (h.MapC, h.MapR, h.MapS), h.Ispg, h.NVersion, h.HasMapId,
            computeStatistics ? StatisticsOf(mrc) : null, h, mrc.Findings);
    }

    /// <summary>Statistics of every voxel, sections read in parallel and combined in order (deterministic).</summary>
    public static ImageStatistics StatisticsOf(MrcFile mrc)
    {
        var perSection = new ImageStatistics[mrc.SectionCount];
        Parallel.For(0, mrc.SectionCount, () => new float[mrc.Shape.SectionCount], (z, _, buffer) =>
        {
            mrc.ReadSection(z, buffer);
            perSection[z] = ImageStatistics.Of(buffer);
            return buffer;
        }, _ => { });
        var total = ImageStatistics.Empty;
        foreach (var s in perSection) total = total.Combine(s);
        return total;
    }
}
