namespace CryoMerge.Core;

/// <summary>
/// Removes temporary files (<see cref="OutputFiles.TemporarySuffix"/>) that a writer known to be dead left behind: a
/// work item interrupted by the crash of its node. A temporary file whose writer may still be running, or whose name
/// names no writer (a command run by hand), is never touched: deleting it would break a write under way.
/// </summary>
public static class TemporaryFileSweep
{
    /// <summary>
    /// Deletes under <paramref name="folder"/> (recursively) the temporary files whose writer
    /// <paramref name="isDeadWriter"/> declares dead; returns how many it deleted. Never throws for a file that
    /// vanishes meanwhile or cannot be deleted.
    /// </summary>
    public static int DeleteLeftovers(string folder, Func<string, bool> isDeadWriter)
    {
        if (!Directory.Exists(folder)) return 0;
        int deleted = 0;
        var options = new EnumerationOptions
        {
            RecurseSubdirectories = true, AttributesToSkip = 0, IgnoreInaccessible = true,
        };
        foreach (var file in Directory.EnumerateFiles(folder, "*" + OutputFiles.TemporarySuffix + "*", options))
        {
            if (WriterOf(Path.GetFileName(file)) is not { } writer || !isDeadWriter(writer)) continue;
            try
            {
                File.Delete(file);
                deleted++;
            }
            catch (IOException) { }
            catch (UnauthorizedAccessException) { }
        }
        return deleted;
    }

    /// <summary>
    /// The writer named in a temporary file's name (<c>.NAME.GUID.WRITER.cryomerge-tmp...</c>), or null when the name
    /// names none (written outside a work item) or is not a temporary name.
    /// </summary>
    public static string? WriterOf(string fileName)
    {
        int end = fileName.LastIndexOf(OutputFiles.TemporarySuffix, StringComparison.Ordinal);
        if (end <= 0) return null;
        var parts = fileName[..end].Split('.');
        if (parts.Length < 3) return null;
        string last = parts[^1], before = parts[^2];
        return IsGuid(before) && !IsGuid(last) && last.Length > 0 ? last : null;
    }

    /// <summary>
    /// A writer token that is safe in a file name and has no '.' (the separator of the temporary name's parts).
    /// </summary>
    public static string SafeWriter(string writer)
    {
        var chars = writer.ToCharArray();
        for (int i = 0; i < chars.Length; i++)
            if (!(char.IsAsciiLetterOrDigit(chars[i]) || chars[i] is '-' or '_')) chars[i] = '_';
        return new string(chars);
    }

    private static bool IsGuid(string part) => part.Length == 32 && part.All(char.IsAsciiHexDigitLower);
}
