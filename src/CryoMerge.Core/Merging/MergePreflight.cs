using CryoMerge.Core.Formats;
using CryoMerge.Core.Merging.Stages;

namespace CryoMerge.Core.Merging;

/// <summary>
/// Checks, before any work starts, everything a merge will need: STAR files parse, listed micrographs exist,
/// maps open as MRC, pixel sizes are known or can be found, the output folder can be written. The first problem
/// is a <see cref="CryoMergeInputException"/> naming the file.
/// </summary>
public static class MergePreflight
{
    public static void Check(MergePlan plan)
    {
        CheckInputs(plan);
        CheckOutput(plan);
    }

    /// <summary>The inputs only: reads them, writes nothing (what <c>Stages.MergeDryRun</c> needs).</summary>
    public static void CheckInputs(MergePlan plan)
    {
        foreach (var set in plan.DataSets)
        {
            if (set.ParticlesFromCryosparc) MergePlanCryosparc.Preflight(set, plan.Method);
            else if (PixelSizes.DataBlock(StarFile.Read(set.Particles!))?.Table is not { RowCount: > 0 })
                throw new CryoMergeInputException(set.Particles!, "has no particle rows");
            if (plan.Method != MergeMethod.Relabel) MicrographList.Read(set.Micrographs!);
            foreach (var map in new[] { set.Map, set.HalfMap2 })
            {
                if (map is null) continue;
                using var mrc = MrcFile.Open(map);
                if (mrc.Kind is not (MrcKind.Volume)) throw new CryoMergeInputException(map,
                    $"is not a map (a {mrc.Kind} of {mrc.Shape})");
                if (mrc.PixelSize.X <= 0 && set.NominalPixelSize is null && set.PixelSize is null)
                    throw new CryoMergeInputException(map,
                        $"has no pixel size in its header; give datasets[{set.Name}].nominalPixelSize");
            }
        }
    }

    /// <summary>The output folder can be written: creates it and writes and deletes a file there.</summary>
    public static void CheckOutput(MergePlan plan)
    {
        try
        {
            Directory.CreateDirectory(plan.Output);
            string probe = Path.Combine(plan.Output, $".write-test-{Guid.NewGuid():N}");
            File.WriteAllText(probe, "");
            File.Delete(probe);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CryoMergeInputException(plan.Output, $"output folder cannot be written: {e.Message}");
        }
    }
}
