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
}
