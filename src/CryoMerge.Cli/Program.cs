using CryoMerge.Cli;
using CryoMerge.Cli.App;

var console = new CliConsole(Console.Out, Console.Error) { ErrorIsTerminal = !Console.IsErrorRedirected };
return await CryoMergeApp.RunAsync(args, console);
