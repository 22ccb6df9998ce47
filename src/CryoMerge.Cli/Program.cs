using CryoMerge.Cli;
using CryoMerge.Cli.App;

CryoMerge.Hosting.TimingMarks.Mark("main");
StartupJitProfile.Start(args);
var console = new CliConsole(Console.Out, Console.Error) { ErrorIsTerminal = !Console.IsErrorRedirected };
int exit = await CryoMergeApp.RunAsync(args, console);
CryoMerge.Hosting.TimingMarks.Mark("exit");
return exit;
