using System.Globalization;
using System.Text.Json.Nodes;
using CryoMerge.Core.Merging;
using CryoMerge.Core.Merging.Pipeline;
using CryoMerge.Core.Simulation;
using CryoMerge.Grains;

namespace CryoMerge.Cli.Commands;

/// <summary>What the demo's merge found beside the truth it simulated, for every data set but the reference.</summary>
internal sealed class DemoTruth
{
    /// <param name="True">The true pixel size on the reference's scale (A): what the merge should find.</param>
    public sealed record Row(string Name, double True, double Nominal, double? Recovered, double? Low, double? High)
    {
        public double? ErrorPercent => Recovered is double p ? (p / True - 1) * 100 : null;

        public bool? Inside => Low is double lo && High is double hi ? lo <= True && True <= hi : null;
    }

    private DemoTruth(IReadOnlyList<Row> rows, IReadOnlyList<ScaleCycle> cycles)
    {
        Rows = rows;
        Cycles = cycles;
    }

    public IReadOnlyList<Row> Rows { get; }

    /// <summary>The merge's check of the fitted scales around every triangle of data sets (none for two).</summary>
    public IReadOnlyList<ScaleCycle> Cycles { get; }

    public static DemoTruth Compare(JobStatus status, DemoDataSets demo)
    {
        var state = status.Summary is null ? null : MergeState.FromJson(status.Summary);
        // Every true pixel size is on DS1's scale; the merge puts them on the reference's, trusted at its nominal size.
        string reference = state?.Plan.Reference ?? demo.DataSets[0].Name;
        var refSpec = demo.DataSets.Single(d => d.Name == reference).Spec;
        double toReferenceScale = refSpec.NominalPixelSize / refSpec.TruePixelSize;
        var rows = new List<Row>();
        foreach (var d in demo.DataSets.Where(d => d.Name != reference))
        {
            var found = state?.DataSets.GetValueOrDefault(d.Name);
            rows.Add(new Row(d.Name, d.Spec.TruePixelSize * toReferenceScale, d.Spec.NominalPixelSize,
                found?.PixelSize, found?.PixelSizeLow, found?.PixelSizeHigh));
        }
        return new DemoTruth(rows, state?.ScaleCycles ?? []);
    }

    /// <summary>
    /// DS2's truth at the top level (as the two-data-set demo has always reported it) and every data set's under
    /// "dataSets".
    /// </summary>
    public JsonObject ToJson()
    {
        var first = Rows.FirstOrDefault(r => r.Name == "DS2") ?? Rows[0];
        var o = Fields(first);
        var all = new JsonArray();
        foreach (var r in Rows)
        {
            var row = Fields(r);
            row.Insert(0, "name", r.Name);
            all.Add(row);
        }
        o["dataSets"] = all;
        if (Cycles.Count > 0)
            o["scaleCycles"] = new JsonObject { ["count"] = Cycles.Count, ["closing"] = Cycles.Count(c => c.Closes) };
        return o;
    }

    /// <summary>
    /// How many scale cycles close (more than two data sets), then one line per data set: "DS2 pixel size: true 1.3 A,
    /// nominal 1.261 A, recovered 1.29967 A (error -0.025 %, truth inside the range)".
    /// </summary>
    public IEnumerable<string> Lines()
    {
        if (Cycles.Count > 0)
            yield return $"scale cycles: {Cycles.Count(c => c.Closes)} of {Cycles.Count} close within their ranges";
        foreach (var r in Rows)
            if (r.Recovered is double p)
            {
                var c = CultureInfo.InvariantCulture;
                string inside = r.Inside == true ? "inside" : "OUTSIDE";
                yield return string.Create(c, $"{r.Name} pixel size: true {r.True:0.#####} A, ")
                    + string.Create(c, $"nominal {r.Nominal:0.#####} A, recovered {p:0.#####} A ")
                    + string.Create(c, $"(error {r.ErrorPercent:+0.####;-0.####} %, truth {inside} the range)");
            }
    }

    private static JsonObject Fields(Row r)
    {
        var o = new JsonObject
        {
            ["truePixelSize"] = r.True,
            ["nominalPixelSize"] = r.Nominal,
            ["recoveredPixelSize"] = r.Recovered,
        };
        if (r.Recovered is null) return o;
        o["recoveredRange"] = new JsonArray(r.Low, r.High);
        o["errorPercent"] = r.ErrorPercent;
        o["truthInsideRange"] = r.Inside;
        return o;
    }
}
