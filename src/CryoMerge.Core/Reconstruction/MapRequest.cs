namespace CryoMerge.Core.Reconstruction;

/// <summary>
/// One map to reconstruct from some rows of a particles STAR file, as one job of many maps asks for it.
/// </summary>
/// <param name="Name">
/// Unique within the job ("DS1-half1", "merge-3-half2"); names its shard files and work items.
/// </param>
/// <param name="Particles">Particles STAR file with angles, origins and CTF.</param>
/// <param name="Output">The map (MRC, float32), written atomically once every shard is in.</param>
/// <param name="Selection">Rows: half (rlnRandomSubset), class, optics groups; default every row.</param>
/// <param name="SampleSize">
/// Then keep only this many of the selected rows, a reproducible random sample (<see cref="SampleSeed"/>) kept in file
/// order (for resolution against particle count); default all of them.
/// </param>
/// <param name="PixelSize">
/// Pixel size of the map (A); default the file's first optics group's, as relion_reconstruct.
/// </param>
/// <param name="Box">Side of the map (voxels, even); default the file's first image's, as relion_reconstruct.</param>
/// <param name="Ctf">CTF correction (relion_reconstruct --ctf).</param>
/// <param name="MaxResolution">Highest resolution used (A, --maxres); default Nyquist.</param>
/// <param name="Solver">Gridding iterations and grid of the final step; its thread count is the node's.</param>
/// <param name="Padding">Fourier padding (relion_reconstruct --pad).</param>
public sealed record MapRequest(
    string Name,
    string Particles,
    string Output,
    ParticleSelection? Selection = null,
    int? SampleSize = null,
    int SampleSeed = 0,
    double? PixelSize = null,
    int? Box = null,
    bool Ctf = true,
    double? MaxResolution = null,
    SolverOptions? Solver = null,
    double Padding = ReconstructionGrid.DefaultPadding);

/// <summary>
/// Rows [<paramref name="Start"/>, Start + <paramref name="Count"/>) of a map's selected rows (in file order), whose
/// partial Fourier sum goes to <paramref name="Sums"/> (a <see cref="FourierAccumulatorFile"/>).
/// </summary>
public sealed record ReconstructionShard(int Index, int Start, int Count, string Sums);

/// <summary>
/// A map of a <see cref="ReconstructionPlan"/>: its request, its grid and its shards in adding order.
/// </summary>
/// <param name="Particles">Rows selected (the sum of the shards' counts).</param>
public sealed record PlannedMap(MapRequest Request, ReconstructionGrid Grid, long Particles,
    IReadOnlyList<ReconstructionShard> Shards);

/// <summary>
/// The maps of a sharded reconstruction with their shards (<see cref="Merging.Stages.ShardedReconstruction.Plan"/>).
/// Fixed when planned: the shards and their order do not depend on how many nodes run them.
/// </summary>
/// <param name="WorkFolder">
/// Folder of the shard files (one subfolder per map), removed once the maps are written.
/// </param>
public sealed record ReconstructionPlan(string WorkFolder, IReadOnlyList<PlannedMap> Maps);

/// <summary>A map written by a sharded reconstruction.</summary>
/// <param name="Particles">Particle images in it.</param>
/// <param name="Shards">Partial sums added (in shard order).</param>
public sealed record ReconstructedMap(string Name, string Output, long Particles, int MapSize, double PixelSize,
    int MaxRadius, int Shards);
