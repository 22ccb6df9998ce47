namespace CryoMerge.Core.Formats;

/// <summary>
/// File names in cryoSPARC datasets and what they are relative to. A job's .cs file names stacks and micrographs
/// relative to the cryoSPARC project folder ("J19/extract/..._particles.mrc"); an exported job or result group
/// prefixes every name with '>' to say "relative to the folder of this .cs file" (cryoSPARC removes the '>' when it
/// imports the export again; pyem issues 50 and 102). Names can also be absolute.
/// </summary>
public static class CryosparcPaths
{
    /// <summary>The '>' prefix of exported datasets.</summary>
    public const char ExportPrefix = '>';

    /// <summary>
    /// The name RELION should use for a cryoSPARC name: '>' names joined to <paramref name="exportDirectory"/>,
    /// relative names joined to <paramref name="projectDirectory"/> when one is given (else kept relative to the
    /// cryoSPARC project, which RELION then has to run from), absolute names kept.
    /// </summary>
    public static string ToRelion(string name, string? projectDirectory, string? exportDirectory)
    {
        if (name.Length > 0 && name[0] == ExportPrefix)
        {
            string rest = name[1..];
            return exportDirectory is null or "" || Path.IsPathRooted(rest) ? rest : Path.Combine(exportDirectory,
                rest);
        }
        if (Path.IsPathRooted(name) || projectDirectory is null or "") return name;
        return Path.Combine(projectDirectory, name);
    }

    /// <summary>
    /// The name a .cs file at <paramref name="csPath"/> should give a file: '>' plus the path relative to the .cs
    /// file's folder when the file lies inside that folder (cryoSPARC's export form, so the folder can be moved or
    /// imported as a whole), else the absolute path.
    /// </summary>
    public static string FromFile(string file, string csPath)
    {
        string full = Path.GetFullPath(file);
        string folder = Path.GetDirectoryName(Path.GetFullPath(csPath)) ?? "/";
        string relative = Path.GetRelativePath(folder, full);
        bool inside = !Path.IsPathRooted(relative) && relative != ".." && !relative.StartsWith(".."
            + Path.DirectorySeparatorChar, StringComparison.Ordinal);
        return inside ? ExportPrefix + relative : full;
    }

    /// <summary>
    /// The cryoSPARC project folder to assume for a .cs file when none is given: the folder above the job folder
    /// the file sits in ("P12/J24/particles.cs" gives "P12"), else the file's own folder.
    /// </summary>
    public static string GuessProjectDirectory(string csPath)
    {
        string folder = Path.GetDirectoryName(Path.GetFullPath(csPath)) ?? ".";
        string job = Path.GetFileName(folder);
        bool isJob = job.Length > 1 && job[0] == 'J' && job[1..].All(char.IsAsciiDigit);
        return isJob ? Path.GetDirectoryName(folder) ?? folder : folder;
    }
}
