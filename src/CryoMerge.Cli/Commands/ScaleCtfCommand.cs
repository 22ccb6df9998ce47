using System.CommandLine;
using CryoMerge.Cli.Options;
using CryoMerge.Core.Merging;

namespace CryoMerge.Cli.Commands;

/// <summary><c>cryomerge scale-ctf</c>: defocus (and pixel sizes) for a new pixel size without refitting the
/// CTF.</summary>
internal static class ScaleCtfCommand
{
    public static Command Create(CliConsole console)
    {
        var input = CommonOptions.InputStar(
            "Micrograph (e.g. micrographs_ctf.star) or particle STAR file, RELION 3.0 or 3.1-5");
        var output = CommonOptions.OutputStar();
        var oldPixel = CommonOptions.PixelSize("--angpix-old",
            "Pixel size the CTF was fitted with (A), e.g. the nominal 0.900");
        var newPixel = CommonOptions.PixelSize("--angpix-new", "Right (relative) pixel size (A), e.g. 0.880");
        var defocus = new DefocusOptionSet();
        var json = CommonOptions.Json();
        var command = new Command("scale-ctf", """
            Recompute defocus U and V for a new pixel size without refitting the CTF (the paper's Method 2 step i,
            scale_ctf.sh for RELION 3.0 and 3.1+ files). With r = new/old, defocus becomes r^2 x old plus the
            constant 0.5 Cs lambda^2 (1 - r^4) k_eff^2 by which a fit at the wrong pixel size absorbed the Cs term
            (k_eff^2 = sum(w k^6)/sum(w k^4) over the fit band, w as a 2-D fit weighs rings). Cs and voltage come
            from the optics table or the rows. Every pixel size of the file (optics table, or 3.0 magnification),
            origins in A, the CTF fit resolution and B-factor follow by the same ratio; the message says whether
            defocus went up or down and by how much.

            Example:
              cryomerge scale-ctf --i micrographs_ctf.star --o micrographs_ctf_newapix.star --angpix-old 0.900 \
                --angpix-new 0.880
              cryomerge scale-ctf --i micrographs_ctf.star --o paper.star --angpix-old 0.900 --angpix-new 0.880 \
                --paper-constant
            """)
        {
            input, output, oldPixel, newPixel, json,
        };
        defocus.AddTo(command);
        command.SetAction(parse =>
        {
            string o = parse.GetValue(output)!;
            var options = defocus.Read(parse);
            var request = new ScaleCtfRequest(
                CommonOptions.Positive("--angpix-old", parse.GetValue(oldPixel)),
                CommonOptions.Positive("--angpix-new", parse.GetValue(newPixel)), options);
            var report = CtfScaling.ScaleCtfFile(parse.GetValue(input)!, o, request);
            MetadataOutput.Print(console, o, report, options, parse.GetValue(json));
            return (int)ExitCode.Ok;
        });
        return command;
    }
}
