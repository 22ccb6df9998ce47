using System.CommandLine;
using System.CommandLine.Invocation;
using System.Reflection;
using System.Text.RegularExpressions;
using CryoMerge.Cli.Commands;
using CryoMerge.Core;

namespace CryoMerge.Cli.App;

/// <summary>Assembles the commands and runs one command line; Program.cs only calls <see cref="Run"/>.</summary>
public static class CryoMergeApp
{
    public static string Version =>
        typeof(CryoMergeApp)
        .Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0]
        ?? "0.0.0";

    public static RootCommand BuildRoot(CliConsole console)
    {
        var root = new RootCommand("""
            cryomerge: merge cryo-EM data sets collected at different pixel sizes (Wilkinson, Kumar & Casanal 2019).
            Find the relative pixel size of two maps, rescale images or particles, fix pixel-size-dependent STAR
            values and join the data sets so that RELION 3.0-5.0 accepts them.

            Example:
              cryomerge info ../shared/data/real/ngl/betaGal.mrc
            """)
        {
            InfoCommand.Create(console),
            RescaleCommand.Create(console),
            BoxscalerCommand.Create(console),
            RescaleParticlesCommand.Create(console),
            ScaleCtfCommand.Create(console),
            RelabelCommand.Create(console),
            JoinCommand.Create(console),
            ConvertCommand.Create(console),
            ToleranceCommand.Create(console),
            PixelSizeCommand.Create(console),
            PlanCommand.Create(console),
            MergeCommand.Create(console),
            StatusCommand.Create(console),
            ServeCommand.Create(console),
            SimulateCommand.Create(console),
            DemoCommand.Create(console),
            ExtractCommand.Create(console),
            WindowCommand.Create(console),
            ReconstructCommand.Create(console),
            AssessCommand.Create(console),
        };
        foreach (var option in root.Options)
            if (option is VersionOption version) version.Action = new VersionAction(console);
        return root;
    }

    /// <summary>Parses and runs; returns the exit code. Anticipated errors are one line on stderr.</summary>
    public static int Run(string[] args, CliConsole console) => RunAsync(args, console).GetAwaiter().GetResult();

    /// <inheritdoc cref="Run"/>
    public static async Task<int> RunAsync(string[] args, CliConsole console)
    {
        var root = BuildRoot(console);
        Hosting.TimingMarks.Mark("commands built");
        var parse = root.Parse(args);
        Hosting.TimingMarks.Mark("command line parsed");
        var config = new InvocationConfiguration
        {
            Output = console.Out,
            Error = console.Error,
            EnableDefaultExceptionHandler = false,
            // Ctrl+C cancels the running command, which then stops its job and silo cleanly; do not kill it after 2 s.
            ProcessTerminationTimeout = TimeSpan.FromSeconds(60),
        };
        if (parse.Errors.Count > 0 && parse.Action is ParseErrorAction)
        {
            foreach (var error in parse.Errors) console.Error.WriteLine($"cryomerge: {UsageMessage(error.Message)}");
            console.Error.WriteLine("Run 'cryomerge --help' or 'cryomerge COMMAND --help' for usage.");
            return (int)ExitCode.Usage;
        }
        try
        {
            try
            {
                return await parse.InvokeAsync(config);
            }
            catch (AggregateException e)
            {
                // A parallel loop's wrapper: report what the worker found, as if it had been thrown here.
                ParallelFailures.Rethrow(e);
                throw;
            }
        }
        catch (CryoMergeInputException e)
        {
            console.Error.WriteLine($"cryomerge: {e.Message}");
            return (int)ExitCode.BadInput;
        }
        catch (Grains.JobRefusedException e)
        {
            // A silo's refusal of a plan (a path outside its data roots): a bad input, checked on the silo.
            console.Error.WriteLine($"cryomerge: {e.Message}");
            return (int)ExitCode.BadInput;
        }
        catch (OperationCanceledException)
        {
            console.Error.WriteLine("cryomerge: cancelled; no partial output was left under an output name");
            return (int)ExitCode.BadInput;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            console.Error.WriteLine($"cryomerge: {e.Message}");
            return (int)ExitCode.BadInput;
        }
        catch (Exception e) when (Hosting.ClusterFaults.IsLostContact(e))
        {
            // A silo, gateway or connection went away where no follower retries (a cluster that vanished at start).
            console.Error.WriteLine($"cryomerge: lost contact with the cluster: {Hosting.ClusterFaults.Describe(e)}");
            return (int)ExitCode.BadInput;
        }
        catch (Exception e)
        {
            console.Error.WriteLine($"cryomerge: internal error, please report it: {e}");
            return (int)ExitCode.BadInput;
        }
    }

    /// <summary>
    /// System.CommandLine's "Cannot parse argument 'abc' for option '--x' as expected type 'System.Double'" in words.
    /// </summary>
    internal static string UsageMessage(string message)
    {
        var m = Regex.Match(message, @"^Cannot parse argument '(?<value>.*)' for (?:option|argument) '(?<name>[^']*)'"
            + @" as expected type '(?<type>[^']*)'\.?$");
        if (!m.Success) return message;
        string type = m.Groups["type"].Value;
        string expected = type.Contains("Double") || type.Contains("Single") ? "a number"
            : type.Contains("Int") ? "a whole number"
            : type.Contains("Boolean") ? "true or false"
            : "a valid value";
        return $"{m.Groups["name"].Value}: '{m.Groups["value"].Value}' is not {expected}";
    }

    private sealed class VersionAction(CliConsole console) : SynchronousCommandLineAction
    {
        public override int Invoke(ParseResult parseResult)
        {
            console.Out.WriteLine($"cryomerge {Version}");
            console.Out.WriteLine($"FFT: {console.Fft.Describe()}");
            return 0;
        }
    }
}
