using System.Globalization;
using System.Text;

namespace CryoMerge.Core.Simulation;

/// <summary>The demo's merge plan (method 2), listing every data set it simulated.</summary>
public static class DemoPlan
{
    /// <summary>
    /// Two data sets: the README's plan, DS1 the reference. More: no reference is named, so the merge takes the data
    /// set with the highest-resolution map (DS1, whose map the demo makes finest) and checks the fitted scales of every
    /// pair around every cycle; each data set's microscope and truth are in a comment above it.
    /// </summary>
    public static string Yaml(DemoSettings s, IReadOnlyList<DemoDataSetSpec> specs, double diameter)
    {
        var c = CultureInfo.InvariantCulture;
        var text = new StringBuilder();
        if (specs.Count == 2)
        {
            text.Append(c, $"# Written by cryomerge demo: data set DS2 was recorded at {s.TruePixelSize} A/px ")
                .Append("on DS1's scale but processed\n")
                .Append(c, $"# at {s.NominalPixelSize} A/px. The merge finds its pixel size from the two maps and ")
                .Append("re-extracts it (method 2).\n");
        }
        else
        {
            int microscopes = specs.Select(d => d.Microscope).Distinct().Count();
            text.Append(c, $"# Written by cryomerge demo: {specs.Count} data sets of one specimen from {microscopes} ")
                .Append("microscopes, all but DS1 processed at\n")
                .Append("# nominal pixel sizes a few % off their true ones (on DS1's scale). No reference is named: ")
                .Append("the merge takes the\n")
                .Append("# data set with the highest-resolution map, fits every other's pixel size from the maps, ")
                .Append("against the reference\n")
                .Append("# and against each other, checks that the fitted scales agree around every cycle and ")
                .Append("re-extracts (method 2).\n");
        }
        text.Append("name: demo\noutput: merged\nmethod: 2\n");
        if (specs.Count == 2) text.Append(c, $"reference: {specs[0].Name}\n");
        text.Append(c, $"particleDiameter: {diameter:0.#}\n");
        text.Append(c, $"expectedResolution: {specs[0].MapResolution:0.##}\n");
        text.Append(c, $"extraction:\n  window: {s.Box}\n");
        if (s.Assess)
            text.Append("# Did the merge help? Half maps of each data set and of the merge at the particles' angles,\n")
                .Append("# their resolutions, the agreement between the data sets' maps and a verdict per data set\n")
                .Append("# added, best first.\n")
                .Append("assess:\n  ctf: true\n");
        text.Append("datasets:\n");
        foreach (var d in specs)
        {
            if (specs.Count > 2)
                text.Append(c, $"  # {d.Name}: true {d.TruePixelSize:0.####} A/px, ")
                    .Append(c, $"processed at {d.NominalPixelSize:0.####} A/px; {d.Microscope}; ")
                    .Append(c, $"defocus {d.DefocusMin:0}-{d.DefocusMax:0} A; map at {d.MapResolution:0.##} A\n");
            text.Append(c, $"  - name: {d.Name}\n");
            text.Append(c, $"    micrographs: {d.Name}/{SimulatedDataSet.MicrographsStarName}\n");
            text.Append(c, $"    particles: {d.Name}/{SimulatedDataSet.ParticlesStarName}\n");
            text.Append(c, $"    map: {d.Name}/map.mrc\n");
        }
        return text.ToString();
    }
}
