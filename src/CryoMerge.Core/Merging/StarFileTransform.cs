using System.Globalization;
using CryoMerge.Core.Formats;

namespace CryoMerge.Core.Merging;

/// <summary>What a metadata operation (scale-ctf, relabel, rescale-particles) did to one file.</summary>
/// <param name="Input">The input file as named.</param>
/// <param name="Generation">Generation of the output (a 3.0 input relabelled by Method 3 comes out as 3.1).</param>
/// <param name="Rows">Rows of the data table.</param>
/// <param name="Relabel">Groups relabelled and columns rewritten.</param>
/// <param name="Warnings">Things the user should know; the output was written all the same.</param>
public sealed record MetadataChangeReport(string Input, StarGeneration Generation, StarDataKind Kind, int Rows,
    RelabelReport Relabel, IReadOnlyList<string> Warnings);

/// <summary>Read, check, change in memory, write atomically: the frame of every single-file metadata
/// operation.</summary>
public static class StarFileTransform
{
    /// <summary>
    /// Reads <paramref name="input"/>, applies <paramref name="change"/> and writes the result to
    /// <paramref name="output"/> (temporary name, then rename). Nothing is written when the input is refused, and the
    /// input is never written.
    /// </summary>
    public static T Run<T>(string input, string output, Func<StarDataSet, (StarFile Output, T Report)> change)
    {
        OutputFiles.EnsureNotInput(output, input);
        var set = StarDataSet.Read(input);
        var (file, report) = change(set);
        file.Write(output);
        return report;
    }

    /// <summary>A pixel size must be positive; the message names it in words.</summary>
    public static void RequirePositive(string file, double value, string what)
    {
        if (!(value > 0) || double.IsInfinity(value))
            throw new CryoMergeInputException(file, $"{what} must be a positive pixel size in A, not {Format(value)}");
    }

    /// <summary>Refuses a change from a pixel size to (practically) the same one.</summary>
    public static void RequireDifferent(string file, double oldPixel, double newPixel, string what)
    {
        if (Math.Abs(newPixel / oldPixel - 1) < 1e-9)
            throw new CryoMergeInputException(file,
                $"{what} are equal ({Format(oldPixel)} A): there is nothing to change");
    }

    /// <summary>
    /// The pixel sizes a file states (every optics-table pixel-size column, or the 3.0 rows' 10000 x detector pixel /
    /// magnification and rlnPixelSize), distinct, for checking a user's value against them.
    /// </summary>
    public static IReadOnlyList<double> StatedPixelSizes(StarDataSet set)
    {
        var values = new SortedSet<double>();
        if (set.Optics is { } optics)
        {
            foreach (var c in optics.Columns.Where(c => RelionLabels.DependenceOf(c.Name) == PixelDependence.PixelSize))
                for (int r = 0; r < c.Count; r++) if (c.TryGetDouble(r,
                    out double v) && v > 0) values.Add(Math.Round(v, 6));
            return values.ToList();
        }
        var table = set.Data;
        for (int r = 0; r < table.RowCount && values.Count < 16; r++)
            if (PixelSizes.FromRelion30Row(table, r) is { } answer) values.Add(Math.Round(answer.Value, 6));
        return values.ToList();
    }

    /// <summary>A warning when none of the file's pixel sizes is <paramref name="pixel"/>; null when one is, or the
    /// file states none.</summary>
    public static string? PixelMismatch(StarDataSet set, double pixel, string what)
    {
        var stated = StatedPixelSizes(set);
        if (stated.Count == 0 || stated.Any(p => Math.Abs(p - pixel) <= 1e-3 * pixel)) return null;
        return $"{set.Path}: {what} is {Format(pixel)} A but the file's pixel sizes are " +
            $"{string.Join(", ", stated.Select(Format))} A; all are scaled by the same ratio";
    }

    public static string Format(double value) => value.ToString("0.######", CultureInfo.InvariantCulture);
}
