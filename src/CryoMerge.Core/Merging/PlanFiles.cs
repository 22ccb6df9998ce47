using CryoMerge.Core.Extraction;
using CryoMerge.Core.Merging.Stages;

namespace CryoMerge.Core.Merging;

/// <summary>
/// Every file and folder a merge plan reads or writes: for the silo's data-root check, and for telling whether a
/// finished job's inputs are those it read.
/// </summary>
public static class PlanFiles
{
    /// <summary>
    /// Refuses the plan, naming the first path outside <paramref name="roots"/>: the files the plan names, its output
    /// folder, then the micrographs its micrograph STAR files list (read only once those files are known to be inside).
    /// </summary>
    public static void CheckWithin(MergePlan plan, DataRoots roots)
    {
        if (roots.IsUnrestricted) return;
        foreach (var (path, what) in Named(plan)) roots.Check(path, what);
        if (plan.Method == MergeMethod.Relabel) return;
        foreach (var set in plan.DataSets.Where(s => s.Micrographs is not null))
            foreach (var micrograph in MicrographList.Read(set.Micrographs!))
                roots.Check(micrograph.Path, $"micrograph {micrograph.NameInStar} of {set.Name}");
    }

    /// <summary>
    /// A fingerprint of the files the plan names as inputs, as they are now: each one's path, length and last write
    /// time. A finished job whose inputs' fingerprint differs from the one it started with is out of date.
    /// </summary>
    public static string InputStamps(MergePlan plan) => string.Join('\n', Named(plan)
        .Select(n => n.Path).Where(path => !(plan.Maps ?? []).Any(m => m.Output == path) && File.Exists(path))
        .Select(Path.GetFullPath).Distinct()
        .Select(path => (Path: path, Stamp: FileStamp.Of(path)))
        .Select(f => string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"{f.Path}\t{f.Stamp.Length}\t{f.Stamp.WriteTicks}")));

    /// <summary>
    /// The first input named in one fingerprint of <see cref="InputStamps"/> that differs in the other (changed,
    /// added or gone), or null when they are the same.
    /// </summary>
    public static string? ChangedInput(string before, string now)
    {
        if (before == now) return null;
        var old = before.Split('\n').ToHashSet();
        var current = now.Split('\n').ToHashSet();
        string? line = current.FirstOrDefault(l => !old.Contains(l)) ?? old.FirstOrDefault(l => !current.Contains(l));
        return line?.Split('\t')[0] ?? "an input";
    }

    private static IEnumerable<(string Path, string What)> Named(MergePlan plan)
    {
        yield return (plan.Output, "the output folder");
        foreach (var set in plan.DataSets)
        {
            if (set.Particles is { } particles) yield return (particles, $"the particles of {set.Name}");
            if (set.Micrographs is { } micrographs) yield return (micrographs, $"the micrographs of {set.Name}");
            if (set.Map is { } map) yield return (map, $"the map of {set.Name}");
            if (set.HalfMap2 is { } half) yield return (half, $"the second half map of {set.Name}");
            if (set.CryosparcProject is { } project)
                yield return (project, $"the cryoSPARC project folder of {set.Name}");
        }
        foreach (var map in plan.Maps ?? [])
        {
            yield return (map.Particles, $"the particles of map {map.Name}");
            yield return (map.Output, $"map {map.Name}");
        }
    }
}
