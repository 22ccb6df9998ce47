using System.CommandLine;
using CryoMerge.Cli.Options;
using CryoMerge.Core.Merging;

namespace CryoMerge.Cli.Commands;

/// <summary><c>cryomerge relabel</c>: Method 3, give optics groups the relative pixel size without touching
/// images.</summary>
internal static class RelabelCommand
{
    public static Command Create(CliConsole console)
    {
        var input = CommonOptions.InputStar(
            "Particle or micrograph STAR file (RELION 3.1-5; a 3.0 file is converted to 3.1 first)");
        var output = CommonOptions.OutputStar();
        var pixel = CommonOptions.PixelSize("--pix-relative",
            "Relative pixel size of the images (A): their pixel size on the scale of the data set they will be " +
            "merged with");
        var groups = new Option<string[]>("--optics-group")
        {
            Description
                = "Optics group to relabel, by rlnOpticsGroupName or number; repeat for several (default: all " +
                "groups, which must share one pixel size)",
            HelpName = "NAME",
            AllowMultipleArgumentsPerToken = false,
        };
        var defocus = new DefocusOptionSet();
        var json = CommonOptions.Json();
        var command = new Command("relabel", """
            Method 3: give a data set's optics group(s) the relative pixel size without resampling any image.
            rlnImagePixelSize (micrograph files: rlnMicrographPixelSize) becomes the relative pixel size and the
            group's other pixel sizes follow by the same ratio; defocus as in scale-ctf; rlnOriginXAngst/YAngst
            scale by the ratio (the shift in pixels is unchanged); coordinates are unchanged.

            When it fits: RELION >= 3.1 refines optics groups of different pixel and box sizes together, scaling
            each group's projections by its box length in A, so no resampling (and no loss) is needed once the
            relative pixel size is known. Then join the data sets (cryomerge join) and refine.
            What RELION requires: the reference map's pixel and box size must match the FIRST optics group of the
            particle file (within 0.001 A) unless relion_refine gets --trust_ref_size (RELION 3.1 then keeps the
            reference's size; RELION 5 instead resizes the reference to the first group, which can give odd pixel
            sizes such as 1.04178). Polishing cannot mix pixel sizes: polish each data set with its own
            MotionCorr STAR file, then join the shiny particles. Residual relative scale errors can be refined as
            anisotropic magnification in CtfRefine.

            Example:
              cryomerge relabel --i dataset2/particles.star --o dataset2_relabelled.star --pix-relative 0.880
              cryomerge relabel --i merged.star --o merged_fixed.star --pix-relative 1.282 --optics-group dataset2
            """)
        {
            input, output, pixel, groups, json,
        };
        defocus.AddTo(command);
        command.SetAction(parse =>
        {
            string o = parse.GetValue(output)!;
            var options = defocus.Read(parse);
            var request = new RelabelRequest(CommonOptions.Positive("--pix-relative", parse.GetValue(pixel)),
                parse.GetValue(groups) ?? [], options);
            var report = OpticsRelabel.RelabelFile(parse.GetValue(input)!, o, request);
            MetadataOutput.Print(console, o, report, options, parse.GetValue(json));
            return (int)ExitCode.Ok;
        });
        return command;
    }
}
