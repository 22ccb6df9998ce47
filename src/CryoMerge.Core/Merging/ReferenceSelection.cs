using System.Globalization;
using CryoMerge.Core.Analysis;

namespace CryoMerge.Core.Merging;

/// <summary>
/// The reference of a merge when the plan names none: the data set with the highest-resolution map, because every
/// other data set's scale is fitted against its map and the finest detail pins a scale best. Ties go to the earlier
/// data set.
/// </summary>
public static class ReferenceSelection
{
    /// <summary>The reference and a sentence saying why, for the summary.</summary>
    /// <param name="candidates">Data sets with a map, in plan order, with their map's resolution when it could be
    /// found.</param>
    public static (string Reference, string Reason) Choose(
        IReadOnlyList<(string Name, MapResolutionEstimate? Estimate)> candidates)
    {
        if (candidates.Count == 0) throw new ArgumentException("no data set with a map", nameof(candidates));
        var ranked = candidates.Select((c, i) => (c.Name, c.Estimate, Order: i)).Where(c => c.Estimate is not null)
            .OrderBy(c => c.Estimate!.Resolution).ThenBy(c => c.Order).ToList();
        if (ranked.Count == 0)
            return (candidates[0].Name, "the first data set with a map: no map's resolution could be measured (a "
                + "masked map has no solvent to take its noise from); give each data set's resolution in the plan, or "
                + "its half maps");
        bool oneMethod = ranked.Select(c => c.Estimate!.Source).Distinct().Count() == 1;
        string list = string.Join(", ", ranked.Select(c => string.Create(CultureInfo.InvariantCulture,
            $"{c.Name} {c.Estimate!.Resolution:0.##} A{(oneMethod ? "" : $" ({c.Estimate.Method})")}")));
        var unknown = candidates.Where(c => c.Estimate is null).Select(c => c.Name).ToList();
        string reason = $"the highest-resolution map: {list}"
            + (oneMethod ? $" ({ranked[0].Estimate!.Method})" : "")
            + (unknown.Count > 0 ? $"; not measurable: {string.Join(", ", unknown)}" : "");
        return (ranked[0].Name, reason);
    }
}
