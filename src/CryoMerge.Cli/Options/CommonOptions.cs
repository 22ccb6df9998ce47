using System.CommandLine;

namespace CryoMerge.Cli.Options;

/// <summary>Options shared by several commands, declared once.</summary>
internal static class CommonOptions
{
    public static Option<bool> Json() => new("--json")
    {
        Description = "Print the result as JSON on stdout (messages stay on stderr)",
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
}
