using CryoMerge.Cli.App;

namespace CryoMerge.Cli.Tests;

/// <summary>Runs a command line in-process with captured stdout and stderr.</summary>
internal static class CliRunner
{
    public sealed record Result(int ExitCode, string Out, string Error);

    public static Result Run(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int code = CryoMergeApp.Run(args, new CliConsole(output, error));
        return new Result(code, output.ToString(), error.ToString());
    }
}
