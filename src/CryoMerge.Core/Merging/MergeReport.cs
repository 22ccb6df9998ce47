using System.Globalization;
using CryoMerge.Core.Merging.Pipeline;

namespace CryoMerge.Core.Merging;

/// <summary>The human summary of a finished merge, one line per fact.</summary>
public static class MergeReport
{
    public static IEnumerable<string> Lines(MergeState state)
    {
        var c = CultureInfo.InvariantCulture;
        foreach (var d in state.DataSets.Values)
        {
            string role = d.Name == state.Plan.Reference ? "reference" : "data set";
            string pixel = d.PixelSize is double p
                ? string.Create(c, $"pixel {p:0.####} A") + (d.PixelSizeLow is double lo && d.PixelSizeHigh is double hi ? string.Create(c, $" ({lo:0.####} - {hi:0.####})") : "")
                : "pixel unknown";
            string nominal = d.NominalPixelSize > 0 ? string.Create(c, $", nominal {d.NominalPixelSize:0.####} A") : "";
            string values = string.Join(", ", d.Values.Describe());
            yield return $"  {role} {d.Name}: {pixel}{nominal}{(d.ParticleCount > 0 ? $", {d.ParticleCount} particles" : "")}{(values.Length > 0 ? $"; {values}" : "")}";
        }
        foreach (var s in state.PairScales.Where(s => s.Source == PairScale.Fitted && s.From != state.Plan.Reference))
            yield return string.Create(c, $"  scale {s.From} -> {s.To}: {s.Ratio:0.######} ({s.Low:0.######} - {s.High:0.######}), {s.To}'s map fitted to {s.From}'s");
        foreach (var cycle in state.ScaleCycles) yield return $"  scale cycle {cycle.Describe()}";
        if (state.MergedParticles is not null) yield return $"  merged: {state.MergedParticleCount} particles in {state.MergedParticles}";
        if (state.MergedCryosparc is not null) yield return $"  merged for cryoSPARC: {state.MergedCryosparc}";
        foreach (var note in state.Notes) yield return $"  note: {note}";
    }
}
