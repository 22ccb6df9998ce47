using CryoMerge.Core.Formats;

namespace CryoMerge.Core.Merging;

/// <summary>
/// File to file conversions between cryoSPARC .cs and RELION STAR particle files (<c>cryomerge convert</c> and the
/// merge's .cs inputs and outputs): read, convert (<see cref="CryosparcToRelion"/>, <see cref="RelionToCryosparc"/>),
/// write atomically. RELION 3.0 files are brought to 3.1 first, as the join does.
/// </summary>
public static class CryosparcConversion
{
    /// <summary>True for names that a conversion treats as cryoSPARC datasets.</summary>
    public static bool IsCryosparc(string path) => path.EndsWith(".cs", StringComparison.OrdinalIgnoreCase);

    public static CryosparcImportReport ToStar(string csPath, string starPath, CryosparcImportOptions? options = null)
    {
        OutputFiles.EnsureNotInput(starPath, csPath);
        var cs = CryosparcFile.Read(csPath);
        var (star, report) = CryosparcToRelion.Convert(cs, options);
        star.Write(starPath);
        return report;
    }

    public static CryosparcExportReport ToCryosparc(string starPath, string csPath,
        CryosparcExportOptions? options = null)
    {
        OutputFiles.EnsureNotInput(csPath, starPath);
        var set = StarDataSet.Read(starPath);
        var notes = new List<string>();
        if (set.Generation == StarGeneration.Relion30)
        {
            set = Relion30Conversion.ToRelion31(set, notes);
            notes.Insert(0, "converted from RELION 3.0 as RELION's converter does");
        }
        var (data, report) = RelionToCryosparc.Convert(set.File, starPath, csPath, options);
        data.Write(csPath);
        return report with { Notes = [.. notes, .. report.Notes] };
    }
}
