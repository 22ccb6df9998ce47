using CryoMerge.Cli;

var console = new CliConsole(Console.Out, Console.Error) { ErrorIsTerminal = !Console.IsErrorRedirected };
return CryoMergeApp.Run(args, console);
