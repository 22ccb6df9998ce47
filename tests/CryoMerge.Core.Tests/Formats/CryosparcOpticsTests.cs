using CryoMerge.Core.Formats;

namespace CryoMerge.Core.Tests.Formats;

/// <summary>Exposure groups and optics groups, both ways (pyem issue 55; one pixel size per optics group).</summary>
public sealed class CryosparcOpticsTests
{
    /// <summary>A small particle dataset: one row per (exposure group, pixel size, shift in pixels at 2 A).</summary>
    private static CryosparcFile Particles(params (long Group, float Pixel)[] rows)
    {
        var a = new NpyArray(rows.Length);
        var uid = a.AddColumn(NpyField.Of("uid", "<u8"));
        var path = a.AddColumn(NpyField.Of("blob/path", "|S12"));
        var idx = a.AddColumn(NpyField.Of("blob/idx", "<u4"));
        var shape = a.AddColumn(NpyField.Of("blob/shape", "<u4", 2));
        var pixel = a.AddColumn(NpyField.Of("blob/psize_A", "<f4"));
        var group = a.AddColumn(NpyField.Of("ctf/exp_group_id", "<u4"));
        var df1 = a.AddColumn(NpyField.Of("ctf/df1_A", "<f4"));
        var df2 = a.AddColumn(NpyField.Of("ctf/df2_A", "<f4"));
        var pose = a.AddColumn(NpyField.Of("alignments3D/pose", "<f4", 3));
        var shift = a.AddColumn(NpyField.Of("alignments3D/shift", "<f4", 2));
        var psize = a.AddColumn(NpyField.Of("alignments3D/psize_A", "<f4"));
        for (int r = 0; r < rows.Length; r++)
        {
            uid.SetUInt64(r, 0, (ulong)r + 1);
            path.SetString(r, $"J3/s{r}.mrc");
            idx.SetInt64(r, 0, r);
            shape.SetInt64(r, 0, 64);
            shape.SetInt64(r, 1, 64);
            pixel.SetDouble(r, rows[r].Pixel);
            group.SetInt64(r, 0, rows[r].Group);
            df1.SetDouble(r, 15000 + r);
            df2.SetDouble(r, 14000 + r);
            pose.SetDouble(r, 2, 0.5);
            shift.SetDouble(r, 0, 3);
            psize.SetDouble(r, 2.0);   // refined at 2 A: a shift of 3 px is 6 A whatever the image pixel
        }
        return new CryosparcFile(a, "test.cs");
    }

    [Fact]
    public void ZeroBasedAndRelionNumberedExposureGroupsBothBecomeOneToN()
    {
        foreach (var ids in new[] { new long[] { 0, 1, 2 }, [1, 2, 3], [23, 5, 40] })
        {
            var (star, report) = CryosparcToRelion.Convert(Particles(ids.Select(i => (i, 1.1f)).ToArray()));
            var optics = star.Block("optics").Table!;
            var sorted = ids.Order().ToArray();
            Assert.Equal([1, 2, 3], Enumerable.Range(0, 3).Select(r => optics.GetInt(r, "rlnOpticsGroup")));
            var names = Enumerable.Range(0, 3).Select(r => optics.GetString(r, "rlnOpticsGroupName"));
            Assert.Equal(sorted.Select(CryosparcOptics.GroupName), names);
            var particles = star.Block("particles").Table!;
            for (int r = 0; r < 3; r++)
                Assert.Equal(Array.IndexOf(sorted, ids[r]) + 1, particles.GetInt(r, "rlnOpticsGroup"));
            // Back to .cs: the ids the names carry.
            var (cs, _) = RelionToCryosparc.Convert(star, "p.star", "p.cs");
            Assert.Equal(ids, Enumerable.Range(0, 3).Select(r => cs.Column("ctf/exp_group_id").GetInt64(r)));
            Assert.DoesNotContain(report.Notes, n => n.Contains("different optics"));
        }
    }

    [Fact]
    public void AnExposureGroupOfTwoPixelSizesBecomesTwoOpticsGroups()
    {
        var (star, report) = CryosparcToRelion.Convert(Particles((7, 1.1f), (7, 1.3f), (7, 1.1f)));
        var optics = star.Block("optics").Table!;
        Assert.Equal(["exp_group_7_1", "exp_group_7_2"], Enumerable.Range(0, 2).Select(r => optics.GetString(r,
            "rlnOpticsGroupName")));
        Assert.Equal([1.1f, 1.3f], Enumerable.Range(0, 2).Select(r => (float)optics.GetDouble(r, "rlnImagePixelSize")));
        Assert.Equal([1, 2, 1], Enumerable.Range(0, 3).Select(r => star.Block("particles").Table!.GetInt(r,
            "rlnOpticsGroup")));
        Assert.Contains(report.Notes, n =>
            n.Contains("exposure group 7 holds particles of 2 different optics (pixel size 1.1 A, 1.3 A)"));
        // Shifts are in pixels of the refinement (2 A), not of either image pixel size (pyem issue 30).
        Assert.All(Enumerable.Range(0, 3), r => Assert.Equal(6.0, star.Block("particles").Table!.GetDouble(r,
            "rlnOriginXAngst")));
        // Written back, the two optics groups must not share an exposure group (the names both say 7).
        var (cs, export) = RelionToCryosparc.Convert(star, "p.star", "p.cs");
        Assert.Equal([1L, 2, 1], Enumerable.Range(0, 3).Select(r => cs.Column("ctf/exp_group_id").GetInt64(r)));
        Assert.Contains(export.Notes, n => n.Contains("ctf/exp_group_id is the optics group number"));
        // The .cs gives shifts in pixels of the images (alignments3D/psize_A = blob/psize_A): the same 6 A.
        Assert.Equal((float)(6 / 1.1), cs.Column("alignments3D/shift").GetSingle(0, 0));
        Assert.Equal((float)(6 / 1.3), cs.Column("alignments3D/shift").GetSingle(1, 0));
        Assert.Equal(1.3f, cs.Column("alignments3D/psize_A").GetSingle(1));
    }
}
