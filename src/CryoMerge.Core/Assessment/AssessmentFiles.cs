using System.Globalization;
using System.Text;

namespace CryoMerge.Core.Assessment;

/// <summary>The assessment's numbers as CSV tables (the PNG plots draw the same numbers).</summary>
public static class AssessmentFiles
{
    /// <summary>Half-map FSC of every map: shell, resolution, one column per map.</summary>
    public const string FscStem = "assessment-fsc";

    /// <summary>
    /// FSC between maps and the FSC expected of one structure: shell, resolution, two columns per pair.
    /// </summary>
    public const string AgreementStem = "assessment-map-agreement";

    /// <summary>The one-by-one series: particles, ln N, resolution, 1/d^2 (the Rosenthal-Henderson plot).</summary>
    public const string RosenthalHendersonStem = "assessment-rosenthal-henderson";

    public static string PathOf(string folder, string stem, string extension) => Path.Combine(folder, stem + extension);

    public static IReadOnlyList<string> WriteCsv(string folder, AssessmentReport report)
    {
        Directory.CreateDirectory(folder);
        string fsc = PathOf(folder, FscStem, ".csv"), agreement = PathOf(folder, AgreementStem, ".csv"),
            rh = PathOf(folder, RosenthalHendersonStem, ".csv");
        var first = report.Maps[0].HalfMapFsc;
        var csv = new StringBuilder("shell,resolution_A");
        foreach (var m in report.Maps) csv.Append(',').Append(Column(m.Name));
        csv.Append('\n');
        for (int i = 0; i < first.ShellCount; i++)
        {
            csv.Append(I($"{i},{first.Resolution(i):R}"));
            foreach (var m in report.Maps) csv.Append(I($",{At(m.HalfMapFsc.Fsc, i):R}"));
            csv.Append('\n');
        }
        OutputFiles.WriteAllText(fsc, csv.ToString());

        csv = new StringBuilder("shell,resolution_A");
        foreach (var a in report.Agreements)
            csv.Append(',').Append(Column($"{a.A}~{a.B}")).Append(',').Append(Column($"{a.A}~{a.B} expected"));
        csv.Append('\n');
        for (int i = 0; i < first.ShellCount; i++)
        {
            csv.Append(I($"{i},{first.Resolution(i):R}"));
            foreach (var a in report.Agreements)
                csv.Append(I($",{At(a.Fsc.Fsc, i):R},{At(a.Expected, i):R}"));
            csv.Append('\n');
        }
        OutputFiles.WriteAllText(agreement, csv.ToString());

        csv = new StringBuilder("step,added,particles,ln_particles,resolution_A,inverse_resolution_squared,verdict\n");
        foreach (var s in report.Steps)
            csv.Append(I($"{s.Step},{Column(s.Added)},{s.Particles},{Math.Log(s.Particles):R},{s.Resolution:R},"))
                .Append(I($"{1 / (s.Resolution * s.Resolution):R},{s.Verdict}\n"));
        OutputFiles.WriteAllText(rh, csv.ToString());
        return [fsc, agreement, rh];
    }

    private static double At(double[] values, int i) => i < values.Length ? values[i] : double.NaN;

    /// <summary>A CSV cell: quoted when it holds a comma or a quote.</summary>
    private static string Column(string text) =>
        text.IndexOfAny([',', '"']) >= 0 ? "\"" + text.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : text;

    private static string I(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
