using System.Net.Sockets;
using Orleans.Runtime;
using Orleans.Runtime.Messaging;

namespace CryoMerge.Hosting;

/// <summary>
/// Which failures of a grain call mean that a silo, a gateway or a connection went away (worth trying again), not a
/// wrong request.
/// </summary>
public static class ClusterFaults
{
    public static bool IsLostContact(Exception e) => e switch
    {
        AggregateException { InnerExceptions.Count: 1 } a => IsLostContact(a.InnerExceptions[0]),
        TimeoutException or SiloUnavailableException or OrleansMessageRejectionException or ConnectionFailedException
            or GatewayTooBusyException or ClientNotAvailableException or SocketException or IOException => true,
        OrleansException when e.InnerException is { } inner => IsLostContact(inner),
        _ => false,
    };

    /// <summary>One line for a user: the kind of failure and the first line of its message.</summary>
    public static string Describe(Exception e) => $"{e.GetType().Name}: {e.Message.Split('\n')[0].Trim()}";
}
