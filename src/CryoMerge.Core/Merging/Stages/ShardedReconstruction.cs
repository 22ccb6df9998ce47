using System.Globalization;
using CryoMerge.Core.Merging.Pipeline;
using CryoMerge.Core.Reconstruction;

namespace CryoMerge.Core.Merging.Stages;

/// <summary>
/// Reconstruction of many maps as work items: each map's selected rows are cut into particle shards, each shard
/// back-projects its images into a partial Fourier sum (data and weights) saved in the plan's work folder
/// (<see cref="FourierAccumulatorFile"/>, written atomically under a temporary name that names the writing node), and
/// one item per map adds its shards' sums in shard order into an empty accumulator and solves. The shards and that
/// order are fixed by <see cref="Plan"/>, and a shard's sum does not depend on its thread count, so the map is
/// bit-identical whichever nodes ran which shards, however many there were.
/// </summary>
/// <remarks>
/// <para>Memory of a node: each shard item holds one accumulator of the map's padded grid (12 bytes x
/// <see cref="ReconstructionGrid.Count"/>, about 12 (2N + 3)^3 / 2 bytes: 6 MB for N = 48, 104 MB for N = 128) plus
/// one batch of central slices (at most 256 MB, far less for small images); a node runs at most its item limit at
/// once. The solve item holds the summed grid, reading the shard files a chunk at a time, plus the solver's copies.
/// Neither grows with the number of particles.</para>
/// <para>Use from a stage: <see cref="BackProjectStage"/> and <see cref="SolveMapsStage"/> plan and fold these items
/// for a <see cref="ReconstructionPlan"/> that a function of the merge state supplies.</para>
/// </remarks>
public static class ShardedReconstruction
{
    /// <summary>Particles per shard when the caller does not say (as a merge's particlesPerShard).</summary>
    public const int DefaultParticlesPerShard = 2000;

    /// <summary>Suffix of shard files.</summary>
    public const string ShardSuffix = ".cmfacc";

    /// <summary>Back-projects one shard of one map into a partial sum file; one per shard, on any node.</summary>
    public static readonly WorkKind<ShardParameters, ShardResult> BackProject =
        new("backproject-shard", WorkPlacement.ParticleShard, RunShard);

    /// <summary>Adds a map's shard sums in shard order, solves and writes the map; one per map.</summary>
    public static readonly WorkKind<SolveParameters, ReconstructedMap> Solve =
        new("solve-map", WorkPlacement.DataSet, RunSolve);

    public sealed record ShardParameters(MapRequest Map, ReconstructionGrid Grid, ReconstructionShard Shard);

    public sealed record ShardResult(string Map, int Shard, string Sums, long Particles);

    public sealed record SolveParameters(PlannedMap Map);

    /// <summary>
    /// Reads each map's STAR file (every row checked as a reconstruction needs it), selects its rows and cuts them into
    /// shards of about <paramref name="particlesPerShard"/> rows (or into <paramref name="shardsPerMap"/> shards of
    /// nearly equal size when given); shard files go to <paramref name="workFolder"/>/MAP/shard-NNNN.cmfacc.
    /// Deterministic: the same requests and files give the same plan.
    /// </summary>
    public static ReconstructionPlan Plan(IReadOnlyList<MapRequest> maps, string workFolder,
        int particlesPerShard = DefaultParticlesPerShard, int? shardsPerMap = null)
    {
        if (particlesPerShard < 1)
            throw new CryoMergeInputException("particlesPerShard", $"must be at least 1, not {particlesPerShard}");
        if (shardsPerMap is < 1)
            throw new CryoMergeInputException("--shards", $"must be at least 1, not {shardsPerMap}");
        var duplicate = maps.GroupBy(m => m.Name, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
            throw new CryoMergeInputException(duplicate.Key, "two maps of one reconstruction have this name");
        var planned = new List<PlannedMap>(maps.Count);
        var sets = new Dictionary<string, ParticleSet>(StringComparer.Ordinal);   // maps of one file read it once
        foreach (var map in maps)
        {
            OutputFiles.EnsureNotInput(map.Output, map.Particles);
            if (!sets.TryGetValue(map.Particles, out var set))
                sets[map.Particles] = set = ParticleSet.Read(map.Particles, openStacks: false);
            var rows = SelectRows(set, map);
            var grid = Grid(set, map);
            int count = rows.Count;
            int shards = shardsPerMap is { } s ? Math.Min(s, count)
                : (count + particlesPerShard - 1) / particlesPerShard;
            string folder = OutputFiles.InsideFolder(workFolder, map.Name, "the map names");
            var list = new ReconstructionShard[shards];
            for (int i = 0; i < shards; i++)
            {
                // Nearly equal shards: boundaries at i n / s.
                int start = (int)((long)i * count / shards), end = (int)((long)(i + 1) * count / shards);
                string sums = Path.Combine(folder,
                    string.Create(CultureInfo.InvariantCulture, $"shard-{i:D4}{ShardSuffix}"));
                list[i] = new ReconstructionShard(i, start, end - start, sums);
            }
            planned.Add(new PlannedMap(map, grid, count, list));
        }
        return new ReconstructionPlan(workFolder, planned);
    }

    /// <summary>The back-projection items of every map's shards, keyed (stage, map name, shard number).</summary>
    public static IReadOnlyList<WorkItem> ShardItems(ReconstructionPlan plan, string stage) =>
        plan.Maps.SelectMany(m => m.Shards.Select(s => BackProject.Item(
            new WorkItemId(stage, m.Request.Name, s.Index.ToString("D4", CultureInfo.InvariantCulture)),
            new ShardParameters(m.Request, m.Grid, s)))).ToList();

    /// <summary>One solve item per map, keyed (stage, map name).</summary>
    public static IReadOnlyList<WorkItem> SolveItems(ReconstructionPlan plan, string stage) =>
        plan.Maps.Select(m => Solve.Item(new WorkItemId(stage, m.Request.Name), new SolveParameters(m))).ToList();

    /// <summary>The maps written, from the solve items' results (in plan order).</summary>
    public static IReadOnlyList<ReconstructedMap> MapsOf(IReadOnlyList<WorkResult> solveResults) =>
        solveResults.Select(Solve.ResultOf).ToList();

    /// <summary>
    /// Removes the shard files and the work folder once the maps are written (what is not there is skipped).
    /// </summary>
    public static void DeleteShards(ReconstructionPlan plan)
    {
        foreach (var map in plan.Maps)
        {
            foreach (var shard in map.Shards) File.Delete(shard.Sums);
            DeleteIfEmpty(Path.GetDirectoryName(map.Shards.FirstOrDefault()?.Sums));
        }
        DeleteIfEmpty(plan.WorkFolder);
    }

    /// <summary>
    /// The rows of <paramref name="set"/> that a map uses: those of its selection, then its sample (a seeded shuffle of
    /// the selected rows' positions, the first <see cref="MapRequest.SampleSize"/> of them, back in file order).
    /// </summary>
    public static IReadOnlyList<ReconstructionParticle> SelectRows(ParticleSet set, MapRequest map)
    {
        var rows = set.Select(map.Selection ?? ParticleSelection.All);
        if (rows.Count == 0)
            throw new CryoMergeInputException(map.Particles, $"no particle matches the selection of map {map.Name}");
        if (map.SampleSize is not { } size || size >= rows.Count) return rows;
        if (size < 1)
            throw new CryoMergeInputException(map.Name, $"a sample must hold at least 1 particle, not {size}");
        var order = Enumerable.Range(0, rows.Count).ToArray();
        var random = new Random(map.SampleSeed);   // seeded System.Random: the same sequence on every node and version
        for (int i = order.Length - 1; i > 0; i--)
        {
            int j = random.Next(i + 1);
            (order[i], order[j]) = (order[j], order[i]);
        }
        var kept = order.AsSpan(0, size).ToArray();
        Array.Sort(kept);
        return kept.Select(i => rows[i]).ToArray();
    }

    /// <summary>The map's grid: its box and pixel size, else the file's first image's and optics group's.</summary>
    public static ReconstructionGrid Grid(ParticleSet set, MapRequest map) =>
        ReconstructionGrid.For(map.Box ?? set.Particles[0].ImageSize, map.PixelSize ?? set.Optics[0].PixelSize,
            map.MaxResolution, map.Padding);

    private static WorkOutput<ShardResult> RunShard(ShardParameters p, WorkEnvironment environment,
        CancellationToken cancel)
    {
        var map = p.Map;
        var set = ParticleSet.Read(map.Particles, openStacks: false);
        var rows = SelectRows(set, map);
        var shard = p.Shard;
        if (shard.Start + shard.Count > rows.Count)
            throw new CryoMergeInputException(map.Particles,
                $"has {rows.Count} rows for map {map.Name} now, fewer than when the reconstruction was planned");
        var particles = rows.Skip(shard.Start).Take(shard.Count).ToArray();
        var options = new BackProjectionOptions { Ctf = map.Ctf, Threads = Math.Max(1, environment.ThreadsPerItem) };
        var sums = ParticleBackProjection.Run(environment.Fft, set, particles, p.Grid, options, cancel: cancel);
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(shard.Sums))!);
        FourierAccumulatorFile.Save(sums, shard.Sums);
        long bytes = particles.Sum(x => 4L * x.ImageSize * x.ImageSize);
        return new(new ShardResult(map.Name, shard.Index, shard.Sums, particles.Length), particles.Length, bytes,
            [shard.Sums]);
    }

    private static WorkOutput<ReconstructedMap> RunSolve(SolveParameters p, WorkEnvironment environment,
        CancellationToken cancel)
    {
        var map = p.Map;
        var total = new FourierAccumulator(map.Grid);
        foreach (var shard in map.Shards)   // in shard order, whichever node wrote which
        {
            cancel.ThrowIfCancellationRequested();
            FourierAccumulatorFile.AddInto(shard.Sums, total);
        }
        if (total.ParticleCount != map.Particles)
            throw new InvalidOperationException(
                $"map {map.Request.Name}: the shards hold {total.ParticleCount} particles, not {map.Particles}");
        var solver = (map.Request.Solver ?? new SolverOptions())
            with { Threads = Math.Max(1, environment.ThreadsPerItem) };
        var volume = ReconstructionSolver.Solve(environment.Fft, total, solver);
        string output = map.Request.Output;
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(output))!);
        ReconstructionSolver.WriteMap(output, volume, map.Grid.PixelSize);
        var g = map.Grid;
        var result = new ReconstructedMap(map.Request.Name, output, map.Particles, g.MapSize, g.PixelSize, g.MaxRadius,
            map.Shards.Count);
        long bytes = map.Shards.Count * (FourierAccumulatorFile.HeaderSize + 12 * g.Count);
        return new(result, BytesRead: bytes, Outputs: [output]);
    }

    private static void DeleteIfEmpty(string? folder)
    {
        if (folder is null || !Directory.Exists(folder) || Directory.EnumerateFileSystemEntries(folder).Any()) return;
        try { Directory.Delete(folder); }
        catch (IOException) { }   // a file appeared meanwhile
    }
}
