using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace CryoMerge.Bench;

/// <summary>
/// The same particles back-projected as particle shards (<c>cryomerge reconstruct --shards K</c>): on the embedded
/// silo, and with <c>--cluster</c> on 1, 2 and 3 <c>cryomerge serve</c> silos of this machine (redis-server membership
/// on loopback, silos started and joined before the timed run, as a running cluster is). CPU time is the client's plus
/// every silo's (from /proc, over the run); the per-item overhead is measured on one silo as the difference between K
/// shards and one shard, divided by K - 1. Every sharded map is compared byte for byte with the embedded one.
/// </summary>
internal static class ShardedReconstructBench
{
    /// <summary>Shards per map: several per silo, so that three silos all have work.</summary>
    public const int Shards = 12;

    private static readonly CultureInfo C = CultureInfo.InvariantCulture;

    private static string F(FormattableString s) => s.ToString(C);

    public static void Run(string cryomerge, string star, string dir, ReconstructBench.Size size,
        ReconstructBench.Timing local, TextWriter report)
    {
        int cores = Environment.ProcessorCount;
        string[] common = ["reconstruct", "--i", star, "--ctf", "--json"];
        string embeddedMap = Path.Combine(dir, "sharded-embedded.mrc");
        var embedded = ReconstructBench.Timed(cryomerge, [.. common, "--shards", Shards.ToString(C), "--o", embeddedMap,
            "--state-dir", Path.Combine(dir, "state-embedded")], dir);
        var rows = new List<(string Run, int Silos, ReconstructBench.Timing Time, bool? Same)>
        {
            ($"cryomerge reconstruct, no job ({cores} threads)", 0, local, null),
            ($"--shards {Shards}, embedded silo (its start included)", 1, embedded, null),
        };
        (ReconstructBench.Timing One, ReconstructBench.Timing Many)? overhead = null;
        int redisPort = MergeBench.FreePort();
        using var redis = MergeBench.Start("redis-server",
            ["--bind", "127.0.0.1", "--port", redisPort.ToString(C), "--save", "",
            "--appendonly", "no"], null);
        Thread.Sleep(1000);
        for (int silos = 1; silos <= 3; silos++)
        {
            string id = $"bench-{silos}-{Guid.NewGuid():N}"[..20];
            var env = new Dictionary<string, string> { ["ORLEANS_SERVICE_ID"] = id, ["ORLEANS_CLUSTER_ID"] = id };
            string cluster = $"redis://127.0.0.1:{redisPort}";
            string state = Directory.CreateDirectory(Path.Combine(dir, $"state-{silos}")).FullName;
            var processes = new List<Silo>();
            try
            {
                for (int s = 0; s < silos; s++)
                    processes.Add(new Silo(MergeBench.Start(cryomerge,
                        ["serve", "--cluster", cluster, "--name", $"silo-{s + 1}",
                        "--silo-port", MergeBench.FreePort().ToString(C),
                        "--gateway-port", MergeBench.FreePort().ToString(C),
                        "--state-dir", state], env)));
                foreach (var p in processes) p.WaitJoined(TimeSpan.FromMinutes(3));
                Thread.Sleep(5000);   // membership settled, as on a running cluster
                ReconstructBench.Timing Client(int shards, string map)
                {
                    long before = processes.Sum(p => p.CpuTicks());
                    string[] prefix = [.. env.Select(e => $"{e.Key}={e.Value}"), cryomerge];
                    var t = ReconstructBench.Timed("env", [.. prefix, .. common, "--shards", shards.ToString(C),
                        "--o", map, "--cluster", cluster, "--state-dir", state], dir);
                    double silosCpu = (processes.Sum(p => p.CpuTicks()) - before) / 100.0;
                    return t with { Cpu = t.Cpu + silosCpu };
                }
                if (silos == 1) overhead = (Client(1, Path.Combine(dir, "sharded-one.mrc")), default!);
                string clusterMap = Path.Combine(dir, $"sharded-{silos}.mrc");
                var run = Client(Shards, clusterMap);
                if (silos == 1) overhead = (overhead!.Value.One, run);
                bool same = File.ReadAllBytes(clusterMap).AsSpan().SequenceEqual(File.ReadAllBytes(embeddedMap));
                rows.Add(($"--shards {Shards} --cluster, {silos} serve silo{(silos > 1 ? "s" : "")}", silos, run, same));
            }
            finally
            {
                foreach (var p in processes) p.Stop();
            }
        }
        redis.Kill(entireProcessTree: true);

        report.WriteLine($"### sharded back-projection: {size}, {Shards} shards, silos on this machine's {cores} cores " +
            $"(load average now: {ReconstructBench.LoadAverage()})");
        report.WriteLine();
        report.WriteLine("| run | wall (s) | CPU (s), client + silos | particles / s | wall vs 1 serve silo | " +
            "map bytes = embedded --shards |");
        report.WriteLine("|---|---:|---:|---:|---:|---|");
        double oneSilo = rows.First(r => r.Silos == 1 && r.Same is not null).Time.Wall;
        foreach (var (name, silos, t, same) in rows)
            report.WriteLine(F($"| {name} | {t.Wall:F1} | {t.Cpu:F1} | {size.Particles / t.Wall:F0} | ") +
                (same is null ? "" : F($"{oneSilo / t.Wall:0.00} x")) + " | " +
                (same is null ? "" : same.Value ? "yes" : "NO") + " |");
        report.WriteLine();
        if (overhead is { } o)
        {
            double wall = (o.Many.Wall - o.One.Wall) / (Shards - 1), cpu = (o.Many.Cpu - o.One.Cpu) / (Shards - 1);
            report.WriteLine(F($"Per-item overhead on one serve silo ({Shards} shards against 1: ") +
                F($"{o.Many.Wall:F1} s against {o.One.Wall:F1} s wall, {o.Many.Cpu:F1} against {o.One.Cpu:F1} s CPU): ") +
                F($"{wall:F2} s wall and {cpu:F2} s CPU per extra shard item (its partial sum written, hashed and read ") +
                "back, the STAR file read again, the grain call). Memory per running shard item: one padded grid " +
                "(12 B per component) plus a batch of images; a silo runs at most its item limit (default: one per " +
                "core) at once.");
        }
        report.WriteLine("The silos share this machine's cores: more silos here add processes, not cores, so the " +
            "speed-up is bounded by the cores (and the load of other work); on a cluster each silo brings its own.");
        report.WriteLine();
    }

    /// <summary>A serve process whose output is watched for "joined" and whose CPU time is read from /proc.</summary>
    private sealed class Silo
    {
        private readonly Process _process;
        private readonly StringBuilder _output = new();
        private readonly ManualResetEventSlim _joined = new();

        public Silo(Process process)
        {
            _process = process;
            process.OutputDataReceived += (_, e) => Seen(e.Data);
            process.ErrorDataReceived += (_, e) => Seen(e.Data);
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
        }

        private void Seen(string? line)
        {
            if (line is null) return;
            lock (_output) _output.AppendLine(line);
            if (line.Contains(" joined ", StringComparison.Ordinal)) _joined.Set();
        }

        public void WaitJoined(TimeSpan timeout)
        {
            if (_joined.Wait(timeout)) return;
            string output;
            lock (_output) output = _output.ToString();
            throw new InvalidOperationException($"a serve silo did not join within {timeout.TotalSeconds} s:\n{output}");
        }

        /// <summary>utime + stime of the process in clock ticks (1/100 s).</summary>
        public long CpuTicks()
        {
            string stat = File.ReadAllText($"/proc/{_process.Id}/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return long.Parse(fields[11], C) + long.Parse(fields[12], C);
        }

        public void Stop()
        {
            if (!_process.HasExited) _process.Kill(entireProcessTree: true);
            _process.WaitForExit();
            _process.Dispose();
        }
    }
}
