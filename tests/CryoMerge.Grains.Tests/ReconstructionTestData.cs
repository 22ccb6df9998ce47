using CryoMerge.Core.Formats;
using CryoMerge.Core.Imaging;
using CryoMerge.Core.Merging;
using CryoMerge.Core.Reconstruction;
using CryoMerge.Core.Tests.Reconstruction;
using CryoMerge.Tests;

namespace CryoMerge.Grains.Tests;

/// <summary>Simulated particles with known angles and CTF, and a reconstruction job of two maps over them.</summary>
internal static class ReconstructionTestData
{
    /// <summary>Writes 300 particles of 48 px at 2 A/px (two optics groups of 150) under DIR/particles.</summary>
    public static string WriteParticles(TempDir dir) =>
        SimulatedParticles.Write(FftBackends.Create(), dir.File("particles"),
            [new SimulatedGroup(2.0, 48, 150), new SimulatedGroup(2.0, 48, 150)], seed: 11, snr: 0.5);

    /// <summary>
    /// A job writing half map 1 of every particle and the map of optics group 2 into <paramref name="output"/>, shards
    /// of 40 particles (4 and 4 shards), its shard files in OUTPUT/work.
    /// </summary>
    public static MergePlan Plan(string star, string output) => new(
        "reconstruct-test", Path.Combine(output, "work"), MergeMethod.Relabel, "", [], ParticlesPerShard: 40,
        Maps:
        [
            new MapRequest("half1", star, Path.Combine(output, "half1.mrc"),
                new ParticleSelection { RandomSubset = 1 }),
            new MapRequest("group2", star, Path.Combine(output, "group2.mrc"),
                new ParticleSelection { OpticsGroups = ["opticsGroup2"] }),
        ]);

    public static float[] Read(string map)
    {
        using var mrc = MrcFile.Open(map);
        return mrc.ReadAll();
    }
}
