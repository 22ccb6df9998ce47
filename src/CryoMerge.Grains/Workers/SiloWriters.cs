using CryoMerge.Core;
using Orleans.Runtime;

namespace CryoMerge.Grains.Workers;

/// <summary>
/// The writer token of a silo in temporary file names (<see cref="OutputFiles.Writer"/>): its address, port and
/// generation, so that a silo restarted on the same address is another writer.
/// </summary>
public static class SiloWriters
{
    public static string Token(SiloAddress silo) =>
        TemporaryFileSweep.SafeWriter($"silo-{silo.Endpoint.Address}-{silo.Endpoint.Port}-{silo.Generation}");
}
