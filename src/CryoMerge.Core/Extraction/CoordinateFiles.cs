using System.Globalization;
using CryoMerge.Core.Formats;

namespace CryoMerge.Core.Extraction;

/// <summary>
/// RELION's per-micrograph coordinate files (R 3.1.3 <c>src/preprocessing.cpp</c> readCoordinates and
/// getCoordinateFileName): the file of micrograph M is coord_dir + (M after any "jobNNN/" folder, without its
/// extension) + suffix. A ".star" file is a table with rlnCoordinateX/Y (other columns are kept); a ".box" file
/// (EMAN) has x y w h per line, the centre being x + w/2, y + h/2 in integers; anything else is plain text with
/// x y per line (a first line without two integers is a header).
/// </summary>
public static class CoordinateFiles
{
    /// <summary>Where RELION looks for the coordinates of <paramref name="micrographName"/>.</summary>
    public static string PathFor(string micrographName, string directory, string suffix)
    {
        string post = RelionPaths.DecomposePipelineName(micrographName).Post;
        string dir = directory.Length == 0 || directory.EndsWith('/') ? directory : directory + "/";
        return dir + WithoutExtension(post) + suffix;
    }

    /// <summary>Reads one coordinate file into a table with at least rlnCoordinateX and rlnCoordinateY.</summary>
    public static StarTable Read(string path)
    {
        if (path.EndsWith(".star", StringComparison.OrdinalIgnoreCase))
        {
            var file = StarFile.Read(path);
            var block = file.Blocks.FirstOrDefault(b => b.Table is not null && b.Table.Has(RelionLabels.CoordinateX))
                ?? throw new CryoMergeInputException(path, "has no table with rlnCoordinateX and rlnCoordinateY");
            var table = block.Table!;
            if (!table.Has(RelionLabels.CoordinateY)) throw new CryoMergeInputException(path,
                "has rlnCoordinateX but no rlnCoordinateY");
            return table;
        }
        InputFiles.RequireRegularFile(path, "a coordinate file");
        var result = new StarTable();
        result.AddColumn(RelionLabels.CoordinateX, "");
        result.AddColumn(RelionLabels.CoordinateY, "");
        bool box = path.EndsWith(".box", StringComparison.OrdinalIgnoreCase);
        int lineNumber = 0;
        foreach (var line in File.ReadLines(path))
        {
            lineNumber++;
            var words = line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            if (words.Length == 0) continue;
            if (box)
            {
                if (words.Length < 4 || !TryInts(words, 4, out var v))
                    throw new CryoMergeInputException(path,
                        $"line {lineNumber}: a .box line needs four integers (x y width height)");
                result.AddRow(Text(v[0] + v[2] / 2), Text(v[1] + v[3] / 2));
            }
            else if (words.Length >= 2 && TryInts(words, 2, out var xy))
            {
                result.AddRow(Text(xy[0]), Text(xy[1]));
            }
            else if (lineNumber > 1 || result.RowCount > 0)
            {
                throw new CryoMergeInputException(path,
                    $"line {lineNumber}: expected two integer coordinates, found '{line.Trim()}'");
            }
        }
        return result;
    }

    private static bool TryInts(string[] words, int count, out int[] values)
    {
        values = new int[count];
        for (int i = 0; i < count; i++)
        {
            // RELION reads these with textToInteger / sscanf("%d"): a leading integer, decimals dropped.
            string w = words[i];
            int end = 0;
            if (end < w.Length && (w[end] == '-' || w[end] == '+')) end++;
            while (end < w.Length && char.IsAsciiDigit(w[end])) end++;
            if (!int.TryParse(w.AsSpan(0, end), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture,
                out values[i])) return false;
        }
        return true;
    }

    private static string Text(int v) => StarValues.FormatDouble(v);

    private static string WithoutExtension(string path)
    {
        int slash = path.LastIndexOf('/');
        int dot = path.LastIndexOf('.');
        return dot > slash ? path[..dot] : path;
    }
}
