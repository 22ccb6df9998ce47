using System.CommandLine;
using System.Text.Json.Nodes;
using CryoMerge.Cli.Options;
using CryoMerge.Core;
using CryoMerge.Core.Formats;
using CryoMerge.Core.Merging;

namespace CryoMerge.Cli.Commands;

/// <summary><c>cryomerge convert IN --o OUT</c>: cryoSPARC .cs particles to a RELION STAR file and back.</summary>
internal static class ConvertCommand
{
    public static Command Create(CliConsole console)
    {
        var input = new Argument<string>("IN")
        {
            Description = "Particles to convert: a cryoSPARC .cs file (a job's particles.cs or an exported one) or a "
                + "RELION STAR file (3.0 to 5)",
        };
        var output = new Option<string>("--o")
        {
            Description = "Output file, written atomically: OUT.star for a .cs input, OUT.cs for a STAR input",
            Required = true,
            HelpName = "OUT",
        };
        var cryosparcProject = new Option<string?>("--cryosparc-project")
        {
            Description = "cryoSPARC project folder (e.g. /data/cryosparc/P12) that the .cs file's stack and "
                + "micrograph names are relative to; they are written with it in front. Default: names stay relative "
                + "to it (run RELION from there). Names of exported files ('>name') are taken relative to the .cs "
                + "file's own folder either way",
            HelpName = "DIR",
        };
        var relionProject = new Option<string?>("--relion-project")
        {
            Description = "RELION project folder that the STAR file's names are relative to (default: the current "
                + "folder, then the STAR file's folder and those above it, as RELION finds them)",
            HelpName = "DIR",
        };
        var blobSign = new Option<int>("--blob-sign")
        {
            Description = "blob/sign to write for a STAR input: 1 when the particles are white on a dark background "
                + "(RELION's convention after 'invert contrast', default), -1 when they are dark (raw contrast)",
            DefaultValueFactory = _ => 1,
        };
        var json = CommonOptions.Json();
        var command = new Command("convert", """
            Convert particles between cryoSPARC (.cs) and RELION (STAR), keeping poses, shifts, CTF and optics exactly.
            .cs -> STAR: a RELION 3.1+ file with one optics group per cryoSPARC exposure group (numbered 1..N in id
            order and named exp_group_ID: ids 0, 1, 2 and 1, 2, 3 both become 1, 2, 3), split where an exposure group
            mixes pixel sizes or boxes; poses (rotation vectors) as ZYZ angles of the transposed rotation; shifts in
            pixels of alignments3D/psize_A (the refinement's, not always the images') as rlnOriginX/YAngst; halves as
            rlnRandomSubset 1, 2; defocus angle and phase shift in degrees; beam tilt in mrad. Fields RELION has no
            label for are listed on stderr. STAR -> .cs: the same mapping backwards, with cryoSPARC's field names and
            types (NumPy reads it back); stacks and micrographs found on disk are named '>' + a path relative to the
            .cs file when inside its folder (cryoSPARC's export form), else by their absolute path.

            Examples:
              cryomerge convert P12/J24/cryosparc_P12_J24_001_particles.cs --o particles.star --cryosparc-project P12
              cryomerge convert Refine3D/job050/run_data.star --o run_data.cs
            """)
        {
            input, output, cryosparcProject, relionProject, blobSign, json,
        };
        command.SetAction(parse =>
        {
            string i = parse.GetValue(input)!, o = parse.GetValue(output)!;
            bool starName = i.EndsWith(".star", StringComparison.OrdinalIgnoreCase);
            bool fromCs = CryosparcConversion.IsCryosparc(i) || (File.Exists(i) && !starName
                && CryosparcFile.LooksLikeCryosparc(i));
            bool toCs = CryosparcConversion.IsCryosparc(o);
            if (fromCs == toCs)
            {
                console.Error.WriteLine($"cryomerge: convert turns a .cs file into a .star file or a .star file into a "
                    + $".cs file; got {i} -> {o}");
                return (int)ExitCode.Usage;
            }
            int sign = parse.GetValue(blobSign);
            if (sign is not (1 or -1)) throw new CryoMergeInputException("--blob-sign", $"must be 1 or -1, not {sign}");
            if (fromCs)
            {
                var report = CryosparcConversion.ToStar(i, o,
                    new CryosparcImportOptions(parse.GetValue(cryosparcProject)));
                PrintImport(console, o, report, parse.GetValue(json));
            }
            else
            {
                var report = CryosparcConversion.ToCryosparc(i, o,
                    new CryosparcExportOptions(parse.GetValue(relionProject), _ => sign));
                PrintExport(console, report, parse.GetValue(json));
            }
            return (int)ExitCode.Ok;
        });
        return command;
    }

    private static void PrintImport(CliConsole console, string output, CryosparcImportReport r, bool json)
    {
        foreach (var note in r.Notes) console.Warn(note);
        if (r.LeftOut.Count > 0)
            console.Note($"not carried into the STAR file (no RELION label): {string.Join(", ", r.LeftOut)}");
        if (json)
        {
            console.Out.WriteLine(new JsonObject
            {
                ["input"] = r.Input,
                ["output"] = output,
                ["rows"] = r.Rows,
                ["alignments"] = r.Alignments,
                ["opticsGroups"] = new JsonArray(r.OpticsGroups.Select(g => (JsonNode)OpticsJson(g)).ToArray()),
                ["converted"] = new JsonArray(r.Converted.Select(c => (JsonNode)c).ToArray()),
                ["leftOut"] = new JsonArray(r.LeftOut.Select(c => (JsonNode)c).ToArray()),
                ["notes"] = new JsonArray(r.Notes.Select(c => (JsonNode)c).ToArray()),
            }.ToJsonString(Json.Indented));
            return;
        }
        var t = console.Out;
        string poses = r.Alignments is { } a ? $", poses from {a}" : ", no poses";
        t.WriteLine($"wrote {output}: {r.Rows} particles (RELION 3.1+){poses}");
        foreach (var g in r.OpticsGroups)
            t.WriteLine($"  optics group {g.Number} {g.Name}: exposure group {g.ExposureGroup}, {g.Rows} particles, "
                + $"{MetadataOutput.F(g.PixelSize)} A, box {g.Box}");
    }

    private static JsonObject OpticsJson(CryosparcOpticsGroup g) => new()
    {
        ["number"] = g.Number,
        ["name"] = g.Name,
        ["exposureGroup"] = g.ExposureGroup,
        ["rows"] = g.Rows,
        ["pixelSize"] = g.PixelSize,
        ["imageSize"] = g.Box,
        ["voltage"] = g.Voltage,
        ["sphericalAberration"] = g.Cs,
        ["amplitudeContrast"] = g.AmplitudeContrast,
    };

    private static void PrintExport(CliConsole console, CryosparcExportReport r, bool json)
    {
        foreach (var note in r.Notes) console.Warn(note);
        if (json)
        {
            console.Out.WriteLine(new JsonObject
            {
                ["output"] = r.Output,
                ["rows"] = r.Rows,
                ["fields"] = new JsonArray(r.Fields.Select(c => (JsonNode)c).ToArray()),
                ["notes"] = new JsonArray(r.Notes.Select(c => (JsonNode)c).ToArray()),
            }.ToJsonString(Json.Indented));
            return;
        }
        console.Out.WriteLine($"wrote {r.Output}: {r.Rows} particles, {r.Fields.Count} cryoSPARC fields "
            + $"({string.Join(", ", r.Fields.Select(f => f.Split('/')[0]).Distinct())})");
    }
}
