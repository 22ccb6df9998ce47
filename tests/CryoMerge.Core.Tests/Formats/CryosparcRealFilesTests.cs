using CryoMerge.Core.Formats;
using CryoMerge.Core.Merging;
using CryoMerge.Tests;

namespace CryoMerge.Core.Tests.Formats;

/// <summary>The real cryoSPARC files of ../shared/data/real/cryodrgn (see its SOURCES.md) read and converted.</summary>
public sealed class CryosparcRealFilesTests
{
    /// <summary>2,019 particles of a refinement, with alignments3D.</summary>
    public const string Refinement = "cryodrgn/cryosparc_P12_J24_001_particles.cs";

    /// <summary>22 exported particles with alignments2D and '>' names.</summary>
    public const string Exported2D = "cryodrgn/cryosparc_J2_particles_exported.cs";

    /// <summary>The 7 particles of empiar_10076_7.star.</summary>
    public const string Empiar = "cryodrgn/empiar_10076_7.cs";

    public static TheoryData<string> Files() => new([Refinement, Exported2D, Empiar]);

    [Theory]
    [MemberData(nameof(Files))]
    public void ReadsEveryFieldAsNumpyDoes(string file)
    {
        Requires.SharedData();
        Requires.Numpy();
        var cs = CryosparcFile.Read(TestFiles.RealFile(file));
        string numpy = NpyTestFiles.Python("""
            a = np.load(sys.argv[1])
            print(len(a))
            for d in a.dtype.descr: print(d[0], d[1], d[2] if len(d) > 2 else '')
            print(repr(float(a['blob/psize_A'][-1])), a['blob/path'][-1].decode(), int(a['uid'][-1]))
            """, TestFiles.RealFile(file));
        var lines = numpy.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(int.Parse(lines[0]), cs.RowCount);
        string Shape(NpyField f) => f.Shape.Count == 0 ? "" : $"({string.Join(", ", f.Shape)},)";
        Assert.Equal(lines[1..^1].Select(l => l.Trim()),
            cs.Data.Columns.Select(c => $"{c.Name} {c.Field.TypeString} {Shape(c.Field)}".Trim()));
        int last = cs.RowCount - 1;
        Assert.Equal(lines[^1],
            $"{(double)cs.Data.Column("blob/psize_A").GetSingle(last):R} {cs.Data.Column("blob/path").GetString(last)} "
                + $"{cs.Data.Column("uid").GetUInt64(last)}");
    }

    [Fact]
    public void EmpiarParticlesGiveTheDefocusOfRelionsStarFile()
    {
        Requires.SharedData();
        var (star, report) = CryosparcToRelion.Convert(CryosparcFile.Read(TestFiles.RealFile(Empiar)));
        var relion = StarFile.Read(TestFiles.RealFile("cryodrgn/empiar_10076_7.star")).Blocks[0].Table!;
        var ours = star.Block("particles").Table!;
        Assert.Equal(relion.RowCount, ours.RowCount);
        for (int r = 0; r < relion.RowCount; r++)
        {
            // cryoSPARC keeps float32: the STAR's 15301.1 is the float32 nearest to it, which we write "15301.1".
            foreach (var label in new[] { "rlnDefocusU", "rlnDefocusV" })
            {
                Assert.Equal(relion.GetDouble(r, label), ours.GetDouble(r, label));
                Assert.Equal(relion.Column(label).Raw(r).TrimEnd('0').TrimEnd('.'), ours.Column(label).Raw(r));
            }
            Assert.Equal(relion.GetDouble(r, "rlnDefocusAngle"), ours.GetDouble(r, "rlnDefocusAngle"), 5);
            var (index, stack) = RelionPaths.SplitImageName(relion.GetString(r, "rlnImageName"));
            var (ourIndex, ourStack) = RelionPaths.SplitImageName(ours.GetString(r, "rlnImageName"));
            Assert.Equal(index, ourIndex);
            // blob/path is relative to the cryoSPARC project, and no project folder was given: kept as it is.
            Assert.Equal(stack, ourStack);
        }
        var optics = star.Block("optics").Table!;
        Assert.Equal(1, optics.RowCount);
        Assert.Equal("exp_group_23", optics.GetString(0, "rlnOpticsGroupName"));
        Assert.Equal(1, ours.GetInt(0, "rlnOpticsGroup"));
        Assert.Equal(10000 * 5 / 38168.0, optics.GetDouble(0, "rlnImagePixelSize"), 6);
        Assert.Equal(320, optics.GetInt(0, "rlnImageSize"));
        Assert.Equal((300.0, 2.7, 0.07), (optics.GetDouble(0, "rlnVoltage"), optics.GetDouble(0,
            "rlnSphericalAberration"), Math.Round(optics.GetDouble(0, "rlnAmplitudeContrast"), 7)));
        Assert.Null(report.Alignments);
        Assert.Contains("uid", report.LeftOut);
        Assert.Contains(report.Notes, n => n.Contains("blob/sign is -1"));
    }

    [Fact]
    public void RefinementPosesShiftsAndHalvesComeBackExactlyThroughStar()
    {
        Requires.SharedData();
        using var dir = new TempDir();
        var cs = CryosparcFile.Read(TestFiles.RealFile(Refinement));
        var importReport = CryosparcConversion.ToStar(cs.Path, dir.File("p.star"),
            new CryosparcImportOptions(ProjectDirectory: "/data/P12"));
        Assert.Equal("alignments3D", importReport.Alignments);
        var star = StarFile.Read(dir.File("p.star"));
        var particles = star.Block("particles").Table!;
        Assert.StartsWith("000001@/data/P12/J19/extract/", particles.GetString(0, "rlnImageName"));
        Assert.Equal([1, 2], Enumerable.Range(0, particles.RowCount).Select(r => particles.GetInt(r,
            "rlnRandomSubset")).Distinct().Order());

        CryosparcConversion.ToCryosparc(dir.File("p.star"), dir.File("back.cs"),
            new CryosparcExportOptions(BlobSign: _ => -1));
        var back = CryosparcFile.Read(dir.File("back.cs"));
        Assert.Equal(cs.RowCount, back.RowCount);
        var (pose, pose2) = (cs.Data.Column("alignments3D/pose"), back.Data.Column("alignments3D/pose"));
        var (shift, shift2) = (cs.Data.Column("alignments3D/shift"), back.Data.Column("alignments3D/shift"));
        int longer = 0;
        for (int r = 0; r < cs.RowCount; r++)
        {
            var w = (pose.GetSingle(r, 0), pose.GetSingle(r, 1), pose.GetSingle(r, 2));
            var w2 = (pose2.GetSingle(r, 0), pose2.GetSingle(r, 1), pose2.GetSingle(r, 2));
            if (Math.Sqrt(w.Item1 * w.Item1 + w.Item2 * w.Item2 + w.Item3 * w.Item3) <= Math.PI) Assert.Equal(w, w2);
            else
            {
                // cryoSPARC wrote a vector longer than pi: the same rotation comes back written the short way.
                longer++;
                double angle = CryoMerge.Core.Matrix3.AngleBetween(CryosparcPose.RotationFromVector(w.Item1,
                    w.Item2, w.Item3),
                    CryosparcPose.RotationFromVector(w2.Item1, w2.Item2, w2.Item3));
                Assert.True(angle < 5e-7, $"row {r + 1}: {angle} rad");
            }
            Assert.Equal((shift.GetSingle(r, 0), shift.GetSingle(r, 1)), (shift2.GetSingle(r, 0), shift2.GetSingle(r,
                1)));
            Assert.Equal(cs.Data.Column("alignments3D/split").GetInt64(r),
                back.Data.Column("alignments3D/split").GetInt64(r));
            foreach (var f in new[] { "ctf/df1_A", "ctf/df2_A", "ctf/df_angle_rad", "blob/psize_A", "ctf/accel_kv",
                "ctf/cs_mm", "ctf/amp_contrast" })
                Assert.Equal(cs.Data.Column(f).GetSingle(r), back.Data.Column(f).GetSingle(r));
            Assert.Equal(cs.Data.Column("blob/idx").GetInt64(r), back.Data.Column("blob/idx").GetInt64(r));
            Assert.Equal(cs.Data.Column("ctf/exp_group_id").GetInt64(r),
                back.Data.Column("ctf/exp_group_id").GetInt64(r));
        }
        Assert.Equal(291, longer);
        // The stacks are not on this machine: their names stay as the STAR file gives them.
        const string stack = "20150917_05196_DNA-TET-25k-DE20_raw.region_000.sum-all_003-072_particles.mrc";
        Assert.Equal("/data/P12/J19/extract/" + stack,
            back.Data.Column("blob/path").GetString(0));
    }

    [Fact]
    public void ExportedTwoDimensionalClassesGiveInPlaneAnglesAndPathsBesideTheFile()
    {
        Requires.SharedData();
        var cs = CryosparcFile.Read(TestFiles.RealFile(Exported2D));
        var (star, report) = CryosparcToRelion.Convert(cs, new CryosparcImportOptions(ExportDirectory: "export"));
        var t = star.Block("particles").Table!;
        Assert.Equal("alignments2D", report.Alignments);
        Assert.False(t.Has("rlnAngleRot"));
        Assert.Equal((double)cs.Data.Column("alignments2D/pose").GetSingle(1) * 180 / Math.PI, t.GetDouble(1,
            "rlnAnglePsi"), 10);
        Assert.Equal(6 * 1.3450001f, t.GetDouble(1, "rlnOriginXAngst"), 5);
        Assert.Equal(5, t.GetInt(0, "rlnClassNumber"));
        Assert.Equal("000001@export/J1/imported/000090334788266266069_18jam15b_0345_ali_DW.mrcs", t.GetString(0,
            "rlnImageName"));
    }

    [Fact]
    public void InfoSummaryDescribesGroupsPixelSizesAndAlignments()
    {
        Requires.SharedData();
        var s = CryosparcSummary.Of(CryosparcFile.Read(TestFiles.RealFile(Refinement)));
        Assert.Equal(2019, s.Rows);
        Assert.Equal("NumPy 1.0, little-endian", s.Format);
        Assert.Equal(CryosparcDataKind.Particles, s.Kind);
        var group = Assert.Single(s.ExposureGroups);
        Assert.Equal(0, group.Id);
        Assert.Equal((2.95f, 2019), Assert.Single(s.PixelSizes));
        Assert.Equal(180, group.OpticsGroups[0].Box);
        Assert.True(s.Alignments is { ThreeD: true, BothHalves: true, Slot: "alignments3D" });
        Assert.Equal(50, s.Stacks);
        Assert.Equal("relative to the cryoSPARC project folder", s.PathForm);
    }

    [Theory]
    [MemberData(nameof(Files))]
    public void RelionReadsTheConvertedStarFile(string file)
    {
        Requires.SharedData();
        Requires.Relion("relion_star_handler");
        using var dir = new TempDir();
        var report = CryosparcConversion.ToStar(TestFiles.RealFile(file), dir.File("p.star"));
        var run = Tool.Run("relion_star_handler", ["--i", dir.File("p.star"), "--o", dir.File("check.star")]);
        Assert.True(run.ExitCode == 0, run.Stderr + run.Stdout);
        Assert.DoesNotContain("WARNING", run.Stdout + run.Stderr);
        var check = StarFile.Read(dir.File("check.star"));
        Assert.Equal(report.Rows, check.Block("particles").Table!.RowCount);
        Assert.Equal(report.OpticsGroups.Select(g => g.Name), Enumerable.Range(0, check.Block("optics").Table!.RowCount)
            .Select(r => check.Block("optics").Table!.GetString(r, "rlnOpticsGroupName")));
    }
}
