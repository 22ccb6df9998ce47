using CryoMerge.Core;
using Npgsql;

namespace CryoMerge.Hosting;

/// <summary>How silos find each other.</summary>
public enum ClusterKind
{
    /// <summary>One process: an embedded silo with localhost clustering.</summary>
    Localhost,
    /// <summary>Membership in a Redis server.</summary>
    Redis,
    /// <summary>Membership in PostgreSQL through ADO.NET (the Orleans clustering tables must exist).</summary>
    PostgreSql,
}

/// <summary>
/// The --cluster value: empty for an embedded silo, redis://HOST:PORT[/DB] or postgres://USER:PASSWORD@HOST:PORT/DB.
/// A password given apart (CRYOMERGE_CLUSTER_PASSWORD, from a Kubernetes Secret) replaces the one in the address.
/// </summary>
public sealed record ClusterTarget(ClusterKind Kind, string? ConnectionString, string Display, string? Host)
{
    public static readonly ClusterTarget Localhost = new(ClusterKind.Localhost, null, "embedded silo (localhost)",
        "127.0.0.1");

    public static ClusterTarget Parse(string? value, string? password = null)
    {
        if (string.IsNullOrWhiteSpace(value) || value is "local" or "localhost") return Localhost;
        if (!Uri.TryCreate(value, UriKind.Absolute, out var uri) || string.IsNullOrEmpty(uri.Host))
            throw new CryoMergeInputException("--cluster",
                $"'{value}' is not a cluster address; use redis://HOST:PORT or postgres://USER:PASSWORD@HOST:PORT/DB");
        switch (uri.Scheme)
        {
            case "redis":
                int port = uri.IsDefaultPort || uri.Port < 0 ? 6379 : uri.Port;
                string cs = $"{uri.Host}:{port},abortConnect=false,connectTimeout=5000";
                string db = uri.AbsolutePath.Trim('/');
                if (db.Length > 0) cs += $",defaultDatabase={int.Parse(db)}";
                string? redisPassword = password ?? (string.IsNullOrEmpty(uri.UserInfo) ? null
                    : Uri.UnescapeDataString(uri.UserInfo.Split(':').Last()));
                if (redisPassword is not null) cs += $",password={redisPassword}";
                return new ClusterTarget(ClusterKind.Redis, cs, $"redis://{uri.Host}:{port}", uri.Host);
            case "postgres" or "postgresql":
                var user = uri.UserInfo.Split(':', 2);
                var builder = new NpgsqlConnectionStringBuilder
                {
                    Host = uri.Host,
                    Port = uri.IsDefaultPort || uri.Port < 0 ? 5432 : uri.Port,
                    Database = uri.AbsolutePath.Trim('/') is { Length: > 0 } d ? d : "orleans",
                    Username = Uri.UnescapeDataString(user[0]),
                    Password = password ?? (user.Length > 1 ? Uri.UnescapeDataString(user[1]) : null),
                    Timeout = 5,
                };
                return new ClusterTarget(ClusterKind.PostgreSql, builder.ConnectionString,
                    $"postgres://{uri.Host}:{builder.Port}/{builder.Database}", uri.Host);
            default:
                throw new CryoMergeInputException("--cluster",
                $"unknown cluster scheme '{uri.Scheme}'; use redis:// or postgres://");
        }
    }

    /// <summary>True when the membership store is on this machine's loopback, so silos should advertise
    /// 127.0.0.1.</summary>
    public bool IsLoopback => Host is "127.0.0.1" or "localhost" or "::1" or "[::1]";
}
