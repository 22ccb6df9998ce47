using System.Text;

namespace CryoMerge.Core.Formats;

/// <summary>Box size and dimensionality of a particle image, read from its header.</summary>
public sealed record ImageHeaderInfo(int Size, int Dimensionality);

/// <summary>
/// RELION 3.0 to 3.1 conversion as RELION's own converter does it (<c>StarConverter::convert_3p0_particlesTo_3p1</c>,
/// 3.1.3 src/jaz/io/star_converter.cpp): optics groups are the distinct combinations of amplitude contrast, beam
/// tilt, Cs, voltage, detector pixel size and magnification in order of first appearance, named opticsGroupN; the
/// pixel size becomes rlnImagePixelSize (particles) or rlnMicrographPixelSize and rlnMicrographOriginalPixelSize
/// (micrographs, movies); origins in pixels become origins in Angstrom; image size and dimensionality come from the
/// header of the first image of each group. Unlike RELION, rlnPixelSize (older files) also counts as a pixel size.
/// </summary>
public static class Relion30Conversion
{
    /// <summary>The version RELION 3.1 writes.</summary>
    public const int Version31 = 30001;

    // RELION's order (star_converter.cpp l.40-48), then the older per-row pixel size.
    private static readonly string[] OpticsLabels =
    [
        RelionLabels.AmplitudeContrast, RelionLabels.BeamTiltX, RelionLabels.BeamTiltY,
            RelionLabels.SphericalAberration,
        RelionLabels.Voltage, RelionLabels.DetectorPixelSize, RelionLabels.Magnification, RelionLabels.LegacyPixelSize,
    ];

    private static readonly (string Pixels, string Angstrom)[] Offsets =
    [
        (RelionLabels.OriginX, RelionLabels.OriginXAngst), (RelionLabels.OriginY, RelionLabels.OriginYAngst),
        (RelionLabels.OriginZ, RelionLabels.OriginZAngst), (RelionLabels.OriginXPrior, RelionLabels.OriginXPriorAngst),
        (RelionLabels.OriginYPrior, RelionLabels.OriginYPriorAngst), (RelionLabels.OriginZPrior,
        RelionLabels.OriginZPriorAngst),
        (RelionLabels.HelicalTrackLength, RelionLabels.HelicalTrackLengthAngst),
    ];

    /// <summary>
    /// A RELION 3.1 copy of a 3.0 data set. <paramref name="imageHeader"/> reads an image's box size for
    /// rlnImageSize (by default from the file the first image of each group names, resolved as RELION would);
    /// when it cannot, the column is left out and a warning says so, as RELION does. The data table of
    /// <paramref name="set"/> is converted in place, so <paramref name="set"/> must not be used afterwards.
    /// </summary>
    public static StarDataSet ToRelion31(StarDataSet set, List<string> warnings, Func<string,
        ImageHeaderInfo?>? imageHeader = null)
    {
        if (set.Generation != StarGeneration.Relion30) return set;
        if (set.Kind == StarDataKind.Coordinates)
            throw new CryoMergeInputException(set.Path,
                "a coordinate file has no optics to convert; convert the particle or micrograph file instead");
        var table = set.Data;
        var present = OpticsLabels.Where(table.Has).ToArray();
        bool magDet = table.Has(RelionLabels.Magnification) && table.Has(RelionLabels.DetectorPixelSize);
        if (!magDet && !table.Has(RelionLabels.LegacyPixelSize))
            throw new CryoMergeInputException(set.Path,
                $"RELION 3.0 file without a pixel size (_{RelionLabels.Magnification} and " +
                $"_{RelionLabels.DetectorPixelSize}, or _{RelionLabels.LegacyPixelSize}); cannot make optics groups");

        // Group rows by the values (as numbers) of the optics labels.
        var columns = present.Select(table.Column).ToArray();
        var keys = new Dictionary<string, int>(StringComparer.Ordinal);
        var firstRow = new List<int>();
        var groupOfRow = new int[table.RowCount];
        var key = new StringBuilder();
        for (int r = 0; r < groupOfRow.Length; r++)
        {
            key.Clear();
            foreach (var c in columns) key.Append(set.Number(c, r, set.DataBlock.Name).ToString("R")).Append('|');
            string k = key.ToString();
            if (!keys.TryGetValue(k, out int g))
            {
                g = firstRow.Count;
                keys[k] = g;
                firstRow.Add(r);
            }
            groupOfRow[r] = g;
        }
        var pixel = firstRow.Select(r => magDet
            ? 10000.0 * set.Positive(table.Column(RelionLabels.DetectorPixelSize), r,
                set.DataBlock.Name) / set.Positive(table.Column(RelionLabels.Magnification), r, set.DataBlock.Name)
            : set.Positive(table.Column(RelionLabels.LegacyPixelSize), r, set.DataBlock.Name)).ToArray();

        var opticsColumns = new List<(string, Func<int, string>)>
        {
            (RelionLabels.OpticsGroup, g => (g + 1).ToString()),
            (RelionLabels.OpticsGroupName, g => $"opticsGroup{g + 1}"),
        };
        foreach (var label in present.Where(l => l is not (RelionLabels.DetectorPixelSize or RelionLabels.Magnification
            or RelionLabels.LegacyPixelSize)))
            opticsColumns.Add((label, g => table.Column(label).Raw(firstRow[g])));
        if (set.Kind == StarDataKind.Particles)
        {
            opticsColumns.Add((RelionLabels.ImagePixelSize, g => StarValues.FormatDouble(pixel[g])));
            if (ImageSizes(set, firstRow, warnings, imageHeader) is { } sizes)
            {
                opticsColumns.Add((RelionLabels.ImageSize, g => sizes[g].Size.ToString()));
                opticsColumns.Add((RelionLabels.ImageDimensionality, g => sizes[g].Dimensionality.ToString()));
            }
        }
        else
        {
            opticsColumns.Add((RelionLabels.MicrographPixelSize, g => StarValues.FormatDouble(pixel[g])));
            opticsColumns.Add((RelionLabels.MicrographOriginalPixelSize, g => StarValues.FormatDouble(pixel[g])));
        }
        var optics = TableBuilder.Create(firstRow.Count, opticsColumns);

        // The data table is converted in place: the input data set must not be used afterwards.
        var data = table;
        foreach (var label in present) data.RemoveColumn(label);
        data.AddColumn(RelionLabels.OpticsGroup, r => (groupOfRow[r] + 1).ToString());
        if (set.Kind == StarDataKind.Particles)
            foreach (var (px, angst) in Offsets)
            {
                int at = data.IndexOf(px);
                if (at < 0 || data.Has(angst)) continue;
                var source = data.Column(px);
                data.AddColumn(angst, r => StarValues.FormatDouble(set.Number(source, r,
                    set.DataBlock.Name) * pixel[groupOfRow[r]]), at);
                data.RemoveColumn(px);
            }

        var file = new StarFile { SourcePath = set.File.SourcePath };
        file.AddTableBlock("optics", optics, Version31);
        file.AddTableBlock(StarDataSet.TableName(set.Kind), data, Version31);
        return StarDataSet.Of(file, set.Path);
    }

    /// <summary>Reads the box size of a particle image from its MRC header, resolving its path as RELION
    /// does.</summary>
    public static ImageHeaderInfo? ReadImageHeader(string imageName, string? starPath)
    {
        string path;
        int? index;
        try { (index, path) = RelionPaths.SplitImageName(imageName); }
        catch (FormatException) { return null; }
        if (RelionPaths.Resolve(path, starPath) is not { } found) return null;
        try
        {
            using var mrc = MrcFile.Open(found, MrcReadOptions.Permissive);
            // "N@file" is one section of a stack (2-D), whatever the header says; a whole file is a volume when Z > 1.
            bool image = index is not null || mrc.Shape.Z == 1 || path.EndsWith(".mrcs",
                StringComparison.OrdinalIgnoreCase);
            return new ImageHeaderInfo(mrc.Shape.X, image ? 2 : 3);
        }
        catch (CryoMergeInputException) { return null; }
    }

    private static ImageHeaderInfo[]? ImageSizes(StarDataSet set, List<int> firstRow, List<string> warnings,
        Func<string, ImageHeaderInfo?>? imageHeader)
    {
        var names = set.Data.Column(RelionLabels.ImageName);
        imageHeader ??= name => ReadImageHeader(name, set.File.SourcePath ?? set.Path);
        var found = firstRow.Select(r => imageHeader(names.GetString(r))).ToArray();
        int missing = Array.FindIndex(found, f => f is null);
        if (missing < 0) return found!;
        warnings.Add(
            $"{set.Path}: converted from RELION 3.0 without _rlnImageSize because " +
            $"{names.GetString(firstRow[missing])} could not be opened; RELION's refinement needs it: fix the image " +
            $"paths and convert again");
        return null;
    }
}
