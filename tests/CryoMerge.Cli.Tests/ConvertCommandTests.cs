using System.Text.Json;
using CryoMerge.Core.Formats;
using CryoMerge.Tests;

namespace CryoMerge.Cli.Tests;

/// <summary><c>cryomerge convert</c> between cryoSPARC .cs and STAR, and <c>cryomerge info</c> on .cs files.</summary>
public sealed class ConvertCommandTests
{
    private static string Refinement => TestFiles.RealFile("cryodrgn/cryosparc_P12_J24_001_particles.cs");

    [Fact]
    public void InfoDescribesACsFileLikeAStarFile()
    {
        Requires.SharedData();
        var result = CliRunner.Run("info", Refinement);
        Assert.Equal(0, result.ExitCode);
        Assert.Contains("rows        2019", result.Out);
        Assert.Contains("exp group 0   2019 rows: 2.95 A, box 180, 200 kV, Cs 2 mm, amplitude contrast 0.07 -> optics "
            + "group 1 exp_group_0", result.Out);
        Assert.Contains("alignments  alignments3D: 3D poses, shifts in pixels of 2.95 A, two half sets", result.Out);
        Assert.Contains("blob/path(|S89)", result.Out);

        var json = JsonDocument.Parse(CliRunner.Run("info", Refinement,
            TestFiles.RealFile("cryodrgn/empiar_10076_7.cs"),
            "--json").Out).RootElement;
        Assert.Equal(["cryosparc", "cryosparc"], json.EnumerateArray().Select(e => e.GetProperty("kind").GetString()));
        Assert.Equal(23, json[1].GetProperty("exposureGroups")[0].GetProperty("id").GetInt64());
        Assert.Equal(JsonValueKind.Null, json[1].GetProperty("alignments").ValueKind);
        Assert.Equal(34, json[0].GetProperty("fields").GetArrayLength());
    }

    [Fact]
    public void BadOrTruncatedCsFilesAreOneLineAndExitCodeOne()
    {
        Requires.SharedData();
        using var dir = new TempDir();
        var bytes = File.ReadAllBytes(Refinement);
        File.WriteAllBytes(dir.File("cut.cs"), bytes[..(bytes.Length / 2)]);
        File.WriteAllText(dir.File("text.cs"), "uid,blob/path\n1,a.mrcs\n");
        foreach (var (file, problem) in new[] { ("cut.cs", "is truncated"), ("text.cs", "is not a NumPy .npy/.cs file"),
            ("missing.cs", "file not found") })
        {
            foreach (var args in new[] { new[] { "info", dir.File(file) }, ["convert", dir.File(file), "--o",
                dir.File("out.star")] })
            {
                var result = CliRunner.Run(args);
                Assert.Equal(1, result.ExitCode);
                Assert.Equal("", result.Out);
                string line = Assert.Single(result.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
                Assert.StartsWith($"cryomerge: {dir.File(file)}: {problem}", line);
            }
            Assert.False(File.Exists(dir.File("out.star")));
        }
    }

    [Fact]
    public void ConvertsBothWaysAndNumpyReadsTheCsBackWithCryosparcsFields()
    {
        Requires.SharedData();
        using var dir = new TempDir();
        var toStar = CliRunner.Run("convert", Refinement, "--o", dir.File("p.star"), "--cryosparc-project", "/data/P12",
            "--json");
        Assert.Equal(0, toStar.ExitCode);
        var json = JsonDocument.Parse(toStar.Out).RootElement;
        Assert.Equal(2019, json.GetProperty("rows").GetInt32());
        Assert.Equal("alignments3D", json.GetProperty("alignments").GetString());
        Assert.Contains("uid", json.GetProperty("leftOut").EnumerateArray().Select(e => e.GetString()));
        Assert.Contains("warning: blob/sign is -1", toStar.Error);

        var toCs = CliRunner.Run("convert", dir.File("p.star"), "--o", dir.File("p.cs"), "--blob-sign", "-1");
        Assert.Equal(0, toCs.ExitCode);
        Assert.Contains("wrote " + dir.File("p.cs") + ": 2019 particles", toCs.Out);
        var original = CryosparcFile.Read(Refinement);
        var back = CryosparcFile.Read(dir.File("p.cs"));
        // Every field of the original except the import signature is written back under its name and NumPy type.
        Assert.Equal(original.Data.Columns.Select(c => c.Name), back.Data.Columns.Select(c =>
            c.Name).Intersect(original.Data.Columns.Select(c => c.Name)));
        foreach (var c in original.Data.Columns.Where(c => c.Name != "blob/path" && c.Name != "ctf/type"))
            Assert.Equal(c.Field.Describe(), back.Data.Column(c.Name).Field.Describe());
        Assert.Equal(-1f, back.Data.Column("blob/sign").GetSingle(0));

        Requires.Numpy();
        string numpy = Tool.Run(Requires.DebianPython, ["-c", """
            import numpy as np, sys
            a, b = np.load(sys.argv[1]), np.load(sys.argv[2])
            print(len(b), set(a.dtype.names) <= set(b.dtype.names))
            print(np.array_equal(a['alignments3D/shift'], b['alignments3D/shift']), np.array_equal(a['ctf/df1_A'],
                b['ctf/df1_A']))
            """, Refinement, dir.File("p.cs")]).Stdout;
        Assert.Equal("2019 True\nTrue True\n", numpy);
    }

    [Fact]
    public void RefusesAConversionToTheSameFormatAsAUsageError()
    {
        Requires.SharedData();
        using var dir = new TempDir();
        var result = CliRunner.Run("convert", Refinement, "--o", dir.File("same.cs"));
        Assert.Equal(2, result.ExitCode);
        Assert.Contains(".cs file into a .star file", result.Error);
        Assert.Equal(1, CliRunner.Run("convert", TestFiles.RealFile("cryodrgn/relion31.star"), "--o", dir.File("x.cs"),
            "--blob-sign", "2").ExitCode);
    }

    [Fact]
    public void ConvertsARelion30StarFileThroughRelions31Conversion()
    {
        Requires.SharedData();
        using var dir = new TempDir();
        var result = CliRunner.Run("convert", TestFiles.RealFile("cryodrgn/empiar_10076_7.star"), "--o",
            dir.File("e.cs"));
        Assert.Equal(0, result.ExitCode);
        Assert.Contains("converted from RELION 3.0", result.Error);
        var cs = CryosparcFile.Read(dir.File("e.cs"));
        Assert.Equal(7, cs.RowCount);
        Assert.Equal(15301.1f, cs.Data.Column("ctf/df1_A").GetSingle(0));
        Assert.Equal(1.309997904f, cs.Data.Column("blob/psize_A").GetSingle(0), 6);
        // The stack is found beside the STAR file, which is not inside the output's folder: an absolute name.
        Assert.Equal(TestFiles.RealFile("cryodrgn/empiar_10076_7.mrc"), cs.Data.Column("blob/path").GetString(0));
        Assert.Equal(320, cs.Data.Column("blob/shape").GetInt64(0, 0));
    }
}
