using System.CommandLine;
using CryoMerge.Core;
using CryoMerge.Core.Merging;

namespace CryoMerge.Cli.Commands;

/// <summary>
/// <c>cryomerge plan --template | --schema</c>: the merge plan documented from the declaration the plan reader checks
/// keys against (<see cref="MergePlanDocumentation"/>), so the documentation cannot drift from the code.
/// </summary>
internal static class PlanCommand
{
    public static Command Create(CliConsole console)
    {
        var template = new Option<bool>("--template")
        {
            Description = "Write an annotated plan with every key: what it means, its unit, default and an example",
        };
        var schema = new Option<bool>("--schema") { Description = "Write the plan's JSON Schema (draft 2020-12)" };
        var output = new Option<string?>("--o")
        {
            Description = "File to write (atomically; default: standard output)",
            HelpName = "FILE",
        };
        var command = new Command("plan", """
            The merge plan of `cryomerge merge`, documented: --template writes a plan with every key under a comment
            giving its meaning, unit (A for lengths, px for boxes) and default, with example values to edit (keys
            better left to the merge are commented out); --schema writes the same keys as a JSON Schema for
            editors and validators. Both come from the declaration the plan reader checks keys against.

            Example:
              cryomerge plan --template --o plan.yaml
              cryomerge plan --schema --o merge-plan.schema.json
            """)
        {
            template, schema, output,
        };
        command.Validators.Add(r =>
        {
            bool t = r.GetResult(template) is not null, s = r.GetResult(schema) is not null;
            if (t == s) r.AddError("give either --template or --schema");
        });
        command.SetAction(parse =>
        {
            string text = parse.GetValue(template)
                ? MergePlanDocumentation.Template() : MergePlanDocumentation.JsonSchema();
            if (parse.GetValue(output) is { } path)
            {
                if (Directory.Exists(path)) throw new CryoMergeInputException(path, "is a folder; give a file name");
                OutputFiles.WriteAllText(path, text);
                console.Note($"wrote {path}");
            }
            else console.Out.Write(text);
            return (int)ExitCode.Ok;
        });
        return command;
    }
}
