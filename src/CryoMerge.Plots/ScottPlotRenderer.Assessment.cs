using CryoMerge.Core.Assessment;

namespace CryoMerge.Plots;

/// <summary>
/// The assessment's plots: half-map FSC curves, agreement between maps, the Rosenthal-Henderson plot.
/// </summary>
public sealed partial class ScottPlotRenderer
{
    public IReadOnlyList<string> Assessment(string directory, AssessmentReport report)
    {
        string fscPng = AssessmentFiles.PathOf(directory, AssessmentFiles.FscStem, ".png");
        string agreementPng = AssessmentFiles.PathOf(directory, AssessmentFiles.AgreementStem, ".png");
        string rhPng = AssessmentFiles.PathOf(directory, AssessmentFiles.RosenthalHendersonStem, ".png");

        var fsc = new ScottPlot.Plot();
        foreach (var m in report.Maps)
        {
            var line = fsc.Add.Scatter(m.HalfMapFsc.Frequency, m.HalfMapFsc.Fsc);
            line.LegendText = Invariant($"{m.Name}: {m.Resolution:0.00} A, {m.Particles} particles");
            line.MarkerSize = 0;
        }
        fsc.Add.HorizontalLine(0.143).LinePattern = ScottPlot.LinePattern.Dotted;
        fsc.Title("Half-map FSC of each data set and of the merge (masked)");
        fsc.XLabel("Spatial frequency (1/A)");
        fsc.YLabel("FSC");
        fsc.ShowLegend();
        Save(fsc, fscPng);

        var agreement = new ScottPlot.Plot();
        foreach (var a in report.Agreements.Where(a => a.Independent))
        {
            var measured = agreement.Add.Scatter(a.Fsc.Frequency, a.Fsc.Fsc);
            measured.LegendText = Invariant($"{a.A} ~ {a.B}: agreement {a.Agreement:0.00}");
            measured.MarkerSize = 0;
            int n = Math.Min(a.Expected.Length, a.Fsc.ShellCount);
            var expected = agreement.Add.Scatter(a.Fsc.Frequency.Take(n).ToArray(), a.Expected.Take(n).ToArray());
            expected.LegendText = $"{a.A} ~ {a.B}: expected of one structure";
            expected.LinePattern = ScottPlot.LinePattern.Dashed;
            expected.MarkerSize = 0;
            expected.Color = measured.Color;
        }
        agreement.Add.HorizontalLine(0.143).LinePattern = ScottPlot.LinePattern.Dotted;
        agreement.Title("FSC between data sets' maps, against what their half maps predict");
        agreement.XLabel("Spatial frequency (1/A)");
        agreement.YLabel("FSC");
        agreement.ShowLegend();
        Save(agreement, agreementPng);

        var rh = new ScottPlot.Plot();
        var steps = rh.Add.Scatter(report.Steps.Select(s => Math.Log(s.Particles)).ToArray(),
            report.Steps.Select(s => 1 / (s.Resolution * s.Resolution)).ToArray());
        steps.LegendText = "best first, one data set added at a time";
        var alone = report.Maps.Where(m => m.Kind == AssessedMapKind.DataSet).ToList();
        var sets = rh.Add.ScatterPoints(alone.Select(m => Math.Log(m.Particles)).ToArray(),
            alone.Select(m => 1 / (m.Resolution * m.Resolution)).ToArray());
        sets.LegendText = "each data set alone";
        foreach (var s in report.Steps)
            rh.Add.Text(s.Step == 1 ? s.Added : "+" + s.Added, Math.Log(s.Particles),
                1 / (s.Resolution * s.Resolution));
        if (report.Fit is { } fit)
            rh.Title(fit.BFactor is double b
                ? Invariant($"Rosenthal-Henderson plot: B = {b:0} A^2")
                : "Rosenthal-Henderson plot: resolution does not improve with particles");
        else rh.Title("Rosenthal-Henderson plot");
        rh.Axes.Margins(0.15, 0.15);   // room for the labels of the first and last steps
        rh.XLabel("ln(number of particles)");
        rh.YLabel("1 / resolution^2 (1/A^2)");
        rh.ShowLegend();
        Save(rh, rhPng);
        return [fscPng, agreementPng, rhPng];
    }
}
