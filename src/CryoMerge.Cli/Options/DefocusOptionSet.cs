using System.CommandLine;
using System.Globalization;
using CryoMerge.Core.Ctf;
using CryoMerge.Core.Merging;

namespace CryoMerge.Cli.Options;

/// <summary>--band, --paper-constant and --scale-cs: how defocus follows a pixel-size change (scale-ctf, relabel,
/// rescale-particles).</summary>
internal sealed class DefocusOptionSet
{
    public Option<CtfFitBand?> Band { get; } = new("--band")
    {
        Description = "Resolution band of the CTF fit, low,high in A as the fit labelled it (default 30,5, CTFFIND's); "
                      + "the Cs constant added to defocus is weighted over it as a 2-D fit weighs rings",
        HelpName = "LOW,HIGH",
        CustomParser = ParseBand,
    };

    public Option<bool> PaperConstant { get; } = new("--paper-constant")
    {
        Description =
            "Reproduce the paper's scale_ctf.sh: 1/k fixed at 5.68 A (old-pixel units), its wavelengths and rounding",
    };

    public Option<bool> ScaleCs { get; } = new("--scale-cs")
    {
        Description =
            "Rescale Cs by (new/old)^4 and defocus by (new/old)^2 with no constant: the fitted CTF is kept exactly, "
                      + "with an apparent Cs (refine defocus and Cs with CtfRefine afterwards)",
    };

    public void AddTo(Command command)
    {
        command.Add(Band);
        command.Add(PaperConstant);
        command.Add(ScaleCs);
        command.Validators.Add(result =>
        {
            bool paper = result.GetValue(PaperConstant), cs = result.GetValue(ScaleCs);
            if (paper && cs) result.AddError(
                "--paper-constant and --scale-cs are two different corrections; choose one");
            if ((paper || cs)
                && result.GetResult(Band) is not null) result.AddError(
                "--band applies to the default correction only, not with --paper-constant or --scale-cs");
        });
    }

    /// <summary>The options as given; a band out of range is bad input (exit code 1), like any such value.</summary>
    public DefocusOptions Read(ParseResult parse)
    {
        var band = parse.GetValue(Band);
        if (band?.Problem is { } problem)
            throw new CryoMerge.Core.CryoMergeInputException("--band",
                FormattableString.Invariant($"{band.LowResolution},{band.HighResolution}: {problem}"));
        var correction = parse.GetValue(PaperConstant) ? DefocusCorrection.PaperConstant
            : parse.GetValue(ScaleCs) ? DefocusCorrection.ScaleCs : DefocusCorrection.Band;
        return new(correction, band);
    }

    private static CtfFitBand? ParseBand(System.CommandLine.Parsing.ArgumentResult result)
    {
        string text = result.Tokens.Count == 1 ? result.Tokens[0].Value : "";
        var parts = text.Split(',');
        if (parts.Length == 2
            && double.TryParse(parts[0], NumberStyles.Float, CultureInfo.InvariantCulture, out double low)
            && double.TryParse(parts[1], NumberStyles.Float, CultureInfo.InvariantCulture, out double high))
        {
            return new CtfFitBand(low, high);
        }
        result.AddError($"--band '{text}': give the low and high resolution in A separated by a comma, e.g. 30,5");
        return null;
    }
}
