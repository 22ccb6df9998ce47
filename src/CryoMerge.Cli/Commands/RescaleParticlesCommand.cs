using System.CommandLine;
using System.Text.Json.Nodes;
using CryoMerge.Cli.Options;
using CryoMerge.Core.Merging;

namespace CryoMerge.Cli.Commands;

/// <summary><c>cryomerge rescale-particles</c>: Method 1 step iii, move picked particles onto rescaled
/// micrographs.</summary>
internal static class RescaleParticlesCommand
{
    public static Command Create(CliConsole console)
    {
        var input = CommonOptions.InputStar(
            "Particle (particles.star, run_data.star) or coordinate STAR file, RELION 3.0 or 3.1-5");
        var output = CommonOptions.OutputStar();
        var nominal = CommonOptions.PixelSize("--pix-nominal",
            "Pixel size used in the original RELION run (A), e.g. 1.36");
        var relative = CommonOptions.PixelSize("--pix-relative",
            "Relative (true) pixel size found by comparing maps (A), e.g. 1.28");
        var target = CommonOptions.PixelSize("--pix-target", "Pixel size of the rescaled micrographs (A), e.g. 1.40");
        var path = new Option<string?>("--mrc-path") { Description
            = "Folder of the rescaled micrographs, put before each micrograph name (rlnMicrographName loses its own " +
            "folder)", HelpName = "DIR" };
        var prefix = new Option<string?>("--mrc-prefix") { Description = "Text put before each micrograph file name",
            HelpName = "P" };
        var suffix = new Option<string?>("--mrc-suffix") { Description =
            "Text put after each micrograph file name, before .mrc", HelpName = "S" };
        var defocus = new DefocusOptionSet();
        var json = CommonOptions.Json();
        var command = new Command("rescale-particles", """
            Method 1 step iii (rescale_particles.py for RELION 3.0 and 3.1+ files, every other column kept): move
            particles picked on micrographs of the nominal pixel size onto the same micrographs rescaled to the
            target pixel size. Coordinates x relative/target. Values in A become true A (x relative/nominal):
            rlnOriginXAngst/YAngst, defocus (with the Cs constant of scale-ctf), CTF resolution. RELION 3.1+:
            rlnImagePixelSize and rlnMicrographOriginalPixelSize become the true pixel sizes of the images and
            movies the file names, rlnMicrographPixelSize (if present) the target. RELION 3.0: magnification so
            that 10000 x detector pixel / magnification = target, origins in pixels converted to target pixels.
            With --mrc-path/--mrc-prefix/--mrc-suffix micrograph names become DIR/P + name + S.mrc.

            Example:
              cryomerge rescale-particles --i dataset2.star --o dataset2_rescale.star --pix-nominal 1.36 \
                --pix-relative 1.28 --pix-target 1.40 --mrc-path MRCS_dataset2/
            """)
        {
            input, output, nominal, relative, target, path, prefix, suffix, json,
        };
        defocus.AddTo(command);
        command.SetAction(parse =>
        {
            string o = parse.GetValue(output)!;
            var options = defocus.Read(parse);
            var request = new RescaleParticlesRequest(
                CommonOptions.Positive("--pix-nominal", parse.GetValue(nominal)),
                CommonOptions.Positive("--pix-relative", parse.GetValue(relative)),
                CommonOptions.Positive("--pix-target", parse.GetValue(target)),
                new MicrographRenaming(parse.GetValue(path), parse.GetValue(prefix), parse.GetValue(suffix)), options);
            var report = ParticleRescaling.RescaleFile(parse.GetValue(input)!, o, request);
            var extra = new JsonObject { ["coordinateFactor"] = report.CoordinateFactor,
                ["renamedMicrographs"] = report.RenamedMicrographs };
            string[] lines =
            [
                $"coordinates x {report.CoordinateFactor:0.000000} (relative / target)",
                .. report.RenamedMicrographs > 0
                ? [$"micrograph names rewritten, e.g. {request.Rename!.Apply("Movies/mic001.mrc")}"]
                : Array.Empty<string>(),
            ];
            MetadataOutput.Print(console, o, report.Change, options, parse.GetValue(json), extra, lines);
            return (int)ExitCode.Ok;
        });
        return command;
    }
}
