using CryoMerge.Core.Formats;

namespace CryoMerge.Core.Merging;

/// <summary>The plan keys for cryoSPARC data: a data set's <c>cryosparcProject</c> and the plan's
/// <c>outputFormat</c>.</summary>
internal static class MergePlanCryosparc
{
    /// <summary>
    /// The cryoSPARC project folder of a data set whose particles are a .cs file: as the plan gives it, else the
    /// folder above the job folder the .cs file is in (P12/J24/particles.cs gives P12). Null for STAR particles.
    /// </summary>
    public static string? Project(DataSetPlan set, string? resolvedProject, bool checkFiles, Action<string> fail)
    {
        if (!set.ParticlesFromCryosparc)
        {
            if (resolvedProject is not null) fail($"datasets[{set.Name}].cryosparcProject is given, but its particles "
                + $"are not a cryoSPARC .cs file");
            return null;
        }
        if (set.Micrographs is not null && CryosparcConversion.IsCryosparc(set.Micrographs))
            fail($"datasets[{set.Name}].micrographs: give the micrographs as a RELION STAR file "
                + $"(micrographs_ctf.star); cryoSPARC exposure files are not read yet");
        string project = resolvedProject ?? CryosparcPaths.GuessProjectDirectory(set.Particles!);
        if (checkFiles
            && !Directory.Exists(project)) fail($"datasets[{set.Name}].cryosparcProject: {project} is not a folder");
        return project;
    }

    /// <summary>star (default), cs or both; a .cs file needs merged particles, which method 1 does not write.</summary>
    public static MergeOutputFormat OutputFormat(string? value, MergeMethod method, Action<string> fail)
    {
        var format = value?.Trim().ToLowerInvariant() switch
        {
            null or "" or "star" => MergeOutputFormat.Star,
            "cs" => MergeOutputFormat.Cryosparc,
            "both" => MergeOutputFormat.Both,
            _ => (MergeOutputFormat?)null,
        };
        if (format is null) fail($"outputFormat must be star, cs or both, not '{value}'");
        if (format != MergeOutputFormat.Star && method == MergeMethod.RescaleMicrographs)
            fail("outputFormat cs and both need merged particles, which methods 2 and 3 write; method 1 rescales the "
                + "micrographs only");
        return format ?? MergeOutputFormat.Star;
    }

    /// <summary>
    /// Checks, before any work, that a .cs file holds what the method needs: particle images (blob/*) for method 3,
    /// particle locations (location/*) for method 2, which re-extracts them from the micrographs.
    /// </summary>
    public static void Preflight(DataSetPlan set, MergeMethod method)
    {
        var cs = CryosparcFile.Read(set.Particles!);
        if (cs.RowCount == 0) throw new CryoMergeInputException(set.Particles!, "holds no particles");
        if (cs.Kind is not (CryosparcDataKind.Particles or CryosparcDataKind.Picks))
            throw new CryoMergeInputException(set.Particles!,
                "holds neither particle images (blob/path) nor particle locations (location/*)");
        if (method == MergeMethod.Relabel && !cs.Has(CryosparcFields.BlobPath))
            throw new CryoMergeInputException(set.Particles!,
                "has no particle images (blob/path), which method 3 relabels; give the particles of an extraction or "
                    + "refinement job");
        if (method == MergeMethod.ReExtract && !cs.Has(CryosparcFields.LocationCenterX))
            throw new CryoMergeInputException(set.Particles!,
                "has no particle locations (location/*), which method 2 re-extracts from; give an exported .cs "
                + "(Export in the job's outputs) or one that includes the job's passthrough fields");
    }
}
