using System.Globalization;
using System.Text;
using CryoMerge.Core.Formats;

namespace CryoMerge.Bench;

/// <summary>
/// Reads and writes a generated RELION 3.1 particle file of N rows with our STAR code, and times
/// relion_star_handler --i big.star --o out.star (read + write) on the same file in the same run.
/// </summary>
internal static class StarBench
{
    public static void Run(int rows, string workDirectory, TextWriter report)
    {
        Directory.CreateDirectory(workDirectory);
        string input = Path.Combine(workDirectory, $"particles_{rows}.star");
        if (!File.Exists(input)) Generate(input, rows);
        long bytes = new FileInfo(input).Length;
        report.WriteLine($"## STAR: {rows:N0} particles, 26 columns, {bytes / 1048576.0:F0} MiB");
        report.WriteLine();

        var read = Measure.InProcess(() => StarFile.Read(input));
        string ours = Path.Combine(workDirectory, "ours.star");
        var star = StarFile.Read(input);
        var write = Measure.InProcess(() => star.Write(ours));
        star = null;
        var both = Measure.InProcess(() => StarFile.Read(input).Write(ours));
        var relion = Measure.External("relion_star_handler", ["--i", input, "--o", Path.Combine(workDirectory, "relion.star")], repeats: 2);

        report.WriteLine("| step | CryoMerge (s) | peak MiB | relion_star_handler (s) | peak MiB | ratio (ours / RELION) |");
        report.WriteLine("|---|---:|---:|---:|---:|---:|");
        report.WriteLine($"| read | {read.Seconds:F2} | {read.PeakMiB:F0} | | | |");
        report.WriteLine($"| write | {write.Seconds:F2} | {write.PeakMiB:F0} | | | |");
        report.WriteLine($"| read + write | {both.Seconds:F2} | {both.PeakMiB:F0} | {relion.Seconds:F2} | {relion.PeakMiB:F0} | {both.Seconds / relion.Seconds:F3} ({relion.Seconds / both.Seconds:F1}x faster) |");
        report.WriteLine();
        var check = StarFile.Read(ours).Block("particles").RequireTable();
        if (check.RowCount != rows) throw new InvalidOperationException($"wrote {check.RowCount} rows, expected {rows}");
    }

    /// <summary>
    /// A refinement-like particle file: optics table plus 26 particle columns, deterministic values. Files made with
    /// different <paramref name="job"/> numbers name different stacks and micrographs, so that they can be joined.
    /// </summary>
    public static void Generate(string path, int rows, int job = 12)
    {
        var rng = new Random(2007 + job);   // 2019 for the default job 12, as before
        using var w = new StreamWriter(path, false, new UTF8Encoding(false), 1 << 20);
        var c = CultureInfo.InvariantCulture;
        w.Write("""

            # version 30001

            data_optics

            loop_
            _rlnOpticsGroupName #1
            _rlnOpticsGroup #2
            _rlnMicrographOriginalPixelSize #3
            _rlnVoltage #4
            _rlnSphericalAberration #5
            _rlnAmplitudeContrast #6
            _rlnImagePixelSize #7
            _rlnImageSize #8
            _rlnImageDimensionality #9
            opticsGroup1            1     0.880000   300.000000     2.700000     0.100000     1.120000          420            2


            # version 30001

            data_particles

            loop_

            """);
        string[] columns = ["rlnCoordinateX", "rlnCoordinateY", "rlnAnglePsi", "rlnAutopickFigureOfMerit", "rlnImageName", "rlnMicrographName",
            "rlnOpticsGroup", "rlnCtfMaxResolution", "rlnCtfFigureOfMerit", "rlnDefocusU", "rlnDefocusV", "rlnDefocusAngle", "rlnCtfBfactor",
            "rlnCtfScalefactor", "rlnPhaseShift", "rlnAngleRot", "rlnAngleTilt", "rlnOriginXAngst", "rlnOriginYAngst", "rlnClassNumber",
            "rlnNormCorrection", "rlnRandomSubset", "rlnLogLikeliContribution", "rlnMaxValueProbDistribution", "rlnNrOfSignificantSamples", "rlnGroupNumber"];
        for (int i = 0; i < columns.Length; i++) w.Write($"_{columns[i]} #{i + 1} \n");
        for (int r = 0; r < rows; r++)
        {
            int mic = r / 200 + 1;
            double du = 8000 + rng.NextDouble() * 17000;
            w.Write(string.Create(c, $"{rng.NextDouble() * 4096,12:F6} {rng.NextDouble() * 4096,12:F6} {rng.NextDouble() * 360 - 180,12:F6} {rng.NextDouble() * 3,12:F6} {r % 200 + 1:D6}@Extract/job{job:D3}/Movies/mic{mic:D6}.mrcs MotionCorr/job{job - 10:D3}/Movies/mic{mic:D6}.mrc            1     3.500000     0.120000 {du,12:F6} {du - 300,12:F6} {rng.NextDouble() * 180,12:F6}     0.000000     1.000000     0.000000 {rng.NextDouble() * 360 - 180,12:F6} {rng.NextDouble() * 180,12:F6} {rng.NextDouble() * 4 - 2,12:F6} {rng.NextDouble() * 4 - 2,12:F6}            1     {0.8 + rng.NextDouble() * 0.4:F6}            {r % 2 + 1} {1.6e5 + rng.NextDouble() * 1e3,12:E6} {rng.NextDouble(),12:F6}            {1 + rng.Next(20)}            {mic % 50 + 1}\n"));
        }
        w.Write('\n');
    }
}
