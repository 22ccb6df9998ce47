using System.CommandLine;
using System.Text.Json.Nodes;
using CryoMerge.Cli.Options;
using CryoMerge.Core.Analysis;

namespace CryoMerge.Cli.Commands;

/// <summary><c>cryomerge tolerance</c>: how much a relative scale error costs at a resolution (sphere form-factor
/// model).</summary>
internal static class ToleranceCommand
{
    public static Command Create(CliConsole console)
    {
        var diameter = new Option<double>("--diameter") { Description =
            "Largest dimension of the particle (A), e.g. 250 for a spliceosome", Required = true, HelpName = "A" };
        var resolution = new Option<double>("--resolution") { Description =
            "Best resolution expected after merging (A), e.g. 3.7", Required = true, HelpName = "A" };
        var error = new Option<double?>("--error") { Description =
            "Relative scale error in percent (2.3 means 2.3 %), e.g. |0.900/0.880 - 1| x 100", HelpName = "PERCENT" };
        var json = CommonOptions.Json();
        var command = new Command("tolerance", """
            How much a relative scale error between data sets costs at a resolution: for a particle of diameter D
            mis-scaled by e, the correlation with the correctly scaled map at resolution d is the sphere form
            factor 3(sin x - x cos x)/x^3 with x = pi e D / d (a feature at radius r moves by e r). Prints the
            correlation for --error, the largest error for correlations 0.9, 0.5 and 0.143, and advice: aim at or
            below 0.3 d/D, warning above d/D, too large above 2 d/D. The paper (D about 250 A, 3.7 A) found 0.5-2 %
            acceptable and 7 % harmful; a merged refinement forgives more than two maps, hence the wide warning band.

            Example:
              cryomerge tolerance --diameter 250 --resolution 3.7 --error 2.3
            """)
        {
            diameter, resolution, error, json,
        };
        command.SetAction(parse =>
        {
            double d = CommonOptions.Positive("--diameter", parse.GetValue(diameter), "diameter in A");
            double res = CommonOptions.Positive("--resolution", parse.GetValue(resolution), "resolution in A");
            double? e = parse.GetValue(error) is double percent ? percent / 100 : null;
            if (e is double v && (double.IsNaN(v) || double.IsInfinity(v)))
                throw new CryoMerge.Core.CryoMergeInputException("--error", "must be a number of percent");
            var advice = ScaleTolerance.Advise(d, res, e is double x ? Math.Abs(x) : null);
            Print(console, advice, parse.GetValue(json));
            return (int)ExitCode.Ok;
        });
        return command;
    }

    private static void Print(CliConsole console, ToleranceAdvice a, bool json)
    {
        string? verdict = a.Verdict switch
        {
            ToleranceVerdict.Negligible => "negligible: at or below 0.3 d/D, no visible loss",
            ToleranceVerdict.Acceptable => "acceptable: below d/D, a small loss at this resolution",
            ToleranceVerdict.Warning =>
            "warning: above d/D, expect a loss at this resolution (the paper saw a small reduction at about 1.5 " +
            "d/D); determine the relative pixel size more precisely if you can",
            ToleranceVerdict.TooLarge =>
            "too large: above 2 d/D, merging at this scale is likely to make the map worse than either data set " +
            "alone (the paper's 7 %)",
            _ => null,
        };
        // The warning is a sentence of its own ("... is above d/D: expect ..."), not the verdict's label glued on.
        string? why = a.Verdict switch
        {
            ToleranceVerdict.Warning => "above d/D: expect a loss at this resolution (the paper saw a small reduction "
                + "at about 1.5 d/D); determine the relative pixel size more precisely if you can",
            ToleranceVerdict.TooLarge => "above 2 d/D, too large: merging at this scale is likely to make the map "
                + "worse than either data set alone (the paper's 7 %)",
            _ => null,
        };
        if (why is not null)
            console.Warn(FormattableString.Invariant($"a scale error of {a.RelativeError * 100:0.###} % for a ")
                + FormattableString.Invariant($"{a.DiameterA:0.#} A particle at {a.ResolutionA:0.##} A is {why}"));
        if (json)
        {
            var o = new JsonObject
            {
                ["diameter"] = a.DiameterA,
                ["resolution"] = a.ResolutionA,
                ["errorPercent"] = a.RelativeError * 100,
                ["correlation"] = a.Correlation,
                ["verdict"] = a.Verdict switch { null => null, ToleranceVerdict.TooLarge => "too-large",
                var v => v.ToString()!.ToLowerInvariant() },
                ["advice"] = verdict,
                ["aimAtPercent"] = a.AimAt * 100,
                ["warnAbovePercent"] = a.WarnAbove * 100,
                ["tooLargeAbovePercent"] = a.RefuseAbove * 100,
                ["largestError"] = new JsonArray(a.LargestErrorAt.Select(l => (JsonNode)new JsonObject
                {
                    ["correlation"] = l.Correlation,
                    ["errorPercent"] = l.RelativeError * 100,
                }).ToArray()),
                ["bestResolutionAtFsc05"] = a.BestResolutionA,
            };
            console.Out.WriteLine(o.ToJsonString(Json.Indented));
            return;
        }
        var t = console.Out;
        t.WriteLine(
            $"particle {a.DiameterA:0.#} A, resolution {a.ResolutionA:0.##} A (d/D = {a.WarnAbove * 100:0.###} %)");
        t.WriteLine(
            $"  aim at or below {a.AimAt * 100:0.###} % (0.3 d/D); warning above {a.WarnAbove * 100:0.###} % (d/D); " +
            $"too large above {a.RefuseAbove * 100:0.###} % (2 d/D)");
        foreach (var l in a.LargestErrorAt) t.WriteLine(
            $"  correlation {l.Correlation:0.###} at {a.ResolutionA:0.##} A is kept up to " +
            $"{l.RelativeError * 100:0.###} % error");
        if (a.RelativeError is double e)
        {
            t.WriteLine(
                $"  error {e * 100:0.###} %: correlation {a.Correlation:0.000} at {a.ResolutionA:0.##} " +
                $"A{(a.BestResolutionA is double b ? $" (0.5 reached at {b:0.0} A)" : "")}");
            t.WriteLine($"  {verdict}");
        }
    }
}
