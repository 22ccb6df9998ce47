using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using CryoMerge.Core;
using CryoMerge.Tests;
using CsCheck;
using static CryoMerge.Cli.Tests.InputMutations;

namespace CryoMerge.Cli.Tests;

/// <summary>
/// The property of issue 19 for whole commands: real MRC and STAR files from ../shared/data/real, damaged in every way
/// <see cref="InputMutations"/> knows, given to <c>info</c> and to one transforming command of each kind (rescale of a
/// file and of a STAR file, rescale-particles, scale-ctf, relabel, join, window), in-process. For every case: exit code
/// 0, or 1 with exactly one "cryomerge:" line and no stack trace; never "internal error"; nothing written when it
/// fails; the input unchanged. At least 10,000 cases.
/// </summary>
public sealed partial class InputFuzzTests
{
    public const int Cases = 10_000;

    /// <summary>Small real files (stacks cut to their first images): the cases are many, each must be quick.</summary>
    private static readonly (string Path, int KeepImages)[] MrcSources =
    [
        ("mrcfile/EMD-3197.map", 0),                                              // 20^3 map
        ("mrcfile/EMD-3001.map", 0),                                              // axis order 3, 1, 2
        ("tempy/emd_5168_monomer.mrc", 0),                                        // non-cubic, origin
        ("sppractice/Extract/job009/Movies/20170629_00021_frameImage.mrcs", 4),   // float16 particles
        ("cryodrgn/relion31.mrcs", 1),                                            // old header, no 'MAP '
        ("aspire/sample.mrcs", 2),                                                // header pixel size 0
    ];

    private static readonly (string Path, int KeepRows)[] StarSources =
    [
        ("aspire/sample_particles_relion31.star", 0),       // 3.1 particles of sample.mrcs (present: window runs)
        ("cryodrgn/relion31.star", 0),                      // 3.1 particles
        ("cryodrgn/empiar_10076_7.star", 0),                // 3.0 particles
        ("em-testdata/micrographs_ctf.star", 0),            // 3.1 micrographs
        ("em-testdata/particles_1k.star", 40),              // 3.1 particles, cut to 40 rows
        ("sppractice/MotionCorr/job002/corrected_micrographs.star", 3),   // its first 3 micrographs are provided
        ("isecc/test.star", 0),
        ("starfile/postprocess.star", 0),                   // not a data set: every command refuses it
    ];

    /// <summary>Each source's join partner: another data set of its kind where there is one, so a join can
    /// succeed.</summary>
    private static readonly int[] JoinPartner = [1, 0, 0, 5, 0, 3, 0, 0];

    private enum Command { RescaleParticles, ScaleCtf, Relabel, Join, Window, RescaleStar }

    private sealed class Tally
    {
        public int Cases, Ok, Refused;
        public readonly int[] OkBy = new int[8], RefusedBy = new int[8];
    }

    [Fact]
    public void DamagedRealFilesGiveExitZeroOrOneLineAndExitOneWithNothingWritten()
    {
        Requires.SharedData();
        using var root = new FuzzFolder();
        string shared = Directory.CreateDirectory(Path.Combine(root.Path, "shared")).FullName;
        var mrcs = MrcSources.Select(s => Cut(File.ReadAllBytes(TestFiles.RealFile(s.Path)), s.KeepImages)).ToArray();
        var stars = StarSources.Select(s => KeepRows(File.ReadAllText(TestFiles.RealFile(s.Path)), s.KeepRows))
            .ToArray();
        // The stack the aspire particles name, for window; and each STAR source unharmed, for join.
        File.Copy(TestFiles.RealFile("aspire/sample.mrcs"), Path.Combine(shared, "sample.mrcs"));
        // Micrographs under the names corrected_micrographs.star gives its first rows (the real ones are not in the
        // data): a real 200 x 200 image each, so that rescaling the STAR file can succeed.
        string movies = Directory.CreateDirectory(Path.Combine(shared, "MotionCorr", "job002", "Movies")).FullName;
        var image = Cut(File.ReadAllBytes(TestFiles.RealFile("aspire/sample.mrcs")), 1);
        foreach (int m in new[] { 21, 22, 23 })
            File.WriteAllBytes(Path.Combine(movies, $"20170629_000{m}_frameImage.mrc"), image);
        for (int i = 0; i < stars.Length; i++) File.WriteAllText(Path.Combine(shared, $"original{i}.star"), stars[i]);
        var sharedBefore = Snapshot(shared);
        var tally = new Tally();
        var watch = Stopwatch.StartNew();

        var mrcCase = Gen.Select(Gen.Int[0, MrcSources.Length - 1], Mrc.Array[1, 3], Gen.Int[0, 2])
            .Select(c => (Star: false, Source: c.Item1, Mutations: c.Item2, Command: c.Item3));
        var starCase = Gen.Select(Gen.Int[0, StarSources.Length - 1], Star.Array[1, 3], Gen.Int[0, 5])
            .Select(c => (Star: true, Source: c.Item1, Mutations: c.Item2, Command: c.Item3));
        Gen.Frequency((2, mrcCase), (3, starCase)).Sample(c =>
        {
            string dir = Path.Combine(shared, "cases", Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(dir);
            try
            {
                if (c.Star) RunStarCase(dir, shared, stars, c.Source, c.Mutations, (Command)c.Command, tally);
                else RunMrcCase(dir, mrcs, c.Source, c.Mutations, c.Command, tally);
            }
            finally
            {
                Directory.Delete(dir, recursive: true);
            }
        }, iter: Cases, threads: 2);

        Assert.Equal(Cases, tally.Cases);
        Assert.Equal(sharedBefore, Snapshot(shared, skip: "cases"));
        var output = TestContext.Current.TestOutputHelper;
        output?.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{tally.Cases} cases (as many transforming and info runs) in {watch.Elapsed.TotalSeconds:0} s: ")
            + $"{tally.Ok} transforming runs exit 0, {tally.Refused} exit 1");
        var byCommand = Enumerable.Range(0, 8).Select(k => $"{Name(k)} {tally.OkBy[k]}/{tally.RefusedBy[k]}");
        output?.WriteLine("by command (exit 0 / exit 1): " + string.Join(", ", byCommand));
        // Both outcomes must be common, or the mutations do not reach the commands' own checks.
        Assert.True(tally.Ok > Cases / 20 && tally.Refused > Cases / 4, $"exit 0: {tally.Ok}, exit 1: {tally.Refused}");
    }


    private static string Name(int k) => k switch
    {
        6 => "rescale (MRC)",
        7 => "window (mutated stack)",
        _ => ((Command)k).ToString(),
    };

    private static void RunMrcCase(string dir, byte[][] mrcs, int source, Mutation[] mutations, int command,
        Tally tally)
    {
        string name = MrcSources[source].Path;
        string ext = name.EndsWith(".mrcs", StringComparison.Ordinal) ? ".mrcs" : Path.GetExtension(name);
        string input = Path.Combine(dir, "m" + ext);
        var bytes = ApplyMrc(mrcs[source], mutations);
        File.WriteAllBytes(input, bytes);
        Check(dir, [input], ["info", input], bytes, input, null);
        string[] args;
        string[] inputs = [input];
        int kind = 6;
        if (command == 2 && ext == ".mrcs")
        {
            // A STAR file naming the damaged stack's first images, windowed.
            string star = Path.Combine(dir, "stack.star");
            File.WriteAllText(star, "data_\nloop_\n_rlnImageName\n000001@m.mrcs\n000002@m.mrcs\n");
            inputs = [input, star];
            args = ["window", "--i", star, "--box", "32", "--threads", "1", "--o", Path.Combine(dir, "out")];
            kind = 7;
        }
        else
        {
            args = command == 1
                ? ["rescale", "--i", input, "--o", Path.Combine(dir, "out.mrc"), "--angpix", "1.3", "--rescale-angpix",
                   "2.6", "--threads", "1"]
                : ["rescale", "--i", input, "--o", Path.Combine(dir, "out.mrc"), "--rescale-angpix", "2.6", "--threads",
                   "1"];
        }
        Count(tally, kind, Check(dir, inputs, args, bytes, input, Path.Combine(dir, "out")));
    }

    private static void RunStarCase(string dir, string shared, string[] stars, int source, Mutation[] mutations,
        Command command, Tally tally)
    {
        // Two folders below the shared one, so that names in the STAR file resolve there (sample.mrcs) as in RELION.
        string input = Path.Combine(dir, "in.star");
        var bytes = ApplyStar(stars[source], mutations);
        File.WriteAllBytes(input, bytes);
        Check(dir, [input], ["info", input], bytes, input, null);
        string output = Path.Combine(dir, "out.star");
        string[] args = command switch
        {
            Command.RescaleParticles =>
                ["rescale-particles", "--i", input, "--o", output, "--pix-nominal", "1.4", "--pix-relative", "1.36",
                 "--pix-target", "1.5"],
            Command.ScaleCtf =>
                ["scale-ctf", "--i", input, "--o", output, "--angpix-old", "1.4", "--angpix-new", "1.37"],
            Command.Relabel => ["relabel", "--i", input, "--o", output, "--pix-relative", "1.37"],
            Command.Join => ["join", input, Path.Combine(shared, $"original{JoinPartner[source]}.star"), "--o", output],
            Command.Window =>
                ["window", "--i", input, "--box", "64", "--threads", "1", "--o", Path.Combine(dir, "out")],
            _ => ["rescale", "--i", input, "--o", Path.Combine(dir, "out"), "--rescale-angpix", "2.8", "--threads",
                  "1"],
        };
        string written = command is Command.Window or Command.RescaleStar ? Path.Combine(dir, "out") : output;
        Count(tally, (int)command, Check(dir, [input], args, bytes, input, written));
    }

    [GeneratedRegex(@"^(cryomerge: .+|warning: .+|[^:]+: \d+/\d+ \(\d+ %\), .+)$")]
    private static partial Regex AllowedLine();

    /// <summary>Runs one command line and checks the property; true when it exited 0.</summary>
    private static bool Check(string dir, string[] inputs, string[] args, byte[] inputBytes, string input,
        string? output)
    {
        var before = Directory.GetFileSystemEntries(dir).Order().ToArray();
        var result = CliRunner.Run(args);
        string what = $"cryomerge {string.Join(' ', args)}";
        Assert.False(result.Error.Contains("internal error", StringComparison.Ordinal), $"{what}\n{result.Error}");
        Assert.False(result.Error.Contains("\n   at ", StringComparison.Ordinal),
            $"{what}: a stack trace\n{result.Error}");
        Assert.True(inputBytes.AsSpan().SequenceEqual(File.ReadAllBytes(input)), $"{what} changed its input");
        Assert.Empty(Directory.GetFiles(dir, "*" + OutputFiles.TemporarySuffix, SearchOption.AllDirectories));
        if (result.ExitCode == 0) return true;
        Assert.True(result.ExitCode == 1, $"{what}: exit code {result.ExitCode}\n{result.Error}");
        var lines = result.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.All(lines, l => Assert.Matches(AllowedLine(), l));
        Assert.True(lines.Count(l => l.StartsWith("cryomerge: ", StringComparison.Ordinal)) == 1,
            $"{what}: not one error line\n{result.Error}");
        // Nothing written: the case folder holds what it held before (the inputs), no output file or folder.
        Assert.Equal(before, Directory.GetFileSystemEntries(dir).Order().ToArray());
        if (output is not null)
            Assert.False(File.Exists(output) || Directory.Exists(output), $"{what} failed but wrote {output}");
        return false;
    }

    private static void Count(Tally tally, int kind, bool ok)
    {
        Interlocked.Increment(ref tally.Cases);
        Interlocked.Increment(ref ok ? ref tally.Ok : ref tally.Refused);
        Interlocked.Increment(ref ok ? ref tally.OkBy[kind] : ref tally.RefusedBy[kind]);
    }

    /// <summary>
    /// A real stack cut to its first <paramref name="images"/> images (NZ and MZ set to match); 0 keeps the file whole.
    /// </summary>
    private static byte[] Cut(byte[] file, int images)
    {
        if (images == 0) return file;
        int nx = BitConverter.ToInt32(file, 0), ny = BitConverter.ToInt32(file, 4);
        int mode = BitConverter.ToInt32(file, 12);
        int nsymbt = BitConverter.ToInt32(file, 92);
        int bytesPerVoxel = mode switch { 0 => 1, 1 or 6 or 12 => 2, _ => 4 };
        var cut = file[..(1024 + nsymbt + images * nx * ny * bytesPerVoxel)];
        BitConverter.TryWriteBytes(cut.AsSpan(8), images);
        BitConverter.TryWriteBytes(cut.AsSpan(36), images);
        return cut;
    }

    /// <summary>A STAR file with only the first <paramref name="rows"/> rows of each loop (0: all).</summary>
    private static string KeepRows(string text, int rows)
    {
        if (rows == 0) return text;
        var kept = new List<string>();
        int inBody = -1;
        foreach (var line in text.Split('\n'))
        {
            string t = line.Trim();
            if (t.StartsWith('_')) inBody = 0;
            else if (t.Length == 0 || t.StartsWith("data_", StringComparison.Ordinal)) inBody = -1;
            else if (inBody >= 0 && !t.StartsWith('#') && ++inBody > rows) continue;
            kept.Add(line);
        }
        return string.Join('\n', kept);
    }

    /// <summary>
    /// The cases' folder: in memory (/dev/shm) where there is one, since every case creates and deletes a few small
    /// files and a busy disk's metadata writes would dominate; else the temporary folder.
    /// </summary>
    private sealed class FuzzFolder : IDisposable
    {
        public string Path { get; } = System.IO.Path.Combine(
            Directory.Exists("/dev/shm") ? "/dev/shm" : System.IO.Path.GetTempPath(),
            "cryomerge-fuzz-" + Guid.NewGuid().ToString("N")[..12]);

        public void Dispose()
        {
            try { Directory.Delete(Path, recursive: true); } catch (IOException) { }
        }
    }

    private static Dictionary<string, string> Snapshot(string folder, string? skip = null) =>
        Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories)
            .Where(f => skip is null || !Path.GetRelativePath(folder, f).StartsWith(skip, StringComparison.Ordinal))
            .ToDictionary(f => Path.GetRelativePath(folder, f), FileHash.Content);
}
