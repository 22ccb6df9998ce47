using CryoMerge.Core.Formats;
using CryoMerge.Core.Merging;

namespace CryoMerge.Bench;

/// <summary>
/// Reads and converts a generated cryoSPARC refinement file of N particles (the 34 fields and types of a real
/// homogeneous refinement's particles.cs, 50 particles per stack), beside our STAR path on the same particles in the
/// same run: reading the STAR file, and relion_star_handler reading and writing it. NumPy's np.load of the .cs is
/// timed as a reference for the reader (a python3 process, start included).
/// </summary>
internal static class CryosparcBench
{
    public static void Run(int rows, string workDirectory, TextWriter report)
    {
        Directory.CreateDirectory(workDirectory);
        string cs = Path.Combine(workDirectory, $"particles_{rows}.cs");
        if (!File.Exists(cs)) Generate(rows).Write(cs);
        string star = Path.Combine(workDirectory, $"particles_{rows}_from_cs.star");
        CryosparcConversion.ToStar(cs, star);
        double csMiB = new FileInfo(cs).Length / 1048576.0, starMiB = new FileInfo(star).Length / 1048576.0;
        report.WriteLine($"## cryoSPARC .cs: {rows:N0} particles, 34 fields ({csMiB:F0} MiB), and the same particles "
            + $"as STAR ({starMiB:F0} MiB)");
        report.WriteLine();

        var readCs = Timed(() => CryosparcFile.Read(cs));
        var readStar = Timed(() => StarFile.Read(star));
        string outStar = Path.Combine(workDirectory, "converted.star"), outCs = Path.Combine(workDirectory,
            "converted.cs");
        var toStar = Timed(() => CryosparcConversion.ToStar(cs, outStar));
        var toCs = Timed(() => CryosparcConversion.ToCryosparc(star, outCs));
        var starBoth = Timed(() => StarFile.Read(star).Write(outStar));
        Measure.Run? numpy = File.Exists("/usr/bin/python3")
            ? Try(() => Measure.External("/usr/bin/python3", ["-c",
                "import numpy as np, sys; a = np.load(sys.argv[1]); print(len(a))", cs]))
            : null;
        var relion = Try(() => Measure.External("relion_star_handler", ["--i", star, "--o", Path.Combine(workDirectory,
            "relion.star")], repeats: 2));

        report.WriteLine("| step | CryoMerge (s) | CPU (s) | peak MiB | reference | reference (s) |");
        report.WriteLine("|---|---:|---:|---:|---|---:|");
        report.WriteLine($"| read .cs | {readCs.Run.Seconds:F2} | {readCs.Cpu:F2} | {readCs.Run.PeakMiB:F0} | numpy "
            + $"np.load (python3 process) | {S(numpy)} |");
        report.WriteLine($"| read STAR of the same particles | {readStar.Run.Seconds:F2} | {readStar.Cpu:F2} | "
            + $"{readStar.Run.PeakMiB:F0} | | |");
        report.WriteLine($"| .cs -> STAR (read, convert, write) | {toStar.Run.Seconds:F2} | {toStar.Cpu:F2} | "
            + $"{toStar.Run.PeakMiB:F0} | relion_star_handler read + write of the STAR | {S(relion)} |");
        report.WriteLine($"| STAR -> .cs (read, convert, write) | {toCs.Run.Seconds:F2} | {toCs.Cpu:F2} | "
            + $"{toCs.Run.PeakMiB:F0} | | |");
        report.WriteLine($"| STAR read + write (our STAR path) | {starBoth.Run.Seconds:F2} | {starBoth.Cpu:F2} | "
            + $"{starBoth.Run.PeakMiB:F0} | | |");
        report.WriteLine();
        string versusRelion = relion is null ? "."
            : $" and {toStar.Run.Seconds / relion.Seconds:F2} x relion_star_handler's.";
        report.WriteLine($"Reading the .cs takes {readCs.Run.Seconds / readStar.Run.Seconds:F2} x the time of reading "
                         + $"the same particles' STAR file; .cs -> STAR takes "
                             + $"{toStar.Run.Seconds / starBoth.Run.Seconds:F2} "
                         + $"x a STAR read + write{versusRelion} CPU is this process's processor time per run (the "
                         + "machine's load shows in the wall times, not in it).");
        report.WriteLine();
        var check = CryosparcFile.Read(outCs);
        if (check.RowCount != rows) throw new InvalidOperationException($"wrote {check.RowCount} rows, expected "
            + $"{rows}");
    }

    /// <summary>Best wall time and peak memory (<see cref="Measure.InProcess"/>), and this process's CPU seconds per
    /// run.</summary>
    private static (Measure.Run Run, double Cpu) Timed(Action action, int repeats = 3)
    {
        var process = System.Diagnostics.Process.GetCurrentProcess();
        var before = process.TotalProcessorTime;
        var run = Measure.InProcess(action, repeats);
        process.Refresh();
        return (run, (process.TotalProcessorTime - before).TotalSeconds / repeats);
    }

    private static Measure.Run? Try(Func<Measure.Run> run)
    {
        try { return run(); }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or InvalidOperationException)
        {
            return null;
        }
    }

    private static string S(Measure.Run? r) => r is null ? "n/a" : $"{r.Seconds:F2}";

    /// <summary>A refinement-like particle dataset with deterministic values: one exposure group, 50 particles per
    /// stack.</summary>
    public static NpyArray Generate(int rows)
    {
        var rng = new Random(2019);
        var a = new NpyArray(rows);
        NpyColumn F(string name, string type = "<f4", params int[] shape) => a.AddColumn(NpyField.Of(name, type,
            shape));
        var uid = F("uid", "<u8");
        var path = F("blob/path", "|S89");
        var idx = F("blob/idx", "<u4");
        var shape = F("blob/shape", "<u4", 2);
        var psize = F("blob/psize_A");
        var sign = F("blob/sign");
        var type = F("ctf/type", "|S9");
        F("ctf/exp_group_id", "<u4");
        var kv = F("ctf/accel_kv");
        var csmm = F("ctf/cs_mm");
        var ac = F("ctf/amp_contrast");
        var df1 = F("ctf/df1_A");
        var df2 = F("ctf/df2_A");
        var angle = F("ctf/df_angle_rad");
        F("ctf/phase_shift_rad");
        var scale = F("ctf/scale");
        F("ctf/scale_const");
        var split = F("alignments3D/split", "<u4");
        var shift = F("alignments3D/shift", "<f4", 2);
        var pose = F("alignments3D/pose", "<f4", 3);
        var apsize = F("alignments3D/psize_A");
        foreach (var name in new[] { "error", "error_min", "resid_pow", "slice_pow", "image_pow", "cross_cor", "alpha",
            "weight", "pose_ess", "shift_ess", "class_posterior" })
            F("alignments3D/" + name);
        F("alignments3D/class", "<u4");
        F("alignments3D/class_ess");
        for (int r = 0; r < rows; r++)
        {
            uid.SetUInt64(r, 0, (ulong)rng.NextInt64() ^ ((ulong)r << 40));
            path.SetString(r,
                $"J19/extract/20150917_{r / 50:D6}_DNA-TET-25k-DE20_raw.region_000.sum-all_003-072_particles.mrc");
            idx.SetInt64(r, 0, r % 50);
            shape.SetInt64(r, 0, 180);
            shape.SetInt64(r, 1, 180);
            psize.SetDouble(r, 2.95);
            apsize.SetDouble(r, 2.95);
            sign.SetDouble(r, -1);
            type.SetString(r, "ctffind4");
            kv.SetDouble(r, 300);
            csmm.SetDouble(r, 2.7);
            ac.SetDouble(r, 0.07);
            double du = 8000 + rng.NextDouble() * 30000;
            df1.SetDouble(r, du);
            df2.SetDouble(r, du - rng.NextDouble() * 500);
            angle.SetDouble(r, rng.NextDouble() * 6 - 3);
            scale.SetDouble(r, 1);
            split.SetInt64(r, 0, r % 2);
            shift.SetDouble(r, 0, rng.NextDouble() * 40 - 20);
            shift.SetDouble(r, 1, rng.NextDouble() * 40 - 20);
            for (int k = 0; k < 3; k++) pose.SetDouble(r, k, rng.NextDouble() * 4 - 2);
        }
        return a;
    }
}
