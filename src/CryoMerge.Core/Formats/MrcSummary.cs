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
    /// <summary>NaN or infinite values in the data (0 when statistics were not computed).</summary>
    public long NonFiniteValues { get; init; }

    /// <summary>The first section (image of a stack, Z slice of a map; from 1) with a NaN or infinite value.</summary>
    public int? FirstNonFiniteSection { get; init; }

    /// <summary>Reads the header and, unless <paramref name="computeStatistics"/> is false, one pass over the
    /// data.</summary>
    public static MrcSummary Of(MrcFile mrc, bool computeStatistics = true)
    {
        var h = mrc.Header;
        (ImageStatistics? statistics, long nonFinite, int? first) = (null, 0, null);
        if (computeStatistics) (statistics, nonFinite, first) = Scan(mrc);
        return new MrcSummary(mrc.Path, mrc.Kind, mrc.Shape, new Shape3(h.Nx, h.Ny, h.Nz), h.Mode, mrc.IsBigEndian,
            mrc.PixelSize, mrc.Origin, mrc.Start, (h.MapC, h.MapR, h.MapS), h.Ispg, h.NVersion, h.HasMapId,
            statistics, h, mrc.Findings)
        {
            NonFiniteValues = nonFinite,
            FirstNonFiniteSection = first,
        };
    }

    /// <summary>Statistics of every voxel, sections read in parallel and combined in order (deterministic).</summary>
    public static ImageStatistics StatisticsOf(MrcFile mrc) => Scan(mrc).Statistics;

    private static (ImageStatistics Statistics, long NonFinite, int? FirstSection) Scan(MrcFile mrc)
    {
        var perSection = new ImageStatistics[mrc.SectionCount];
        var nonFinite = new long[mrc.SectionCount];
        try
        {
            Parallel.For(0, mrc.SectionCount, () => new float[mrc.Shape.SectionCount], (z, _, buffer) =>
            {
                mrc.ReadSection(z, buffer);
                perSection[z] = ImageStatistics.Of(buffer);
                nonFinite[z] = Imaging.NonFiniteValues.Count(buffer);
                return buffer;
            }, _ => { });
        }
        catch (AggregateException e)
        {
            ParallelFailures.Rethrow(e);
        }
        var total = ImageStatistics.Empty;
        foreach (var s in perSection) total = total.Combine(s);
        int first = Array.FindIndex(nonFinite, n => n > 0);
        return (total, nonFinite.Sum(), first < 0 ? null : first + 1);
    }
}
