using CryoMerge.Core.Formats;

namespace CryoMerge.Core.Merging;

/// <summary>
/// A data set's particles given as a cryoSPARC .cs file, made into the STAR file the rest of the merge works with
/// (the merge's first stage calls it; every method then runs as for STAR input). Names become absolute (the
/// project folder in front, '>' names beside the .cs file), and the particles' micrograph names are replaced by the
/// names the data set's micrographs STAR file gives the same files, so that re-extraction finds them.
/// </summary>
public static class CryosparcMergeInput
{
    public const string StarName = "particles_from_cryosparc.star";

    /// <param name="Star">The STAR file written.</param>
    /// <param name="BlobSign">blob/sign of the particle images (-1: dark, cryoSPARC's raw contrast).</param>
    public sealed record Outcome(string Star, float BlobSign, IReadOnlyList<string> Notes);

    public static Outcome Convert(string csPath, string? project, string? micrographsStar, string outputFolder)
    {
        var cs = CryosparcFile.Read(csPath);
        string folder = Path.GetDirectoryName(Path.GetFullPath(csPath)) ?? ".";
        var (star, report) = CryosparcToRelion.Convert(cs, new CryosparcImportOptions(Path.GetFullPath(project
            ?? CryosparcPaths.GuessProjectDirectory(csPath)), folder));
        var notes = report.Notes.Where(n => !n.StartsWith("file names are relative",
            StringComparison.Ordinal)).ToList();
        if (micrographsStar is not null) MatchMicrographNames(star, micrographsStar, notes);
        string output = Path.Combine(outputFolder, StarName);
        OutputFiles.EnsureNotInput(output, csPath);
        star.Write(output);
        return new Outcome(output, report.BlobSign, notes);
    }

    /// <summary>
    /// Renames each particle's micrograph to the name the micrographs STAR file uses for the same file: the same
    /// file on disk, else the one micrograph of the same file name.
    /// </summary>
    private static void MatchMicrographNames(StarFile star, string micrographsStar, List<string> notes)
    {
        var particles = star.Block("particles").RequireTable();
        if (particles.TryColumn(RelionLabels.MicrographName) is not { } column) return;
        var mics = StarDataSet.Read(micrographsStar);
        var names = mics.RequireData(RelionLabels.MicrographName, "to match the particles' micrographs");
        var byPath = new Dictionary<string, string>(StringComparer.Ordinal);
        var byFile = new Dictionary<string, string?>(StringComparer.Ordinal);
        for (int r = 0; r < names.Count; r++)
        {
            string name = names.GetString(r);
            if (RelionPaths.Resolve(name, micrographsStar) is { } found) byPath.TryAdd(Path.GetFullPath(found), name);
            string file = Path.GetFileName(RelionPaths.StripTypeSuffix(name));
            byFile[file] = byFile.ContainsKey(file) ? null : name;
        }
        var renamed = new Dictionary<string, string?>(StringComparer.Ordinal);
        int unmatched = 0;
        column.SetAll(r =>
        {
            string name = column.GetString(r);
            if (!renamed.TryGetValue(name, out string? match))
            {
                match = File.Exists(name) && byPath.TryGetValue(Path.GetFullPath(name), out var same) ? same
                    : byFile.GetValueOrDefault(Path.GetFileName(name));
                renamed[name] = match;
                if (match is null) unmatched++;
            }
            return StarValues.Quote(match ?? name);
        });
        if (unmatched > 0)
            notes.Add($"{unmatched} of {renamed.Count} micrographs of the particles are not in {micrographsStar} "
                + $"(neither the same file nor the same file name); their particles cannot be re-extracted");
    }
}
