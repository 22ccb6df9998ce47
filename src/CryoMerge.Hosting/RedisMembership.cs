using CryoMerge.Core;
using StackExchange.Redis;

namespace CryoMerge.Hosting;

/// <summary>
/// Before a silo or client starts on Redis membership we check, within a few seconds, that the server answers: Orleans
/// itself would retry for tens of seconds and end in a stack trace. One line naming the address instead.
/// </summary>
public static class RedisMembership
{
    /// <summary>How long the check waits for the server.</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(3);

    public static async Task CheckAsync(ClusterTarget target, CancellationToken cancellationToken = default)
    {
        if (target.Kind != ClusterKind.Redis) return;
        var options = ConfigurationOptions.Parse(target.ConnectionString!);
        options.AbortOnConnectFail = true;
        options.ConnectTimeout = (int)Timeout.TotalMilliseconds;
        options.ConnectRetry = 1;
        try
        {
            var connecting = ConnectionMultiplexer.ConnectAsync(options);
            await using var redis = await connecting.WaitAsync(Timeout + TimeSpan.FromSeconds(1), cancellationToken);
            await redis.GetDatabase().PingAsync().WaitAsync(Timeout, cancellationToken);
        }
        catch (RedisConnectionException e) when (e.FailureType == ConnectionFailureType.AuthenticationFailure)
        {
            throw new CryoMergeInputException("--cluster", $"cannot reach the cluster at {target.Display}: " +
                "Redis refused the password (set CRYOMERGE_CLUSTER_PASSWORD)");
        }
        catch (Exception e) when (e is RedisException or TimeoutException or System.Net.Sockets.SocketException)
        {
            throw new CryoMergeInputException("--cluster", $"cannot reach the cluster at {target.Display}: " +
                $"no Redis server answered within {Timeout.TotalSeconds:F0} s");
        }
    }
}
