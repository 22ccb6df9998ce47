using CryoMerge.Core;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Messaging;

namespace CryoMerge.Hosting;

/// <summary>
/// A client's first question to a cluster whose membership store answers: has any silo joined? Orleans would try its
/// (empty) gateway list for the whole connect timeout (20 s) and then fail; the membership store knows at once. A silo
/// that is still starting is waited for, <see cref="CryoMergeHostSettings.SiloWait"/> at most.
/// </summary>
internal static class SiloPresence
{
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(250);

    public static async Task WaitAsync(IServiceProvider services, CryoMergeHostSettings settings,
        CancellationToken cancel)
    {
        if (services.GetService<IGatewayListProvider>() is not { } gateways) return;
        await gateways.InitializeGatewayListProvider().WaitAsync(cancel);
        var deadline = DateTime.UtcNow + settings.SiloWait;
        while ((await gateways.GetGateways().WaitAsync(cancel)).Count == 0)
        {
            if (DateTime.UtcNow >= deadline)
            {
                string cluster = settings.Cluster.Display;
                throw new CryoMergeInputException("--cluster",
                    $"no silo has joined the cluster at {cluster}: its membership store lists none (waited " +
                    $"{settings.SiloWait.TotalSeconds:0.#} s, --silo-wait); start one with " +
                    $"'cryomerge serve --cluster {cluster}'");
            }
            await Task.Delay(Poll, cancel);
        }
    }
}
