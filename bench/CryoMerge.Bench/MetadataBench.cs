using System.Globalization;
using CryoMerge.Core.Ctf;
using CryoMerge.Core.Merging;

namespace CryoMerge.Bench;

/// <summary>
/// rescale-particles, scale-ctf and join on a generated RELION 3.1 particle file of N rows (each: read, change,
/// write, as the command does), beside relion_star_handler on the same files in the same run: plain read + write,
/// and the nearest operation RELION has for each (--operate ... --multiply_by/--add_to; --combine --check_duplicates).
/// </summary>
internal static class MetadataBench
{
    public static void Run(int rows, string workDirectory, TextWriter report)
    {
        Directory.CreateDirectory(workDirectory);
        // One file of N rows for rescale-particles and scale-ctf; two data sets of N/2 rows, whose optics groups are
        // both called opticsGroup1, for join, so that every output has N particles.
        string a = Path.Combine(workDirectory, $"particles_{rows}.star");
        string half1 = Path.Combine(workDirectory, $"particles_{rows / 2}.star");
        string half2 = Path.Combine(workDirectory, $"particles_{rows / 2}_b.star");
        if (!File.Exists(a)) StarBench.Generate(a, rows);
        if (!File.Exists(half1)) StarBench.Generate(half1, rows / 2);
        if (!File.Exists(half2)) StarBench.Generate(half2, rows / 2, job: 22);
        string ours = Path.Combine(workDirectory, "ours.star"), relion = Path.Combine(workDirectory, "relion.star");
        report.WriteLine($"## Metadata: {rows:N0} particles, {new FileInfo(a).Length / 1048576.0:F0} MiB");
        report.WriteLine();

        // The generated file: 0.88 A micrographs, 1.12 A images, Cs 2.7 mm, 300 kV.
        var change = DefocusRescaling.ForBand(0.88, 0.87, 2.7, 300);
        string factor = (change.Factor).ToString("R", CultureInfo.InvariantCulture), constant = change.Constant.ToString("R", CultureInfo.InvariantCulture);
        string coordinates = (0.87 / 1.12).ToString("R", CultureInfo.InvariantCulture);
        var steps = new (string Name, Action Ours, string[] Relion, string RelionDoes)[]
        {
            ("read + write", () => Core.Formats.StarFile.Read(a).Write(ours), ["--i", a, "--o", relion], "the same"),
            ("rescale-particles", () => ParticleRescaling.RescaleFile(a, ours, new RescaleParticlesRequest(0.88, 0.87, 1.12, new MicrographRenaming("Rescaled"))),
                ["--i", a, "--o", relion, "--operate", "rlnCoordinateX", "--operate2", "rlnCoordinateY", "--multiply_by", coordinates],
                "coordinates only"),
            ("scale-ctf", () => CtfScaling.ScaleCtfFile(a, ours, new ScaleCtfRequest(0.88, 0.87)),
                ["--i", a, "--o", relion, "--operate", "rlnDefocusU", "--operate2", "rlnDefocusV", "--multiply_by", factor, "--add_to", constant],
                "defocus only"),
            ("join (2 x N/2)", () => StarJoin.JoinFiles([half1, half2], ours),
                ["--combine", "--i", $"{half1} {half2}", "--o", relion, "--check_duplicates", "rlnImageName"],
                "merges the two opticsGroup1 into one"),
        };
        report.WriteLine("| step | CryoMerge (s) | peak MiB | relion_star_handler (s) | peak MiB | RELION's step | ratio (ours / RELION) |");
        report.WriteLine("|---|---:|---:|---:|---:|---|---:|");
        foreach (var (name, action, arguments, does) in steps)
        {
            var o = Measure.InProcess(action, repeats: 2);
            var r = Measure.External("relion_star_handler", arguments, repeats: 1);
            report.WriteLine($"| {name} | {o.Seconds:F2} | {o.PeakMiB:F0} | {r.Seconds:F2} | {r.PeakMiB:F0} | {does} | {o.Seconds / r.Seconds:F3} ({r.Seconds / o.Seconds:F1}x faster) |");
        }
        report.WriteLine();
    }
}
