using System.CommandLine;

namespace CryoMerge.Cli.Options;

/// <summary>Options shared by several commands, declared once.</summary>
internal static class CommonOptions
{
    public static Option<bool> Json() => new("--json")
    {
        Description = "Print the result as JSON on stdout (messages stay on stderr)",
    };

    public static Option<string> InputStar(string description =
        "Input STAR file (RELION 3.0, 3.1, 4 or 5)") => new("--i")
    {
        Description = description,
        Required = true,
        HelpName = "IN.star",
    };

    public static Option<string> OutputStar(string description =
        "Output STAR file, written atomically; never one of the inputs") => new("--o")
    {
        Description = description,
        Required = true,
        HelpName = "OUT.star",
    };

    /// <summary>A required pixel size in A; its value is checked by the command (a value &lt;= 0 is bad input, exit
    /// code 1).</summary>
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
        Description =
            "Threads to use (default: every core); each thread works on one file at a time, so memory grows with it",
    };

    public static Option<string> Output(string description) => new("--o")
    {
        Description = description,
        Required = true,
        HelpName = "DIR",
    };

    /// <summary>--overwrite of the commands that write many files named after their inputs into a folder.</summary>
    public static Option<bool> Overwrite() => new("--overwrite")
    {
        Description = "Replace files in the output folder that cryomerge did not write there (by default such a file "
                      + "stops the run before anything is written; files cryomerge wrote there before, listed in the "
                      + "folder's .cryomerge-outputs, "
                      + "are always replaced)",
    };

    /// <summary>A --threads value: null or 0 = every core; a negative count is bad input (exit code 1).</summary>
    public static int ThreadCount(int? value, string option = "--threads")
    {
        if (value is < 0)
            throw new CryoMerge.Core.CryoMergeInputException(option, $"must be 0 (every core) or more, not {value}");
        return value ?? 0;
    }

    /// <summary>Refuses a pixel size (or other length) that is not positive: bad input, one line naming the option,
    /// exit code 1.</summary>
    public static double Positive(string option, double value, string unit = "pixel size in A")
    {
        if (!(value > 0) || double.IsInfinity(value))
            throw new CryoMerge.Core.CryoMergeInputException(option,
                $"must be a positive {unit}, not {value.ToString(System.Globalization.CultureInfo.InvariantCulture)}");
        return value;
    }
}
