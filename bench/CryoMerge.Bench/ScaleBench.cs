using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

namespace CryoMerge.Bench;

/// <summary>
/// Facility scale: a method 2 merge of four simulated data sets (two microscopes) of 10^4, 10^5 or 10^6 particles in
/// all (100 particles on each 384^2 micrograph, DS1's box 48), embedded (<c>cryomerge merge</c>) and on three
/// <c>cryomerge serve</c> silos with Redis membership (real processes, <c>merge --cluster</c>). Reports wall and CPU
/// time, time per work item and per particle, the peak memory of every process, the job store's bytes per finished
/// item and the merged STAR file's size, then the goals with their measured values.
/// </summary>
internal static class ScaleBench
{
    private const int ParticlesPerMicrograph = 100, MicrographSize = 384, Box = 48, DataSets = 4;

    /// <summary>A measured merge: one row of the table.</summary>
    private sealed record Row(long Particles, string Run, double Wall, double Cpu, long Items, long ExtractItems,
        double ExtractSeconds, IReadOnlyList<(string Process, double PeakMiB)> Peaks, JobStoreSampler.Totals Journal,
        long MergedStarBytes, long OutputBytes);

    /// <summary>
    /// Measures each size: <paramref name="embedded"/> and <paramref name="cluster"/> rows, and with
    /// <paramref name="warm"/> Orleans' cost per job on a running silo (<see cref="ScaleWarmBench"/>), each runner
    /// <paramref name="warmRepeats"/> times or <see cref="ScaleWarmBench.DefaultRepeats"/>. The programs are
    /// published for the run unless given (<paramref name="cryomergePath"/>, <paramref name="warmPath"/>).
    /// </summary>
    public static void Run(IReadOnlyList<long> sizes, bool embedded, bool cluster, bool warm, int? warmRepeats,
        string? cryomergePath, string? warmPath, string workDirectory, TextWriter report)
    {
        string cryomerge = cryomergePath ?? Published.Cryomerge(workDirectory);
        string? warmChild = warm ? warmPath ?? Published.Warm(workDirectory) : null;
        report.WriteLine($"## scale: method 2 merge of {DataSets} data sets, {ParticlesPerMicrograph} particles per " +
            $"{MicrographSize}^2 micrograph, box {Box} (load before: {MergeBench.LoadAverage()})");
        report.WriteLine();
        if (embedded || cluster) TableHeader(report);
        var rows = new List<Row>();
        var perJob = new List<ScaleWarmBench.Result>();
        string warmUpDir = Path.Combine(workDirectory, $"scale-{ScaleWarmBench.WarmUpParticles}");
        string? warmUpPlan = warm ? Simulate(cryomerge, warmUpDir, Micrographs(ScaleWarmBench.WarmUpParticles),
            report) : null;
        foreach (long particles in sizes)
        {
            int micrographs = Micrographs(particles);
            string dir = Path.Combine(workDirectory, $"scale-{particles}");
            string plan = Simulate(cryomerge, dir, micrographs, report);
            if (embedded) rows.Add(Print(report, Embedded(cryomerge, dir, plan, particles), micrographs));
            if (cluster) rows.Add(Print(report, ThreeSilos(cryomerge, dir, plan, particles), micrographs));
            if (warmChild is not null)
                perJob.Add(ScaleWarmBench.Run(warmChild, dir, plan, warmUpDir, warmUpPlan!, particles,
                    warmRepeats ?? ScaleWarmBench.DefaultRepeats(particles), report));
            foreach (var merged in Directory.EnumerateDirectories(dir, "merged-*")) Directory.Delete(merged, true);
        }
        report.WriteLine();
        if (perJob.Count > 0)
        {
            ScaleWarmBench.Print(perJob, report);
            report.WriteLine();
        }
        if (rows.Count > 0)
        {
            Goals(rows, report);
            report.WriteLine();
        }
        report.WriteLine($"Load after: {MergeBench.LoadAverage()}. Data sets are simulated once per size " +
            $"(kept in {workDirectory}/scale-N until deleted); each merge's output is deleted after it is measured. " +
            "CPU = user + system of every process of the run (silos, client; not redis). Peak = each process's " +
            "VmHWM. Job store bytes = the journal lines of every stage (each finished item is one appended line; " +
            "the job's state file is rewritten only when a stage starts and when the job ends).");
    }

    private static void TableHeader(TextWriter report)
    {
        report.WriteLine("| particles | run | wall (s) | CPU (s) | items | extract items | " +
            "extract stage (s; CPU s) | ms per extract item (wall; CPU) | ms per micrograph (wall; CPU) | " +
            "us per particle (wall, whole merge) | us CPU per particle | " +
            "peak MiB per process | job store B per item | merged STAR (MB) | output (GB) |");
        report.WriteLine("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|");
    }

    private static int Micrographs(long particles) => (int)(particles / DataSets / ParticlesPerMicrograph);

    private static string Simulate(string cryomerge, string dir, int micrographs, TextWriter report)
    {
        string plan = Path.Combine(dir, "plan.yaml");
        string marker = Path.Combine(dir, "simulated.txt");
        // The merge alone (no assess: section, which demo adds by default): the figures are the method 2 merge's.
        string shape = $"{DataSets} x {micrographs} micrographs of {MicrographSize}^2 x {ParticlesPerMicrograph}, " +
            $"box {Box}, no assessment";
        if (File.Exists(marker) && File.ReadAllText(marker) == shape) return plan;
        if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
        var run = Measure.External(cryomerge, ["demo", "--datasets", I(DataSets), "--micrographs", I(micrographs),
            "--particles", I(ParticlesPerMicrograph), "--mic-size", I(MicrographSize), "--box", I(Box),
            "--no-assess", "--simulate-only", "--o", dir], repeats: 1);
        File.WriteAllText(marker, shape);
        report.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"<!-- simulated {shape}: {run.Seconds:F1} s wall, {run.CpuSeconds:F1} s CPU, " +
            $"peak {run.PeakMiB:F0} MiB, {DirectoryBytes(dir) / 1e9:F2} GB -->"));
        return plan;
    }

    /// <summary>A copy of the plan in <paramref name="dir"/> whose output is merged-NAME.</summary>
    public static string PlanFor(string dir, string plan, string name)
    {
        string path = Path.Combine(dir, $"plan-{name}.yaml");
        File.WriteAllText(path, File.ReadAllText(plan).Replace("output: merged", $"output: merged-{name}"));
        return path;
    }

    private static Row Embedded(string cryomerge, string dir, string plan, long particles)
    {
        string state = Path.Combine(dir, "state-embedded");
        if (Directory.Exists(state)) Directory.Delete(state, recursive: true);
        string runPlan = PlanFor(dir, plan, "embedded");
        using var sampler = new JobStoreSampler(state, () => CpuOfProcessesNaming(runPlan));
        var run = Measure.External(cryomerge, ["merge", runPlan, "--restart", "--json",
            "--state-dir", state], repeats: 1);
        var journal = sampler.Stop();
        string output = Path.Combine(dir, "merged-embedded");
        return new Row(particles, "embedded (cryomerge merge)", run.Seconds, run.CpuSeconds, Items(run.Output),
            journal.ExtractItems, journal.ExtractSeconds, [("cryomerge merge", run.PeakMiB)], journal,
            new FileInfo(Path.Combine(output, "particles.star")).Length, DirectoryBytes(output));
    }

    private static Row ThreeSilos(string cryomerge, string dir, string plan, long particles)
    {
        int redisPort = MergeBench.FreePort();
        using var redis = MergeBench.Start("redis-server", ["--bind", "127.0.0.1", "--port", I(redisPort), "--save", "",
            "--appendonly", "no"], null);
        string address = $"redis://127.0.0.1:{redisPort}";
        string state = Path.Combine(dir, "state-cluster");
        if (Directory.Exists(state)) Directory.Delete(state, recursive: true);
        Directory.CreateDirectory(state);
        string id = "scale-" + Guid.NewGuid().ToString("N")[..8];
        var env = new Dictionary<string, string> { ["ORLEANS_SERVICE_ID"] = id, ["ORLEANS_CLUSTER_ID"] = id };
        Thread.Sleep(1000);
        var silos = new[] { "silo-a", "silo-b", "silo-c" }.Select(name => (Name: name,
            Process: MergeBench.Start(cryomerge,
            ["serve", "--cluster", address, "--name", name, "--silo-port", I(MergeBench.FreePort()),
             "--gateway-port", I(MergeBench.FreePort()),
             "--state-dir", state], env))).ToList();
        try
        {
            Thread.Sleep(20000);   // every silo joined and membership settled, as a running cluster would be
            double cpuBefore = silos.Sum(s => MergeBench.ProcessCpu(s.Process.Id));
            using var sampler =
                new JobStoreSampler(state, () => silos.Sum(s => MergeBench.ProcessCpu(s.Process.Id)));
            var environment = env.Select(p => $"{p.Key}={p.Value}").ToList();
            var client = Measure.External("env", [.. environment, cryomerge, "merge", PlanFor(dir, plan, "cluster"),
                "--cluster", address, "--state-dir", state, "--restart", "--json"], repeats: 1);
            var journal = sampler.Stop();
            var peaks = silos.Select(s => (s.Name, VmHwmMiB(s.Process.Id))).ToList();
            peaks.Add(("merge --cluster (client)", client.PeakMiB));
            peaks.Add(("redis-server", VmHwmMiB(redis.Id)));
            double cpu = silos.Sum(s => MergeBench.ProcessCpu(s.Process.Id)) - cpuBefore + client.CpuSeconds;
            string output = Path.Combine(dir, "merged-cluster");
            return new Row(particles, "three serve silos + redis (merge --cluster)", client.Seconds, cpu,
                Items(client.Output), journal.ExtractItems, journal.ExtractSeconds, peaks, journal,
                new FileInfo(Path.Combine(output, "particles.star")).Length, DirectoryBytes(output));
        }
        finally
        {
            foreach (var (_, process) in silos) { process.Kill(entireProcessTree: true); process.Dispose(); }
            redis.Kill(entireProcessTree: true);
        }
    }

    /// <summary>Work items of the whole job: the sum of the result's workBySilo.</summary>
    private static long Items(string json) =>
        JsonDocument.Parse(json).RootElement.GetProperty("workBySilo").EnumerateObject().Sum(p => p.Value.GetInt64());

    private static Row Print(TextWriter report, Row r, int micrographsPerDataSet)
    {
        string peaks = string.Join(", ",
            r.Peaks.Select(p => string.Create(CultureInfo.InvariantCulture, $"{p.Process} {p.PeakMiB:F0}")));
        long micrographs = (long)micrographsPerDataSet * DataSets;
        report.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| {r.Particles:N0} | {r.Run} | {r.Wall:F1} | {r.Cpu:F1} | {r.Items} | {r.ExtractItems} | " +
            $"{r.ExtractSeconds:F1}; {r.Journal.ExtractCpuSeconds:F1} | " +
            $"{1e3 * r.ExtractSeconds / r.ExtractItems:F1}; " +
            $"{1e3 * r.Journal.ExtractCpuSeconds / r.ExtractItems:F1} | " +
            $"{1e3 * r.ExtractSeconds / micrographs:F1}; {1e3 * r.Journal.ExtractCpuSeconds / micrographs:F1} | " +
            $"{1e6 * r.Wall / r.Particles:F1} | {1e6 * r.Cpu / r.Particles:F1} | {peaks} | " +
            $"{r.Journal.ExtractBytesPerLine:F0} in the extraction; {r.Journal.BytesPerLine:F0} over all " +
            $"{r.Journal.Lines} items ({r.Journal.Bytes / 1e6:F2} MB) | " +
            $"{r.MergedStarBytes / 1e6:F1} | {r.OutputBytes / 1e9:F2} |"));
        report.Flush();
        return r;
    }

    private static void Goals(List<Row> rows, TextWriter report)
    {
        report.WriteLine("Goals (smallest against largest size measured, each run):");
        report.WriteLine();
        foreach (var run in rows.GroupBy(r => r.Run))
        {
            var small = run.MinBy(r => r.Particles)!;
            var large = run.MaxBy(r => r.Particles)!;
            if (small == large) continue;
            // CPU time of the extract stage (every process of the run): the wall time of this shared machine
            // follows its load more than the work.
            double perMicrographSmall = small.Journal.ExtractCpuSeconds / (small.Particles / ParticlesPerMicrograph);
            double perMicrographLarge = large.Journal.ExtractCpuSeconds / (large.Particles / ParticlesPerMicrograph);
            double ratio = perMicrographLarge / perMicrographSmall;
            report.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"- {run.Key}: extraction CPU time per micrograph (the unit of work an item holds one or more of) " +
                $"at {large.Particles:N0} particles within 1.2x of that at {small.Particles:N0}: " +
                $"{1e3 * perMicrographLarge:F2} ms against {1e3 * perMicrographSmall:F2} ms = {ratio:F2}x, " +
                $"{(ratio <= 1.2 ? "met" : "NOT met")} (per extract item: " +
                $"{1e3 * large.Journal.ExtractCpuSeconds / large.ExtractItems:F1} ms against " +
                $"{1e3 * small.Journal.ExtractCpuSeconds / small.ExtractItems:F1} ms; " +
                $"items hold more micrographs as a data set grows; wall per micrograph " +
                $"{1e3 * large.ExtractSeconds / (large.Particles / ParticlesPerMicrograph):F1} ms against " +
                $"{1e3 * small.ExtractSeconds / (small.Particles / ParticlesPerMicrograph):F1} ms)"));
            double peakSmall = small.Peaks.Max(p => p.PeakMiB), peakLarge = large.Peaks.Max(p => p.PeakMiB);
            report.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"- {run.Key}: every process's peak memory below 2048 MiB and not growing with the job: largest " +
                $"{peakLarge:F0} MiB at {large.Particles:N0} particles, {peakSmall:F0} MiB at {small.Particles:N0} " +
                $"({peakLarge / peakSmall:F2}x for {(double)large.Particles / small.Particles:F0}x the particles), " +
                $"{(peakLarge < 2048 ? "below 2 GB: met" : "NOT met")}"));
            double bytesRatio = large.Journal.ExtractBytesPerLine / small.Journal.ExtractBytesPerLine;
            report.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"- {run.Key}: job-store bytes per finished item independent of the job's size (extraction items): " +
                $"{large.Journal.ExtractBytesPerLine:F0} B against {small.Journal.ExtractBytesPerLine:F0} B = " +
                $"{bytesRatio:F2}x ({large.Journal.Bytes / 1e6:F2} MB written in all at {large.Particles:N0} " +
                $"particles, " +
                $"{small.Journal.Bytes / 1e6:F2} MB at {small.Particles:N0}; per micrograph " +
                $"{large.Journal.ExtractBytes * (double)ParticlesPerMicrograph / large.Particles:F0} B against " +
                $"{small.Journal.ExtractBytes * (double)ParticlesPerMicrograph / small.Particles:F0} B), " +
                $"{(bytesRatio is > 0.8 and < 1.25 ? "met" : "NOT met")}"));
            report.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"- {run.Key}: merged STAR streamed to disk (StarLoopStream, row by row, never a table in memory): " +
                $"{large.MergedStarBytes / 1e6:F0} MB of particles.star, written by a process whose peak was at most " +
                $"{peakLarge:F0} MiB in all"));
        }
    }

    /// <summary>CPU seconds so far of every process whose command line names <paramref name="text"/>.</summary>
    private static double CpuOfProcessesNaming(string text)
    {
        double cpu = 0;
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out int pid)) continue;
            try
            {
                if (File.ReadAllText(Path.Combine(dir, "cmdline")).Contains(text, StringComparison.Ordinal))
                    cpu += MergeBench.ProcessCpu(pid);
            }
            catch (IOException) { }
            catch (UnauthorizedAccessException) { }
        }
        return cpu;
    }

    private static double VmHwmMiB(int pid)
    {
        foreach (var line in File.ReadLines($"/proc/{pid}/status"))
            if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
                return long.Parse(line[6..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) / 1024.0;
        return double.NaN;
    }

    private static long DirectoryBytes(string dir) =>
        Directory.Exists(dir)
            ? Directory.EnumerateFiles(dir, "*", SearchOption.AllDirectories).Sum(f => new FileInfo(f).Length)
            : 0;

    private static string I(long v) => v.ToString(CultureInfo.InvariantCulture);
}
