using System.CommandLine;

namespace CryoMerge.Cli.Options;

/// <summary>Options shared by several commands, declared once.</summary>
internal static class CommonOptions
{
    public static Option<bool> Json() => new("--json")
    {
        Description = "Print the result as JSON on stdout (messages stay on stderr)",
    };

    public static Option<string> InputStar(string description = "Input STAR file (RELION 3.0, 3.1, 4 or 5)") => new("--i")
    {
        Description = description,
        Required = true,
        HelpName = "IN.star",
    };

    public static Option<string> OutputStar(string description = "Output STAR file, written atomically; never one of the inputs") => new("--o")
    {
        Description = description,
        Required = true,
        HelpName = "OUT.star",
    };

    /// <summary>A required pixel size in A; its value is checked by the command (a value &lt;= 0 is bad input, exit code 1).</summary>
    public static Option<double> PixelSize(string name, string description) => new(name)
    {
        Description = description,
        Required = true,
        HelpName = "A",
    };

    public static Option<bool> Verbose() => new("--verbose", "-v")
    {
        Description = "Say more: the FFT backend, tolerated irregularities, full stack traces of unexpected errors",
    };

    public static Option<int?> Threads() => new("--threads", "-j")
    {
        Description = "Threads to use (default: every core); each thread works on one file at a time, so memory grows with it",
    };

    public static Option<string> Output(string description) => new("--o")
    {
        Description = description,
        Required = true,
        HelpName = "DIR",
    };

    /// <summary>Refuses a pixel size (or other length) that is not positive: bad input, one line naming the option, exit code 1.</summary>
    public static double Positive(string option, double value, string unit = "pixel size in A")
    {
        if (!(value > 0) || double.IsInfinity(value))
            throw new CryoMerge.Core.CryoMergeInputException(option, $"must be a positive {unit}, not {value.ToString(System.Globalization.CultureInfo.InvariantCulture)}");
        return value;
    }
}
